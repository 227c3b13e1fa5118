"""Consent and refusal: what goes in comes back out, and misuse is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from storage import (
    AnswerInput,
    Consent,
    StorageError,
    Store,
    consent_of,
    record_consent,
    record_refusal,
    respondent_data,
)
from tests.privacy.conftest import Clock, Peek, People


async def test_consent_round_trip(store: Store, people: People, clock: Clock) -> None:
    response = await people.answering(1, {"q1": AnswerInput("oui")})
    assert await consent_of(store, response.id) == Consent(None, None)

    first = clock.tick()
    await record_consent(store, response.id, version="a1b2c3", now=first)
    version, consented_at = await consent_of(store, response.id)
    assert (version, consented_at) == ("a1b2c3", first)
    assert consented_at is not None and consented_at.tzinfo is not None

    # A changed notice, accepted again: the new version and time replace the old.
    second = clock.tick(3600)
    await record_consent(store, response.id, version="d4e5f6", now=second)
    assert await consent_of(store, response.id) == Consent("d4e5f6", second)


async def test_consent_does_not_touch_progress(store: Store, people: People, clock: Clock) -> None:
    response = await people.answering(1, {"q1": AnswerInput("oui")})
    await record_consent(store, response.id, version="v1", now=clock.tick())
    after = await store.get_response(response.id)
    assert after == response
    assert (await store.answers_for(response.id)).keys() == {"q1"}


async def test_consent_is_per_response(store: Store, people: People, clock: Clock) -> None:
    ana = await people.answering(1)
    bob = await people.answering(2)
    await record_consent(store, ana.id, version="v1", now=clock.tick())
    assert (await consent_of(store, bob.id)).version is None


async def test_consent_time_is_stored_in_utc(store: Store, people: People, peek: Peek) -> None:
    response = await people.answering(1)
    paris = dt.timezone(dt.timedelta(hours=2))
    await record_consent(
        store, response.id, version="v1", now=dt.datetime(2019, 6, 3, 11, 0, tzinfo=paris)
    )
    assert peek.query("SELECT consented_at FROM responses") == [
        ("2019-06-03T09:00:00.000000+00:00",)
    ]


async def test_consent_misuse(store: Store, people: People, clock: Clock) -> None:
    response = await people.answering(1)
    with pytest.raises(StorageError, match="no such response"):
        await record_consent(store, 404, version="v1", now=clock.tick())
    with pytest.raises(StorageError, match="no such response"):
        await consent_of(store, 404)
    with pytest.raises(StorageError, match="naive"):
        await record_consent(store, response.id, version="v1", now=dt.datetime(2019, 6, 3))
    for bad in ("", "   "):
        with pytest.raises(StorageError, match="non-empty"):
            await record_consent(store, response.id, version=bad, now=clock.tick())
    assert await consent_of(store, response.id) == Consent(None, None)


async def test_refusal_round_trip(store: Store, clock: Clock, peek: Peek) -> None:
    zoe = await store.ensure_respondent("telegram", "77", now=clock.tick(), language="fr")
    first = clock.tick()
    await record_refusal(store, zoe.id, version="v1", stage_code="vitre", now=first)
    second = clock.tick()
    await record_refusal(store, zoe.id, version="v2", stage_code=None, now=second)

    data = await respondent_data(store, zoe.id)
    assert data["consent_refusals"] == [
        {"consent_version": "v1", "stage_code": "vitre", "refused_at": first.isoformat()},
        {"consent_version": "v2", "stage_code": None, "refused_at": second.isoformat()},
    ]
    # Declining stores nothing but the refusal.
    assert data["responses"] == []
    assert peek.query("SELECT COUNT(*) FROM responses") == [(0,)]


async def test_refusal_misuse(store: Store, clock: Clock, peek: Peek) -> None:
    zoe = await store.ensure_respondent("telegram", "77", now=clock.tick())
    with pytest.raises(StorageError, match="no such respondent"):
        await record_refusal(store, 404, version="v1", stage_code=None, now=clock.tick())
    with pytest.raises(StorageError, match="non-empty"):
        await record_refusal(store, zoe.id, version="", stage_code=None, now=clock.tick())
    with pytest.raises(StorageError, match="naive"):
        await record_refusal(
            store, zoe.id, version="v1", stage_code=None, now=dt.datetime(2019, 6, 3)
        )
    assert peek.query("SELECT COUNT(*) FROM consent_refusals") == [(0,)]
