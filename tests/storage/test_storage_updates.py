"""What the Telegram transport needs: handled updates, question messages, blocking."""

import datetime as dt
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from storage import (
    AnswerInput,
    Conflict,
    Response,
    ResponseStatus,
    StorageError,
    Store,
    open_store,
)
from tests.support.postgres import refuse_inserts, where

# Handled updates


async def save(
    store: Store, response: Response, now: dt.datetime, *, update_id: int | None = None
) -> Response:
    """Save one answer to `response`."""
    return await store.save_progress(
        response.id,
        state_json='{"step": "q2"}',
        current_step="q2",
        answers={"q1": AnswerInput("oui")},
        status=ResponseStatus.IN_PROGRESS,
        now=now,
        update_id=update_id,
    )


async def test_save_progress_records_its_update_id(store: Store, new_response, clock, peek) -> None:
    response = await new_response()
    assert not await store.was_handled(101)

    await save(store, response, clock.tick(), update_id=101)

    assert await store.was_handled(101)
    assert not await store.was_handled(102)
    assert peek.query("SELECT update_id, handled_at FROM handled_updates") == [
        (101, "2019-06-03T09:00:03.000000+00:00")
    ]


async def test_save_progress_without_an_update_id_records_none(
    store: Store, new_response, clock, peek
) -> None:
    await save(store, await new_response(), clock.tick())
    assert peek.query("SELECT COUNT(*) FROM handled_updates") == [(0,)]


async def test_start_response_records_its_update_id(store: Store, clock) -> None:
    ana = await store.ensure_respondent("telegram", "1001", now=clock.tick())
    await store.start_response(
        ana.id,
        flow_id="tdf2019",
        flow_version=3,
        stage_code=None,
        language="fr",
        state_json="{}",
        current_step="q1",
        now=clock.tick(),
        update_id=7,
    )
    assert await store.was_handled(7)


async def test_failed_save_does_not_record_its_update_id(
    store: Store, new_response, clock, peek
) -> None:
    await new_response()
    before = peek.dump()
    with pytest.raises(StorageError, match="response 404"):
        await store.save_progress(
            404,
            state_json="{}",
            current_step=None,
            answers={"q1": AnswerInput("oui")},
            status=ResponseStatus.IN_PROGRESS,
            now=clock.tick(),
            update_id=101,
        )
    # Redelivered, the update must be applied again: it was not applied the first time.
    assert not await store.was_handled(101)
    assert peek.dump() == before


async def test_failed_start_does_not_record_its_update_id(store: Store, clock, peek) -> None:
    with pytest.raises(StorageError, match="no respondent 404"):
        await store.start_response(
            404,
            flow_id="tdf2019",
            flow_version=3,
            stage_code=None,
            language="fr",
            state_json="{}",
            current_step="q1",
            now=clock.tick(),
            update_id=7,
        )
    assert not await store.was_handled(7)
    assert peek.query("SELECT COUNT(*) FROM responses") == [(0,)]


async def test_answer_is_not_saved_when_its_update_id_cannot_be(
    store: Store, new_response, clock, peek
) -> None:
    response = await new_response()
    refuse_inserts(peek, "handled_updates", "no room for update ids")
    before = peek.dump()

    with pytest.raises(StorageError, match="no room for update ids"):
        await save(store, response, clock.tick(), update_id=101)

    # An answer saved without its update id would be applied again on redelivery.
    assert peek.dump() == before
    assert await store.get_response(response.id) == response
    assert await store.answers_for(response.id) == {}


async def test_response_is_not_started_when_its_update_id_cannot_be(
    store: Store, clock, peek
) -> None:
    ana = await store.ensure_respondent("telegram", "1001", now=clock.tick())
    refuse_inserts(peek, "handled_updates", "no room for update ids")
    with pytest.raises(StorageError, match="no room for update ids"):
        await store.start_response(
            ana.id,
            flow_id="tdf2019",
            flow_version=3,
            stage_code=None,
            language="fr",
            state_json="{}",
            current_step="q1",
            now=clock.tick(),
            update_id=7,
        )
    assert await store.respondent_responses(ana.id) == []
    assert peek.query("SELECT COUNT(*) FROM responses") == [(0,)]


