"""Consent and refusal: what goes in comes back out, and misuse is refused."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from storage import AnswerInput, StorageError, Store
from tests.conftest import Clock, Peek
from tests.privacy.conftest import People
from tests.support.postgres import where


async def consent_of(store: Store, response_id: int) -> tuple[str | None, dt.datetime | None]:
    """The notice version a response was consented under, and when, as read back."""
    response = await store.get_response(response_id)
    assert response is not None
    return response.consent_version, response.consented_at


async def test_consent_round_trip(store: Store, people: People, clock: Clock) -> None:
    response = await people.answering(1, {"q1": AnswerInput("oui")})
    assert (response.consent_version, response.consented_at) == (None, None)
    assert await consent_of(store, response.id) == (None, None)

    first = clock.tick()
    await store.record_consent(response.id, version="a1b2c3", now=first)
    version, consented_at = await consent_of(store, response.id)
    assert (version, consented_at) == ("a1b2c3", first)
    assert consented_at is not None and consented_at.tzinfo is not None

    # A changed notice, accepted again: the new version and time replace the old.
    second = clock.tick(3600)
    await store.record_consent(response.id, version="d4e5f6", now=second)
    assert await consent_of(store, response.id) == ("d4e5f6", second)


async def test_consent_does_not_touch_progress(store: Store, people: People, clock: Clock) -> None:
    response = await people.answering(1, {"q1": AnswerInput("oui")})
    consented_at = clock.tick()
    await store.record_consent(response.id, version="v1", now=consented_at)
    after = await store.get_response(response.id)
    # Everything but the consent itself as it was: not progress, not activity.
    assert after == replace(response, consent_version="v1", consented_at=consented_at)
    assert (await store.answers_for(response.id)).keys() == {"q1"}


async def test_consent_is_per_response(store: Store, people: People, clock: Clock) -> None:
    ana = await people.answering(1)
    bob = await people.answering(2)
    await store.record_consent(ana.id, version="v1", now=clock.tick())
    assert await consent_of(store, bob.id) == (None, None)


async def test_consent_time_is_stored_in_utc(store: Store, people: People, peek: Peek) -> None:
    response = await people.answering(1)
    paris = dt.timezone(dt.timedelta(hours=2))
    await store.record_consent(
        response.id, version="v1", now=dt.datetime(2019, 6, 3, 11, 0, tzinfo=paris)
    )
    assert peek.query("SELECT consented_at FROM responses") == [
        ("2019-06-03T09:00:00.000000+00:00",)
    ]


async def test_consent_misuse(store: Store, people: People, clock: Clock) -> None:
    response = await people.answering(1)
    with pytest.raises(StorageError, match="no such response") as info:
        await store.record_consent(404, version="v1", now=clock.tick())
    assert where(store) in str(info.value)
    with pytest.raises(StorageError, match="naive"):
        await store.record_consent(response.id, version="v1", now=dt.datetime(2019, 6, 3))
    for bad in ("", "   "):
        with pytest.raises(StorageError, match="non-empty"):
            await store.record_consent(response.id, version=bad, now=clock.tick())
    assert await consent_of(store, response.id) == (None, None)


async def test_a_refusal_keeps_the_notice_the_workshop_and_the_time_only(
    store: Store, clock: Clock, peek: Peek
) -> None:
    first = clock.tick()
    await store.record_refusal(version="v1", stage_code="vitre", now=first)
    second = clock.tick()
    await store.record_refusal(version="v2", stage_code=None, now=second)

    assert peek.query("SELECT * FROM consent_refusals ORDER BY id") == [
        (1, "v1", "vitre", first.isoformat(timespec="microseconds")),
        (2, "v2", None, second.isoformat(timespec="microseconds")),
    ]
    # Declining stores nothing about the person: no respondent, no response.
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(0,)]
    assert peek.query("SELECT COUNT(*) FROM responses") == [(0,)]


async def test_refusal_misuse(store: Store, clock: Clock, peek: Peek) -> None:
    with pytest.raises(StorageError, match="non-empty"):
        await store.record_refusal(version="", stage_code=None, now=clock.tick())
    with pytest.raises(StorageError, match="naive"):
        await store.record_refusal(version="v1", stage_code=None, now=dt.datetime(2019, 6, 3))
    assert peek.query("SELECT COUNT(*) FROM consent_refusals") == [(0,)]


# With the update that brought them


async def test_consent_records_its_update_in_the_same_transaction(
    store: Store, people: People, clock: Clock, peek: Peek
) -> None:
    response = await people.answering(1)
    await store.record_consent(response.id, version="v2", now=clock.tick(), update_id=31)
    assert await store.was_handled(31)
    assert await consent_of(store, response.id) == ("v2", clock.now)

    # A consent that fails records no update: redelivered, it is applied then.
    before = peek.dump()
    with pytest.raises(StorageError, match="no such response"):
        await store.record_consent(404, version="v2", now=clock.tick(), update_id=32)
    assert not await store.was_handled(32)
    assert peek.dump() == before


async def test_a_redelivered_refusal_is_stored_once(store: Store, clock: Clock, peek: Peek) -> None:
    first = clock.tick()
    assert await store.record_refusal(version="v1", stage_code="vitre", now=first, update_id=40)
    # The same "I decline", delivered again after a crash.
    assert not await store.record_refusal(
        version="v1", stage_code="vitre", now=clock.tick(), update_id=40
    )
    assert peek.query("SELECT consent_version, refused_at FROM consent_refusals") == [
        ("v1", first.isoformat(timespec="microseconds"))
    ]
    assert peek.query("SELECT update_id FROM handled_updates") == [(40,)]
    # Another delivery is another refusal; without an update id, each call is one.
    assert await store.record_refusal(version="v2", stage_code=None, now=clock.tick(), update_id=41)
    assert await store.record_refusal(version="v2", stage_code=None, now=clock.tick())
    assert peek.query("SELECT COUNT(*) FROM consent_refusals") == [(3,)]


async def test_a_failed_refusal_records_no_update(store: Store, clock: Clock, peek: Peek) -> None:
    before = peek.dump()
    with pytest.raises(StorageError, match="non-empty"):
        await store.record_refusal(version=" ", stage_code=None, now=clock.tick(), update_id=50)
    assert not await store.was_handled(50)
    assert peek.dump() == before
