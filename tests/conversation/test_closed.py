"""A closed questionnaire (SURVEYBOT_CLOSED): every respondent is told so and nothing changes,
but /mydata and /delete, which stay; no reminder is due; the upkeep still purges."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
import yaml

from conversation import (
    Action,
    Conversation,
    DataCopy,
    Goodbye,
    Housekeeping,
    Intent,
    Menu,
    Policy,
)
from flows import Flow, StageDef, load_flow
from storage import Channel, Store
from tests.conftest import MINI, Clock, Peek
from tests.conversation.conftest import (
    AGREE,
    ERASE_NO,
    ERASE_YES,
    NO_ONE,
    ChatFactory,
    about_people,
    mini_to,
)

CLOSED_FR = (
    "Le questionnaire est clos\u00a0: il n’est plus possible d’y répondre. Merci à toutes "
    "celles et ceux qui ont répondu\u00a0! Vos données restent consultables (/mydata) et "
    "effaçables (/delete)."
)
CLOSED_EN = (
    "The questionnaire is closed: answers are no longer taken. Thank you to everyone who took "
    "part! Your data can still be seen (/mydata) and erased (/delete)."
)
NEXT_NOON = dt.datetime(2019, 6, 4, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def closed_mini(
    store: Store, mini_flow: Flow, stages: list[StageDef], clock: Clock
) -> Conversation:
    """mini.yaml's questionnaire after the tour: the same store, closed."""
    return Conversation(store, mini_flow, stages, clock=lambda: clock.now, closed=True)


@pytest.fixture
def closed_bundled(
    store: Store, bundled_flow: Flow, stages: list[StageDef], clock: Clock
) -> Conversation:
    return Conversation(store, bundled_flow, stages, clock=lambda: clock.now, closed=True)


async def test_a_newcomer_is_told_it_is_closed_and_nothing_is_stored(
    chat: ChatFactory, closed_mini: Conversation, closed_bundled: Conversation, peek: Peek
) -> None:
    before = peek.dump()
    for conversation in (closed_mini, closed_bundled):
        bea = chat(conversation, "bea")
        await bea.start("pithiviers")
        assert (bea.kinds, bea.messages) == (["Message"], [CLOSED_FR])
        await bea.write("Acme")
        assert bea.messages == [CLOSED_FR]
        # "J'accepte" kept from a notice shown before the close: nothing begins.
        await bea.tap(Action(Intent.CONSENT, version=conversation.flow.consent_version or ""))
        assert bea.messages == [CLOSED_FR]
        await bea.sticker()
        assert bea.messages == [CLOSED_FR]
        await bea.command("help")
        assert bea.messages == [CLOSED_FR]

    assert peek.dump() == before  # no respondent, no delivery id, nothing


async def test_an_english_phone_reads_it_in_english(
    chat: ChatFactory, closed_bundled: Conversation
) -> None:
    tom = chat(closed_bundled, "tom", hint="en-GB")

    await tom.start("pithiviers")

    assert tom.messages == [CLOSED_EN]
    assert tom.reply.language == "en"


async def test_a_respondent_midway_can_neither_answer_nor_change_anything(
    chat: ChatFactory, mini: Conversation, closed_mini: Conversation, peek: Peek
) -> None:
    open_ana = chat(mini)
    await mini_to(open_ana, "sector")
    kept = open_ana.action("Industrie")  # the live question's button, still in the chat
    before = peek.dump()
    ana = chat(closed_mini)

    await ana.start()
    assert ana.messages == [CLOSED_FR]
    await ana.tap(kept)
    assert (ana.kinds, ana.messages) == (["Message"], [CLOSED_FR])
    await ana.write("Industrie")
    await ana.tap(Action(Intent.RESTART, seq=kept.seq))
    for command in ("back", "skip", "restart", "language"):
        await ana.command(command)
        assert ana.messages == [CLOSED_FR], command
    await ana.tap(Action(Intent.RESUME))
    assert ana.messages == [CLOSED_FR]

    assert peek.dump() == before


async def test_mydata_and_delete_still_work(
    chat: ChatFactory, mini: Conversation, closed_mini: Conversation, peek: Peek
) -> None:
    await mini_to(chat(mini), "sector")
    ana = chat(closed_mini)

    await ana.command("mydata")
    assert ana.kinds == ["DataCopy"]
    copy = ana.only(DataCopy)
    assert isinstance(copy, DataCopy)
    assert [r["answers"] for r in copy.data["responses"]] != [[]]

    await ana.command("delete")
    assert isinstance(ana.menu, Menu)
    await ana.press(ERASE_NO)  # keeping is a button like any other: closed, nothing changes
    assert ana.messages == [CLOSED_FR]
    assert about_people(peek) != NO_ONE

    await ana.command("delete")
    await ana.press(ERASE_YES)

    assert ana.kinds == ["Goodbye"]
    assert isinstance(ana.only(Goodbye), Goodbye)
    assert about_people(peek) == NO_ONE
    await ana.command("mydata")
    assert ana.messages == ["Nous ne conservons aucune réponse de votre part."]


