"""Housekeeping: one polite reminder, none at night, none twice or to the blocked; closing and purging."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from conversation import (
    Action,
    Choice,
    Conversation,
    DataCopy,
    Housekeeping,
    Intent,
    Menu,
    Person,
    Policy,
    Reminder,
)
from flows import Flow
from storage import Channel, ResponseStatus, Store
from tests.conftest import START, Clock, Peek
from tests.conversation.conftest import DECLINE, RESUME, ChatFactory, counts, mini_to, mini_to_end

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
# START is 9:00 UTC, 11:00 in Paris (summer time); the next day at noon in Paris:
NEXT_NOON = dt.datetime(2019, 6, 4, 10, 0, tzinfo=dt.UTC)
REMINDER = (
    "Bonjour\u00a0! Votre questionnaire «\u00a0Mini\u00a0» n’est pas terminé (2\u00a0réponses sur 10). "
    "Vos réponses sont enregistrées\u00a0: vous pouvez reprendre là où vous en étiez."
)


@pytest.fixture
def housekeeping(store: Store, mini_flow: Flow) -> Housekeeping:
    return Housekeeping(store, mini_flow, Policy())


async def test_a_reminder_is_due_after_reminder_after(
    chat: ChatFactory, mini: Conversation, housekeeping: Housekeeping
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")
    idle_from = START + 5 * dt.timedelta(seconds=1)

    assert await housekeeping.due_reminders(idle_from + 23 * HOUR, channel=Channel.TELEGRAM) == []

    due = await housekeeping.due_reminders(NEXT_NOON, channel=Channel.TELEGRAM)

    assert due == [
        Reminder(
            Person(Channel.TELEGRAM, "ana"),
            ana.reply.response_id or 0,
            Menu(REMINDER, (Choice(RESUME, Action(Intent.RESUME)),)),
        )
    ]


async def test_the_reminders_button_resumes_where_they_were(
    chat: ChatFactory, mini: Conversation, housekeeping: Housekeeping, clock: Clock
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")
    [reminder] = await housekeeping.due_reminders(NEXT_NOON, channel=Channel.TELEGRAM)
    clock.now = NEXT_NOON

    await ana.tap(reminder.menu.choices[0].action)

    assert ana.kinds == ["Question"]
    assert ana.prompt.step_id == "sector"


async def test_a_reminder_speaks_the_responses_language(
    chat: ChatFactory, mini: Conversation, housekeeping: Housekeeping
) -> None:
    ana = chat(mini, hint="en")
    await mini_to(ana, "staff")
    await ana.write("12")

    [reminder] = await housekeeping.due_reminders(NEXT_NOON, channel=Channel.TELEGRAM)

    assert reminder.menu.text == (
        "Hello! Your questionnaire “Mini” is not finished (2 of 10 answered). "
        "Your answers are saved: you can continue where you left off."
    )
    assert [choice.label for choice in reminder.menu.choices] == ["Continue ▶"]


@pytest.mark.parametrize(
    ("now", "timezone", "reminded"),
    [
        (dt.datetime(2019, 6, 4, 18, 30, tzinfo=dt.UTC), "Europe/Paris", False),  # 20:30 there
        (dt.datetime(2019, 6, 4, 18, 30, tzinfo=dt.UTC), "UTC", True),
        (dt.datetime(2019, 6, 4, 23, 0, tzinfo=dt.UTC), "Europe/Paris", False),  # 1:00
        (dt.datetime(2019, 6, 5, 6, 59, tzinfo=dt.UTC), "Europe/Paris", False),  # 8:59
        (dt.datetime(2019, 6, 5, 7, 0, tzinfo=dt.UTC), "Europe/Paris", True),  # 9:00
        (dt.datetime(2019, 6, 4, 17, 59, tzinfo=dt.UTC), "Europe/Paris", True),  # 19:59
    ],
)
async def test_no_reminder_at_night_in_the_policys_time_zone(
    chat: ChatFactory,
    mini: Conversation,
    store: Store,
    mini_flow: Flow,
    now: dt.datetime,
    timezone: str,
    reminded: bool,
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")
    housekeeping = Housekeeping(store, mini_flow, Policy(timezone=timezone))

    due = await housekeeping.due_reminders(now, channel=Channel.TELEGRAM)

    assert [r.person.external_id for r in due] == (["ana"] if reminded else [])


async def test_no_reminder_twice(
    chat: ChatFactory, mini: Conversation, housekeeping: Housekeeping, peek: Peek
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")
    [reminder] = await housekeeping.due_reminders(NEXT_NOON, channel=Channel.TELEGRAM)

    assert await housekeeping.claim(reminder, NEXT_NOON) is True
    assert await housekeeping.claim(reminder, NEXT_NOON) is False, "claimed once only"

    assert await housekeeping.due_reminders(NEXT_NOON + 3 * DAY, channel=Channel.TELEGRAM) == []
    assert peek.query("SELECT reminded_at IS NOT NULL FROM responses") == [(1,)]


async def ana_and_bob_due(
    chat: ChatFactory, mini: Conversation, housekeeping: Housekeeping
) -> list[Reminder]:
    """Ana and Bob, each idle at the second question: both due a reminder at noon."""
    for name in ("ana", "bob"):
        await mini_to(chat(mini, name), "sector")
    return await housekeeping.due_reminders(NEXT_NOON, channel=Channel.TELEGRAM)


async def test_someone_who_erased_their_answers_during_the_round_is_skipped(
    chat: ChatFactory, mini: Conversation, housekeeping: Housekeeping, store: Store
) -> None:
    # The round sends one by one, for seconds: a /delete may come between the list of
    # those due and their turn. Nobody is left to remind; the others still are.
    ana_reminder, bob_reminder = await ana_and_bob_due(chat, mini, housekeeping)
    respondent = await store.get_respondent(Channel.TELEGRAM, "ana")
    assert respondent is not None
    await store.erase_respondent(respondent.id)

    assert await housekeeping.claim(ana_reminder, NEXT_NOON) is False
    await housekeeping.unreachable(ana_reminder, NEXT_NOON)  # nothing to mark, no error
    assert await housekeeping.claim(bob_reminder, NEXT_NOON) is True


async def test_no_reminder_to_someone_who_blocked_the_bot(
    chat: ChatFactory,
    mini: Conversation,
    housekeeping: Housekeeping,
    store: Store,
) -> None:
    ana_reminder, bob_reminder = await ana_and_bob_due(chat, mini, housekeeping)
    assert (ana_reminder.person.external_id, bob_reminder.person.external_id) == ("ana", "bob")

    # Sending Ana's reminder found she blocked the bot.
    await housekeeping.unreachable(ana_reminder, NEXT_NOON)

    respondent = await store.get_respondent(Channel.TELEGRAM, "ana")
    assert respondent is not None
    assert respondent.blocked_at == NEXT_NOON
    # Bob's is still due; Ana's is not, now or later.
    later = await housekeeping.due_reminders(NEXT_NOON + HOUR, channel=Channel.TELEGRAM)
    assert [r.person.external_id for r in later] == ["bob"]


async def test_a_blocked_person_who_writes_again_is_no_longer_blocked(
    chat: ChatFactory,
    mini: Conversation,
    housekeeping: Housekeeping,
    store: Store,
    clock: Clock,
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")
    await mini.set_blocked(ana.person, blocked=True)

    assert await housekeeping.due_reminders(NEXT_NOON, channel=Channel.TELEGRAM) == []

    clock.now = NEXT_NOON
    await ana.start()
    respondent = await store.get_respondent(Channel.TELEGRAM, "ana")
    assert respondent is not None
    assert respondent.blocked_at is None
    assert ana.kinds == ["Menu"]  # the offer to resume, as usual


async def test_no_reminder_for_a_completed_response_or_another_channel(
    chat: ChatFactory, mini: Conversation, housekeeping: Housekeeping
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)
    terminal = chat(mini, "local", channel=Channel.TERMINAL)
    await mini_to(terminal, "sector")

    assert await housekeeping.due_reminders(NEXT_NOON, channel=Channel.TELEGRAM) == []
    on_terminal = await housekeeping.due_reminders(NEXT_NOON, channel=Channel.TERMINAL)
    assert [r.person for r in on_terminal] == [Person(Channel.TERMINAL, "local")]


async def test_no_reminder_when_the_policy_says_none(
    chat: ChatFactory, mini: Conversation, store: Store, mini_flow: Flow
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")
    housekeeping = Housekeeping(store, mini_flow, Policy(reminder_after=None))

    assert await housekeeping.due_reminders(NEXT_NOON + 5 * DAY, channel=Channel.TELEGRAM) == []


async def test_reminders_are_for_the_housekeepings_own_flow(
    chat: ChatFactory, bundled: Conversation, store: Store, mini_flow: Flow
) -> None:
    ana = chat(bundled)
    await ana.start()
    await ana.press("✅ J’accepte")
    await ana.write("Acme")

    housekeeping = Housekeeping(store, mini_flow, Policy())

    assert await housekeeping.due_reminders(NEXT_NOON, channel=Channel.TELEGRAM) == []


async def test_upkeep_closes_responses_left_too_long_and_they_can_go_on(
    chat: ChatFactory,
    mini: Conversation,
    store: Store,
    mini_flow: Flow,
    clock: Clock,
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")
    clock.now = START + 10 * DAY
    bob = chat(mini, "bob")
    await mini_to(bob, "sector")
    housekeeping = Housekeeping(store, mini_flow, Policy(abandon_after=14 * DAY))

    await housekeeping.upkeep(START + 15 * DAY)

    statuses = {r.respondent_id: r.status for r in await store.list_responses()}
    assert sorted(statuses.values()) == [ResponseStatus.ABANDONED, ResponseStatus.IN_PROGRESS]
    ana_response = await store.get_response(ana.reply.response_id or 0)
    assert ana_response is not None
    assert ana_response.status == ResponseStatus.ABANDONED

    # Coming back: her data says it waits for her, not that it is lost.
    clock.now = START + 16 * DAY
    await ana.command("mydata")
    (copy,) = [screen for screen in ana.screens if isinstance(screen, DataCopy)]
    assert ": interrompu, à reprendre, 2\u00a0réponses" in copy.text
    assert "abandonné" not in copy.text
    # Offered to go on, and going on reopens it.
    await ana.start()
    assert ana.menu.text.startswith("Vous avez un questionnaire en cours (2\u00a0réponses sur 10).")
    await ana.press(RESUME)
    await ana.press("Services")
    reopened = await store.get_response(ana.reply.response_id or 0)
    assert reopened is not None
    assert reopened.status == ResponseStatus.IN_PROGRESS


async def test_upkeep_purges_what_is_past_retention(
    chat: ChatFactory,
    mini: Conversation,
    bundled: Conversation,
    store: Store,
    mini_flow: Flow,
    clock: Clock,
    peek: Peek,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)
    carla = chat(bundled, "carla")
    await carla.start()
    await carla.press(DECLINE)
    clock.now = START + 20 * DAY
    bob = chat(mini, "bob")
    await mini_to(bob, "sector")
    clock.now = START + 30 * DAY
    dan = chat(mini, "dan")
    await mini_to(dan, "company")
    housekeeping = Housekeeping(store, mini_flow, Policy(abandon_after=None, retention=30 * DAY))

    with caplog.at_level(logging.INFO, logger="conversation.housekeeping"):
        await housekeeping.upkeep(START + 31 * DAY)
        await housekeeping.upkeep(START + 32 * DAY)  # nothing more to delete: no line

    assert peek.query("SELECT external_id FROM respondents ORDER BY external_id") == [
        ("bob",),
        ("dan",),
    ]
    # One line an operator reads in the journal, not a Python repr.
    assert [r.getMessage() for r in caplog.records if "retention" in r.getMessage()] == [
        "retention: deleted 1 response(s) started over 30 days ago (10 answer(s)) "
        "and 1 respondent(s) left with none"
    ]
    assert peek.query("SELECT COUNT(*) FROM consent_refusals") == [(0,)]
    assert peek.query(
        "SELECT DISTINCT p.external_id FROM answers a JOIN responses r ON r.id = a.response_id "
        "JOIN respondents p ON p.id = r.respondent_id"
    ) == [("bob",)]
    # Delivery ids older than a week are forgotten; Dan's of yesterday are kept.
    kept = [at for (at,) in peek.query("SELECT handled_at FROM handled_updates")]
    assert kept
    assert all(at.startswith("2019-07-03T") for at in kept), kept
    assert counts(peek)["responses"] == 2
