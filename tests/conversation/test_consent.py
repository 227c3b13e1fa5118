"""The information notice: agreeing, declining, redeliveries, its language button, a changed notice."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

import storage.responses
from conversation import Conversation, Goodbye, Pressed, Question, Status, Typed
from flows import Flow, bundled_path, load_flow
from storage import Channel, ResponseStatus, StorageError, Store
from tests.conftest import START, Clock, Peek
from tests.conversation.conftest import (
    AGREE,
    DECLINE,
    ERASE_NO,
    ERASE_YES,
    NO_ONE,
    NOTHING,
    ChatFactory,
    about_people,
    agree,
    counts,
)

DECLINED = (
    "C’est noté\u00a0: vous ne participez pas, et aucune réponse n’est enregistrée. "
    "Merci de votre attention."
)
COME_BACK = "Si vous changez d’avis, tapez /start."
CHANGED = (
    "L’information sur vos données a changé depuis votre dernière visite. "
    "Merci de la relire avant de continuer\u00a0:\n\n"
)
ADDED = "Vos réponses ne sont jamais revendues."
ONE_SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def new_notice(tmp_path: Path, bundled_flow: Flow) -> Flow:
    """The bundled questionnaire, same id and version, with one sentence added to the notice."""
    text = bundled_path("questionnaire.yaml").read_text(encoding="utf-8")
    old = "Votre participation est volontaire."
    assert text.count(old) == 1
    changed = tmp_path / "questionnaire.yaml"
    changed.write_text(text.replace(old, f"{ADDED} {old}"), encoding="utf-8")
    flow = load_flow(changed)
    assert (flow.id, flow.version) == (bundled_flow.id, bundled_flow.version)
    assert flow.consent_version != bundled_flow.consent_version
    return flow


async def test_agreeing_stores_respondent_response_and_consent_with_the_delivery(
    chat: ChatFactory, bundled: Conversation, bundled_flow: Flow, store: Store, peek: Peek
) -> None:
    ana = chat(bundled)
    await ana.start("pithiviers")

    await ana.press(AGREE)

    assert ana.kinds == ["Question"]
    assert ana.prompt.step_id == "company_name"
    assert ana.prompt.text == "Quel est le nom de votre entreprise\u00a0?"
    assert (ana.prompt.position, ana.prompt.answered) == (1, 0)
    respondent = await store.get_respondent(Channel.TELEGRAM, "ana")
    assert respondent is not None
    assert (respondent.language, respondent.blocked_at) == ("fr", None)
    response = await store.latest_response(respondent.id, bundled_flow.id)
    assert response is not None
    assert ana.reply.response_id == response.id
    assert (response.flow_version, response.stage_code, response.language) == (
        bundled_flow.version,
        "pithiviers",
        "fr",
    )
    assert response.status == ResponseStatus.IN_PROGRESS
    assert response.current_step == "company_name"
    assert response.consent_version == bundled_flow.consent_version
    assert response.consented_at == START + 2 * ONE_SECOND
    assert peek.query("SELECT update_id FROM handled_updates") == [(ana.last_delivery,)]
    assert counts(peek) == {
        "respondents": 1,
        "responses": 1,
        "answers": 0,
        "consent_refusals": 0,
        "handled_updates": 1,
    }


async def test_agreeing_is_all_or_nothing(
    chat: ChatFactory, bundled: Conversation, peek: Peek, monkeypatch: pytest.MonkeyPatch
) -> None:
    ana = chat(bundled)
    await ana.start("pithiviers")

    def disk_full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    # The response fails after the respondent's row was written, in the same transaction.
    monkeypatch.setattr(storage.responses, "start", disk_full)
    with pytest.raises(StorageError):
        await ana.press(AGREE)

    assert about_people(peek) == NO_ONE
    assert peek.query("SELECT COUNT(*) FROM handled_updates") == [(0,)]


async def test_declining_keeps_only_the_refusal_with_its_workshop(
    chat: ChatFactory, bundled: Conversation, bundled_flow: Flow, peek: Peek
) -> None:
    ana = chat(bundled)
    await ana.start("pithiviers")

    await ana.press(DECLINE)

    assert ana.screens == (Goodbye(DECLINED, typed_hint=COME_BACK, entry="pithiviers"),)
    assert ana.reply.response_id is None
    # Which notice, which workshop, when: nothing says who.
    assert peek.query("SELECT consent_version, stage_code FROM consent_refusals") == [
        (bundled_flow.consent_version, "pithiviers")
    ]
    assert counts(peek) == {
        "respondents": 0,
        "responses": 0,
        "answers": 0,
        "consent_refusals": 1,
        "handled_updates": 1,
    }


async def test_an_agreement_redelivered_is_applied_once_and_reshown_once(
    chat: ChatFactory,
    clock: Clock,
    bundled: Conversation,
    converse: Callable[[Flow], Conversation],
    bundled_flow: Flow,
    peek: Peek,
) -> None:
    ana = chat(bundled)
    await ana.start()
    agreeing = ana.action(AGREE)
    await ana.tap(agreeing, delivery=1)
    first = ana.reply

    # The reply may have been lost in a crash: the current screen again, once.
    await ana.tap(agreeing, delivery=1)
    assert ana.reply.status == Status.REDELIVERED
    assert ana.screens == first.screens
    assert ana.reply.response_id == first.response_id
    # A third delivery of the same input: nothing more to show.
    await ana.tap(agreeing, delivery=1)
    assert ana.reply.status == Status.REDELIVERED
    assert ana.screens == ()

    # A minute later (another crash, say), it is shown again, once.
    clock.tick(61)
    await ana.tap(agreeing, delivery=1)
    assert ana.screens == first.screens
    await ana.tap(agreeing, delivery=1)
    assert ana.screens == ()

    # Someone else's redelivery is shown to them, once.
    bob = chat(bundled, "bob")
    await bob.start()
    bob_agrees = bob.action(AGREE)
    await bob.tap(bob_agrees, delivery=2)
    await bob.tap(bob_agrees, delivery=2)
    assert bob.reply.status == Status.REDELIVERED
    assert [type(s) for s in bob.screens] == [Question]

    # Who was shown what again is forgotten after the minute: memory stays flat.
    clock.tick(61)
    await bob.tap(bob_agrees, delivery=2)
    assert [type(s) for s in bob.screens] == [Question]
    assert len(bundled._reshown) == 1

    # A new process (a new service) shows it once again.
    ana.conversation = converse(bundled_flow)
    await ana.tap(agreeing, delivery=1)
    assert ana.reply.status == Status.REDELIVERED
    assert ana.screens == first.screens

    assert counts(peek) == {
        "respondents": 2,
        "responses": 2,
        "answers": 0,
        "consent_refusals": 0,
        "handled_updates": 2,
    }


async def test_a_redelivered_answer_is_not_applied_again(
    chat: ChatFactory, bundled: Conversation, store: Store
) -> None:
    ana = chat(bundled)
    await agree(ana)
    await ana.write("Acme")
    delivered = ana.last_delivery
    assert delivered is not None
    saved = await store.get_response(ana.reply.response_id or 0)
    assert saved is not None

    # The same delivery id, whatever it carries, is the same input: not applied twice.
    await ana.send(Typed("Autre nom"), delivery=delivered)

    assert ana.reply.status == Status.REDELIVERED
    response = await store.get_response(ana.reply.response_id or 0)
    assert response is not None
    assert (response.state_json, response.updated_at) == (saved.state_json, saved.updated_at)
    answers = await store.answers_for(response.id)
    assert {q: a.value for q, a in answers.items()} == {"company_name": "Acme"}


async def test_a_redelivered_decline_stores_one_refusal(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    await ana.start("pithiviers")
    declining = ana.action(DECLINE)

    await ana.tap(declining, delivery=7)
    await ana.tap(declining, delivery=7)

    assert ana.reply.status == Status.REDELIVERED
    assert peek.query("SELECT COUNT(*) FROM consent_refusals") == [(1,)]


async def test_agreeing_twice_creates_one_response(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    await ana.start("pithiviers")
    agreeing = ana.action(AGREE)

    await ana.tap(agreeing)
    await ana.tap(agreeing)  # a double tap: another delivery id

    assert ana.reply.status == Status.DONE
    assert ana.screens == ()
    assert peek.query("SELECT COUNT(*), MIN(stage_code) FROM responses") == [(1, "pithiviers")]
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(1,)]


async def test_the_notices_language_button_switches_and_keeps_the_workshop(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    await ana.start("pithiviers")

    await ana.press("English")

    assert ana.kinds == ["Message", "Welcome", "Menu"]
    assert ana.messages == ["Language: English."]
    assert ana.welcome.title == "1st Tour de France of Innovation in Industrial Territories"
    assert ana.welcome.workshop == (
        "Welcome! Your answers will be linked to the Pithiviers workshop (5\u00a0June\u00a02019)."
    )
    assert ana.menu.text.startswith("About your data")
    assert ana.labels() == ["✅ I agree", "I decline", "Français"]
    assert ana.reply.language == "en"
    assert counts(peek) == NOTHING

    await ana.press("✅ I agree")

    assert ana.prompt.text == "What is the name of your company?"
    assert peek.query("SELECT stage_code, language FROM responses") == [("pithiviers", "en")]
    assert peek.query("SELECT language FROM respondents") == [("en",)]


async def test_declining_in_the_other_language_keeps_the_workshop(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    await ana.start("pithiviers")
    await ana.press("English")

    await ana.press("I decline")

    assert ana.screens == (
        Goodbye(
            "Noted: you are not taking part, and no answer is stored. Thank you for your time.",
            typed_hint="If you change your mind, type /start.",
            entry="pithiviers",  # a chat gives the link back: /start alone would lose it
        ),
    )
    assert peek.query("SELECT stage_code FROM consent_refusals") == [("pithiviers",)]
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(0,)]


async def test_a_changed_notice_comes_before_anything_else(
    chat: ChatFactory,
    bundled: Conversation,
    converse: Callable[[Flow], Conversation],
    new_notice: Flow,
    peek: Peek,
) -> None:
    ana = chat(bundled)
    await agree(ana, "pithiviers")
    await ana.write("Acme")
    await ana.press("Agroalimentaire")
    old_button = ana.action("10 à 49")
    ana.conversation = converse(new_notice)
    before = peek.dump()

    await ana.start()
    assert ana.kinds == ["Menu"]
    assert ana.menu.text.startswith(CHANGED + "Information sur vos données")
    assert ADDED in ana.menu.text
    assert ana.labels() == [AGREE, DECLINE, "English"]

    await ana.write("10 à 49")
    assert ana.kinds == ["Menu"]
    assert ana.menu.text.startswith(CHANGED)

    await ana.tap(old_button)
    assert ana.reply.status == Status.NOTICE_FIRST
    assert ana.reply.note == "Merci de répondre d’abord à l’information sur vos données, ci-dessus."
    assert ana.menu.text.startswith(CHANGED)

    await ana.command("back")
    assert ana.menu.text.startswith(CHANGED)
    await ana.command("skip")
    assert ana.menu.text.startswith(CHANGED)

    assert peek.dump() == before  # nothing answered meanwhile


async def test_agreeing_to_a_changed_notice_keeps_the_answers(
    chat: ChatFactory,
    bundled: Conversation,
    converse: Callable[[Flow], Conversation],
    new_notice: Flow,
    store: Store,
    clock: Clock,
) -> None:
    ana = chat(bundled)
    await agree(ana, "pithiviers")
    await ana.write("Acme")
    await ana.press("Agroalimentaire")
    ana.conversation = converse(new_notice)
    await ana.start()

    await ana.press(AGREE)

    assert ana.kinds == ["Question"]
    assert ana.prompt.step_id == "headcount"
    response = await store.get_response(ana.reply.response_id or 0)
    assert response is not None
    assert response.consent_version == new_notice.consent_version
    assert response.consented_at == clock.now
    assert response.stage_code == "pithiviers"
    answers = await store.answers_for(response.id)
    assert {q: a.value for q, a in answers.items()} == {
        "company_name": "Acme",
        "sector": "agrifood",
    }
    await ana.press("10 à 49")
    assert ana.answered.answer == "10 à 49"


async def test_declining_a_changed_notice_erases_what_was_kept(
    chat: ChatFactory,
    bundled: Conversation,
    converse: Callable[[Flow], Conversation],
    new_notice: Flow,
    peek: Peek,
) -> None:
    ana = chat(bundled)
    await agree(ana, "pithiviers")
    await ana.write("Acme")
    await ana.press("Agroalimentaire")
    ana.conversation = converse(new_notice)
    await ana.start()

    await ana.press(DECLINE)

    assert ana.screens == (Goodbye(DECLINED, typed_hint=COME_BACK, entry="pithiviers"),)
    assert about_people(peek) == {
        "respondents": 0,
        "responses": 0,
        "answers": 0,
        "consent_refusals": 1,
    }
    # The /start that brought the changed notice carried no code: the refusal keeps the
    # workshop of the response it replaces.
    assert peek.query("SELECT consent_version, stage_code FROM consent_refusals") == [
        (new_notice.consent_version, "pithiviers")
    ]
    # Coming back later: a new start, the notice as for anyone new.
    await ana.start()
    assert ana.kinds == ["Welcome", "Menu"]
    assert not ana.menu.text.startswith(CHANGED)


async def test_decline_on_an_older_copy_after_agreeing_asks_before_erasing(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    await ana.start("pithiviers")
    old_decline = ana.action(DECLINE)
    await ana.press(AGREE)
    await ana.write("Acme")
    before = peek.dump()

    await ana.tap(old_decline)

    assert ana.kinds == ["Menu"]
    assert ana.menu.text == (
        "Effacer définitivement toutes vos réponses et les données vous concernant\u00a0? "
        "Cette action ne peut pas être annulée."
    )
    assert ana.labels() == [ERASE_YES, ERASE_NO]
    assert peek.dump() == before

    await ana.press(ERASE_NO)
    assert ana.kinds == ["Message", "Question"] and ana.messages == ["Rien n’a été effacé."]
    assert ana.prompt.step_id == "sector"
    assert peek.query("SELECT question_id, value_json FROM answers") == [("company_name", '"Acme"')]

    await ana.tap(old_decline)
    await ana.press(ERASE_YES)
    assert ana.kinds == ["Goodbye"]
    assert about_people(peek) == NO_ONE


async def test_agreeing_on_a_notice_shown_before_it_changed_shows_the_new_one_first(
    chat: ChatFactory,
    bundled: Conversation,
    converse: Callable[[Flow], Conversation],
    new_notice: Flow,
    peek: Peek,
) -> None:
    ana = chat(bundled)
    await ana.start("pithiviers")
    old_agree = ana.action(AGREE)  # the notice as it read then
    ana.conversation = converse(new_notice)

    await ana.tap(old_agree)

    # The consent recorded must be to the notice read: the new one comes first.
    assert ana.kinds == ["Menu"]
    assert ana.menu.text.startswith(CHANGED) and ADDED in ana.menu.text
    assert about_people(peek)["responses"] == 0
    await ana.press(AGREE)
    assert peek.query("SELECT consent_version, stage_code FROM responses") == [
        (new_notice.consent_version, "pithiviers")
    ]


async def test_a_changed_notice_after_a_new_version_is_asked_once(
    chat: ChatFactory,
    bundled: Conversation,
    converse: Callable[[Flow], Conversation],
    tmp_path: Path,
) -> None:
    ana = chat(bundled)
    await agree(ana, "pithiviers")
    await ana.write("Acme")
    text = bundled_path("questionnaire.yaml").read_text(encoding="utf-8")
    version = bundled.flow.version
    changed = tmp_path / "next.yaml"
    old = "Votre participation est volontaire."
    assert text.count(f"\nversion: {version}\n") == 1
    changed.write_text(
        text.replace(f"\nversion: {version}\n", f"\nversion: {version + 1}\n", 1).replace(
            old, f"{ADDED} {old}"
        ),
        encoding="utf-8",
    )
    ana.conversation = converse(load_flow(changed))

    await ana.start()

    notices = [s for s in ana.screens if getattr(s, "text", "").startswith(CHANGED)]
    assert len(notices) == 1
    assert ana.kinds[-1] == "Menu"


async def test_a_double_tap_on_agree_arriving_at_once_starts_one_response(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    """A browser posts a double tap twice at once: the second waits, then finds the first done."""
    ana = chat(bundled, channel=Channel.WEB)
    await ana.start("pithiviers")
    agree_action = ana.action(AGREE)
    person = ana.person
    first, second = await asyncio.gather(
        bundled.handle(person, Pressed(agree_action), delivery=-1),
        bundled.handle(person, Pressed(agree_action), delivery=-2),
    )
    assert peek.query("SELECT COUNT(*) FROM responses") == [(1,)]
    # The first shows the first question; the second finds the agreement made and the
    # question on screen already: nothing new to show.
    [question] = [s for s in first.screens if isinstance(s, Question)]
    assert question.prompt.step_id == "company_name"
    assert (second.status, second.screens) == (Status.DONE, ())