async def test_mark_handled_is_idempotent_and_keeps_the_first_time(
    store: Store, new_response, clock, peek
) -> None:
    first = clock.tick()
    await store.mark_handled(55, now=first)
    await store.mark_handled(55, now=clock.tick())

    assert await store.was_handled(55)
    assert peek.query("SELECT update_id, handled_at FROM handled_updates") == [
        (55, first.isoformat(timespec="microseconds"))
    ]


async def test_a_save_carrying_an_applied_update_id_writes_nothing(
    store: Store, new_response, clock, peek
) -> None:
    # Two instances given the same update: the second finds it applied, and its save,
    # decided on what it read before, must not land over the first one's.
    response = await new_response()
    await store.mark_handled(55, now=clock.tick())
    before = peek.dump()

    with pytest.raises(Conflict, match="update 55 was already applied") as refused:
        await save(store, response, clock.tick(), update_id=55)

    assert refused.value.already_applied
    assert peek.dump() == before


async def test_was_handled_only_looks(store: Store, peek) -> None:
    assert not await store.was_handled(9)
    assert not await store.was_handled(9)
    assert peek.query("SELECT COUNT(*) FROM handled_updates") == [(0,)]


async def test_prune_forgets_updates_handled_before_the_cutoff(store: Store, clock) -> None:
    for update_id in (1, 2, 3):
        await store.mark_handled(update_id, now=clock.tick(3600))
    cutoff = clock.now  # when update 3 was handled

    # The same instant in another zone: stored times are compared in UTC.
    paris = dt.timezone(dt.timedelta(hours=2))
    assert await store.prune_handled_updates(before=cutoff.astimezone(paris)) == 2

    assert [await store.was_handled(u) for u in (1, 2, 3)] == [False, False, True]
    assert await store.prune_handled_updates(before=cutoff) == 0
    assert await store.prune_handled_updates(before=clock.tick()) == 1
    assert not await store.was_handled(3)


# The question message


async def test_prompt_message_round_trip(
    store_target: Path | str, store: Store, new_response, clock
) -> None:
    response = await new_response()
    other = await new_response("2")
    assert response.prompt_message_id is None

    await store.set_prompt_message(response.id, 4242)
    await store.close()

    async with await open_store(store_target) as reopened:
        shown = await reopened.get_response(response.id)
        assert shown is not None
        assert shown.prompt_message_id == 4242
        # Only the message id moved: it is not progress.
        assert shown.updated_at == response.updated_at
        untouched = await reopened.get_response(other.id)
        assert untouched is not None
        assert untouched.prompt_message_id is None

        # Saving an answer leaves it for the bot to replace.
        saved = await save(reopened, response, clock.tick())
        assert saved.prompt_message_id == 4242

        await reopened.set_prompt_message(response.id, None)
        cleared = await reopened.get_response(response.id)
        assert cleared is not None
        assert cleared.prompt_message_id is None


async def test_prompt_message_of_a_response_erased_meanwhile_changes_nothing(
    store: Store, new_response, peek
) -> None:
    response = await new_response()
    await store.erase_respondent(response.respondent_id)
    before = peek.dump()

    assert await store.set_prompt_message(response.id, 1) is False
    assert peek.dump() == before


# Respondents


async def test_get_respondent_finds_only_existing_ones(store: Store, clock, peek) -> None:
    assert await store.get_respondent("telegram", "1001") is None
    # Looking does not create.
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(0,)]

    ana = await store.ensure_respondent("telegram", "1001", now=clock.tick(), language="fr")

    assert await store.get_respondent("telegram", "1001") == ana
    assert await store.get_respondent("terminal", "1001") is None
    assert await store.get_respondent("telegram", "1002") is None


async def test_set_blocked_sets_and_clears(store: Store, clock) -> None:
    ana = await store.ensure_respondent("telegram", "1001", now=clock.tick())
    bob = await store.ensure_respondent("telegram", "1002", now=clock.tick())

    blocked_at = clock.tick()
    await store.set_blocked(ana.id, blocked=True, now=blocked_at)
    found = await store.get_respondent("telegram", "1001")
    assert found is not None
    assert found.blocked_at == blocked_at
    assert await store.get_respondent("telegram", "1002") == bob

    # Each failed send says so again; the respondent has been blocked since the first.
    await store.set_blocked(ana.id, blocked=True, now=clock.tick())
    again = await store.get_respondent("telegram", "1001")
    assert again is not None
    assert again.blocked_at == blocked_at

    # They wrote again: they unblocked the bot.
    await store.set_blocked(ana.id, blocked=False, now=clock.tick())
    cleared = await store.get_respondent("telegram", "1001")
    assert cleared is not None
    assert cleared.blocked_at is None

    blocked_again = clock.tick()
    await store.set_blocked(ana.id, blocked=True, now=blocked_again)
    last = await store.get_respondent("telegram", "1001")
    assert last is not None
    assert last.blocked_at == blocked_again