async def test_a_closed_bundled_questionnaire_leaves_the_notice_unanswered(
    chat: ChatFactory, bundled: Conversation, closed_bundled: Conversation, peek: Peek
) -> None:
    # The notice shown just before the close: agreeing afterwards begins nothing.
    ana = chat(bundled)
    await ana.start("pithiviers")
    agree = ana.action(AGREE)
    ana = chat(closed_bundled)

    await ana.tap(agree)

    assert ana.messages == [CLOSED_FR]
    assert about_people(peek) == NO_ONE


async def test_no_reminder_is_due_once_closed(
    chat: ChatFactory, mini: Conversation, store: Store, mini_flow: Flow
) -> None:
    await mini_to(chat(mini), "sector")
    open_round = Housekeeping(store, mini_flow, Policy())
    closed_round = Housekeeping(store, mini_flow, Policy(closed=True))

    assert len(await open_round.due_reminders(NEXT_NOON, channel=Channel.TELEGRAM)) == 1
    assert await closed_round.due_reminders(NEXT_NOON, channel=Channel.TELEGRAM) == []
    assert await closed_round.due_reminders(NEXT_NOON, channel=Channel.WEB) == []


async def test_the_upkeep_still_purges_once_closed(
    chat: ChatFactory, mini: Conversation, store: Store, mini_flow: Flow, peek: Peek
) -> None:
    await mini_to(chat(mini), "sector")
    closed = Policy(closed=True, retention=dt.timedelta(days=30))

    await Housekeeping(store, mini_flow, closed).upkeep(NEXT_NOON + dt.timedelta(days=31))

    assert about_people(peek)["responses"] == 0


async def test_a_closed_start_is_logged_once(
    closed_mini: Conversation, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="conversation.service"):
        await closed_mini.sync_with_files()

    assert "the questionnaire is closed: respondents are told so" in caplog.messages


def mini_v2(tmp_path: Path) -> Flow:
    """mini.yaml changed after the tour began: "share" gone, "staff" at most 10."""
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["version"] = 2
    for section in data["sections"]:
        section["steps"] = [step for step in section["steps"] if step["id"] != "share"]
        for step in section["steps"]:
            if step["id"] == "staff":
                step["max"] = 10
    path = tmp_path / "mini_v2.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_flow(path)


async def test_mydata_and_delete_carry_nothing_onto_a_changed_questionnaire(
    chat: ChatFactory,
    mini: Conversation,
    store: Store,
    stages: list[StageDef],
    clock: Clock,
    peek: Peek,
    tmp_path: Path,
) -> None:
    # Closed on a flow changed since Ana's 12 employees: her response stays as she left it,
    # not carried onto the new version (which would drop that answer) for a copy of it.
    ana = chat(mini)
    await mini_to(ana, "exports")
    closed = Conversation(store, mini_v2(tmp_path), stages, clock=lambda: clock.now, closed=True)
    await closed.sync_with_files()  # records the new file's version, as at any start
    ana.conversation = closed
    before = peek.dump()

    await ana.command("mydata")

    assert ana.kinds == ["DataCopy"]  # not "updated", nor the question waiting
    assert peek.dump() == before
    assert peek.query("SELECT flow_version, current_step FROM responses") == [(1, "exports")]
    assert len(peek.query("SELECT question_id FROM answers")) == 3
    await ana.command("delete")
    assert ana.kinds == ["Menu"]
    await ana.press(ERASE_YES)
    assert ana.kinds == ["Goodbye"]
    assert about_people(peek) == NO_ONE


async def test_mydata_says_unfinished_once_closed(
    chat: ChatFactory,
    mini: Conversation,
    closed_mini: Conversation,
    store: Store,
    mini_flow: Flow,
    clock: Clock,
) -> None:
    # Paused (closed for the statistics) or in progress: once closed, nothing is to resume.
    await mini_to(chat(mini), "sector")
    later = clock.now + dt.timedelta(days=20)
    await Housekeeping(store, mini_flow, Policy(abandon_after=dt.timedelta(days=14))).upkeep(later)
    await mini_to(chat(mini, "bea"), "sector")  # after the upkeep: still in progress
    await mini_to(chat(mini, "tom", hint="en-GB"), "sector")

    said = {}
    for name in ("ana", "bea", "tom"):
        person = chat(closed_mini, name)
        await person.command("mydata")
        copy = person.only(DataCopy)
        assert isinstance(copy, DataCopy)
        said[name] = copy.responses[0]

    assert ": non terminé, 2\u00a0réponses" in said["ana"]
    assert ": non terminé, 2\u00a0réponses" in said["bea"]
    assert ": unfinished, 2 answers" in said["tom"]
