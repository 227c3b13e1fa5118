"""Which responses are due their one reminder, and marking it sent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from storage import (
    AnswerInput,
    Channel,
    DueReminder,
    Response,
    ResponseStatus,
    StorageError,
    Store,
    open_store,
)
from tests.conftest import Clock, Peek
from tests.privacy.conftest import People

DAY = dt.timedelta(hours=24)


async def due_ids(store: Store, now: dt.datetime) -> list[int]:
    return [d.response_id for d in await store.due_reminders(idle_since=now - DAY, now=now)]


async def test_a_response_idle_for_the_delay_is_due_once(
    store: Store, people: People, clock: Clock, peek: Peek
) -> None:
    ana = await people.answering(111, {"q1": AnswerInput("oui")}, language="en")
    last_activity = clock.now

    # Exactly at the delay: not yet; a microsecond later: due.
    assert await due_ids(store, last_activity + DAY) == []
    now = last_activity + DAY + dt.timedelta(microseconds=1)
    assert await store.due_reminders(idle_since=now - DAY, now=now) == [
        DueReminder(
            response_id=ana.id,
            respondent_id=ana.respondent_id,
            external_id="111",
            language="en",
            current_step="q2",
        )
    ]

    assert await store.mark_reminded(ana.id, now=now) is True
    assert await due_ids(store, now + DAY * 10) == []
    # Marking twice keeps the first time and says so.
    assert await store.mark_reminded(ana.id, now=now + DAY) is False
    assert peek.query("SELECT reminded_at FROM responses") == [
        (now.isoformat(timespec="microseconds"),)
    ]


async def test_selection_rules(store: Store, people: People, clock: Clock) -> None:
    due = await people.answering(1, {"q1": AnswerInput("oui")})
    blocked = await people.answering(2, {"q1": AnswerInput("oui")})
    await store.set_blocked(blocked.respondent_id, blocked=True, now=clock.tick())
    reminded = await people.answering(3, {"q1": AnswerInput("oui")})
    await store.mark_reminded(reminded.id, now=clock.tick())
    completed = await people.answering(
        4, {"q1": AnswerInput("oui")}, status=ResponseStatus.COMPLETED
    )
    abandoned = await people.answering(
        5, {"q1": AnswerInput("oui")}, status=ResponseStatus.ABANDONED
    )
    terminal = await people.answering(6, {"q1": AnswerInput("oui")}, channel="terminal")
    erased = await people.answering(7, {"q1": AnswerInput("oui")})
    await store.erase_respondent(erased.respondent_id)
    # Everyone above has been idle for two days; this one answered an hour ago.
    clock.tick(2 * 86400)
    recent = await people.answering(8, {"q1": AnswerInput("oui")})
    clock.tick(3600)

    assert await due_ids(store, clock.now) == [due.id]
    assert {blocked.id, reminded.id, completed.id, abandoned.id, terminal.id, recent.id}.isdisjoint(
        await due_ids(store, clock.now)
    )
    # Unblocked again (they wrote to the bot): due once more.
    await store.set_blocked(blocked.respondent_id, blocked=False, now=clock.tick())
    assert await due_ids(store, clock.now) == [due.id, blocked.id]


async def test_activity_after_the_reminder_does_not_bring_another(
    store: Store, people: People, clock: Clock
) -> None:
    ana = await people.answering(1, {"q1": AnswerInput("oui")})
    now = clock.tick(2 * 86400)
    await store.mark_reminded(ana.id, now=now)
    # They come back, answer one more question, and go quiet again.
    await people.answer(ana, {"q1": AnswerInput("oui"), "q2": AnswerInput("non")})
    assert await due_ids(store, clock.tick(10 * 86400)) == []


async def test_oldest_activity_first(store: Store, people: People, clock: Clock) -> None:
    first = await people.answering(1)
    second = await people.answering(2)
    await people.answer(first, {"q1": AnswerInput("oui")})  # now the more recent
    assert await due_ids(store, clock.tick(2 * 86400)) == [second.id, first.id]


async def test_a_restart_finds_the_same_due_reminders(
    store: Store, people: People, clock: Clock, store_target: Path | str
) -> None:
    ana = await people.answering(1)
    bob = await people.answering(2)
    now = clock.tick(2 * 86400)
    await store.mark_reminded(ana.id, now=now)
    await store.close()
    async with await open_store(store_target) as again:
        assert await due_ids(again, now) == [bob.id]


async def test_reminder_misuse(store: Store, people: People, clock: Clock) -> None:
    response: Response = await people.answering(1)
    with pytest.raises(StorageError, match="no such response"):
        await store.mark_reminded(404, now=clock.tick())
    with pytest.raises(StorageError, match="naive"):
        await store.mark_reminded(response.id, now=dt.datetime(2019, 6, 3))
    with pytest.raises(StorageError, match="after now"):
        await store.due_reminders(idle_since=clock.now + DAY, now=clock.now)
    with pytest.raises(StorageError, match="naive"):
        await store.due_reminders(idle_since=dt.datetime(2019, 6, 3), now=clock.now)


async def test_reminders_are_per_channel(store: Store, people: People, clock: Clock) -> None:
    telegram = await people.answering(1, {"q1": AnswerInput("oui")})
    web = await people.answering(2, {"q1": AnswerInput("oui")}, channel=Channel.WEB)
    terminal = await people.answering(3, {"q1": AnswerInput("oui")}, channel=Channel.TERMINAL)
    now = clock.tick(2 * 86400)

    # Telegram unless asked otherwise: the channel the bot can reach on its own.
    assert await due_ids(store, now) == [telegram.id]
    on_the_web = await store.due_reminders(idle_since=now - DAY, now=now, channel=Channel.WEB)
    assert on_the_web == [
        DueReminder(
            response_id=web.id,
            respondent_id=web.respondent_id,
            external_id="2",
            language="fr",
            current_step="q2",
        )
    ]
    in_the_terminal = await store.due_reminders(
        idle_since=now - DAY, now=now, channel=Channel.TERMINAL
    )
    assert [d.response_id for d in in_the_terminal] == [terminal.id]


async def test_the_respondent_of_a_reminder(store: Store, people: People) -> None:
    ana = await people.answering(111)
    respondent = await store.get_respondent_by_id(ana.respondent_id)
    assert respondent == await store.get_respondent("telegram", "111")
    assert await store.get_respondent_by_id(404) is None