@pytest.mark.parametrize("blocked", [True, False])
async def test_set_blocked_of_unknown_respondent_is_an_error(
    store: Store, clock, blocked: bool
) -> None:
    with pytest.raises(StorageError, match="no such respondent"):
        await store.set_blocked(404, blocked=blocked, now=clock.tick())


# Responses


async def test_set_language_of_a_response(store: Store, new_response, clock) -> None:
    response = await new_response(language="fr")
    other = await new_response("2", language="fr")
    changed_at = clock.tick()

    await store.set_language(response.respondent_id, "en", response_id=response.id, now=changed_at)

    reloaded = await store.get_response(response.id)
    assert reloaded is not None
    assert (reloaded.language, reloaded.updated_at) == ("en", changed_at)
    assert (reloaded.state_json, reloaded.current_step) == (
        response.state_json,
        response.current_step,
    )
    assert await store.get_response(other.id) == other
    # The person's own language too, and only theirs.
    person = await store.get_respondent_by_id(response.respondent_id)
    assert person is not None and person.language == "en"
    someone_else = await store.get_respondent_by_id(other.respondent_id)
    assert someone_else is not None and someone_else.language is None
    # A later save without a language keeps the new one.
    assert (await save(store, response, clock.tick())).language == "en"


async def test_set_language_of_unknown_response_is_an_error(
    store: Store, new_response, clock, peek
) -> None:
    response = await new_response(language="fr")
    other = await new_response("2", language="fr")
    before = peek.dump()
    with pytest.raises(StorageError, match="no response 404") as info:
        await store.set_language(response.respondent_id, "en", response_id=404, now=clock.tick())
    assert where(store) in str(info.value)
    # Another person's response is not theirs to change either.
    with pytest.raises(StorageError, match=f"no response {other.id} of respondent"):
        await store.set_language(
            response.respondent_id, "en", response_id=other.id, now=clock.tick()
        )
    # Nothing changed, not even the respondent's own language: one transaction.
    assert peek.dump() == before


async def test_respondent_responses_oldest_first(store: Store, new_response) -> None:
    first = await new_response("1001", flow_id="tdf2019")
    await new_response("1002")
    second = await new_response("1001", flow_id="other")
    third = await new_response("1001", flow_id="tdf2019")

    assert await store.respondent_responses(first.respondent_id) == [first, second, third]
    assert await store.respondent_responses(404) == []


# Times


NAIVE = dt.datetime(2019, 6, 3, 9, 0)
NaiveWrite = Callable[[Store, Response], Awaitable[object]]
NAIVE_WRITES: dict[str, NaiveWrite] = {
    "mark_handled": lambda s, r: s.mark_handled(1, now=NAIVE),
    "prune_handled_updates": lambda s, r: s.prune_handled_updates(before=NAIVE),
    "set_blocked": lambda s, r: s.set_blocked(r.respondent_id, blocked=True, now=NAIVE),
    "set_unblocked": lambda s, r: s.set_blocked(r.respondent_id, blocked=False, now=NAIVE),
    "set_language": lambda s, r: s.set_language(r.respondent_id, "en", response_id=r.id, now=NAIVE),
    "record_consent": lambda s, r: s.record_consent(r.id, version="v1", now=NAIVE),
    "mark_reminded": lambda s, r: s.mark_reminded(r.id, now=NAIVE),
    "save_progress": lambda s, r: save(s, r, NAIVE, update_id=1),
}


@pytest.mark.parametrize("write", NAIVE_WRITES.values(), ids=NAIVE_WRITES.keys())
async def test_naive_time_is_refused(
    store: Store, new_response, clock, peek, write: NaiveWrite
) -> None:
    response = await new_response()
    await store.mark_handled(2, now=clock.tick())
    before = peek.dump()
    with pytest.raises(StorageError, match="timezone-aware"):
        await write(store, response)
    assert peek.dump() == before
