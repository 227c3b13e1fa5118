"""What real chats throw at the bot: stale, double and forged taps, stickers, huge texts,
groups, updates without a user, redeliveries, a blocked bot, and a restart.

In every case the respondent gets a short, kind answer (a tap is always answered),
and the database changes only for a real answer, once.
"""

from __future__ import annotations

import random
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.telegram import BotApplication, build_application, running
from flows import Flow, StageDef, bundled_path, load_flow
from storage import StorageError, Store
from tests.conftest import MINI, LoggedErrors
from tests.support.fake_bot_api import (
    BOT_USERNAME,
    TOKEN,
    ChatMessage,
    FakeBotAPI,
    Person,
    Updates,
)
from tests.support.sqlite import open_sqlite

HEADER = re.compile(r"^Question (\d+)/(\d+) · (.+)$")
STALE = "Ce bouton n’est plus actif\u00a0: répondez à la dernière question."
FORGED = "Ce bouton n’est pas reconnu."
# The bundled flow has an information notice: nothing starts before the person agrees.
AGREE = "✅ J’accepte"

PersonFactory = Callable[..., Person]
AnswersOf = Callable[[int], dict[str, tuple[Any, str | None, str | None]]]
Query = Callable[..., list[sqlite3.Row]]


def question_number(ana: Person) -> int:
    """The number of the question the last message asks."""
    match = HEADER.match(ana.last_text.splitlines()[0])
    assert match, f"the last message is not a question: {ana.last_text!r}"
    return int(match[1])


def snapshot(query: Query) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Everything a tap could change: the responses (with their state) and the answers."""
    responses = query("SELECT id, status, state_json, stage_code, language FROM responses")
    answers = query("SELECT response_id, question_id, value_json, other_text FROM answers")
    return [tuple(r) for r in responses], [tuple(a) for a in answers]


async def at_sector(ana: Person) -> ChatMessage:
    """Start and answer the first question; return the sector question on screen."""
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    await ana.send("Acme")
    assert question_number(ana) == 2
    return ana.last


# --- taps that should change nothing ------------------------------------------------


async def test_a_button_of_an_earlier_question_is_answered_and_changes_nothing(
    person: PersonFactory, query: Query, answers_of: AnswersOf
) -> None:
    ana = person()
    sector = await at_sector(ana)
    old_choice = ana.data_of("Métallurgie, mécanique")
    old_back = ana.data_of("↩ Retour")
    await ana.tap("Agroalimentaire")
    assert question_number(ana) == 3
    before, sent = snapshot(query), len(ana.chat)

    await ana.tap_data(old_choice, message=sector)
    await ana.tap_data(old_back, message=sector)

    assert snapshot(query) == before
    assert len(ana.chat) == sent
    assert [a.get("text") for a in ana.answers_to_queries()[-2:]] == [STALE, STALE]
    assert answers_of(ana.user_id)["sector"] == ("agrifood", None, "pithiviers")
    assert question_number(ana) == 3


async def test_a_double_tap_answers_once(
    person: PersonFactory, updates: Updates, query: Query, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_sector(ana)
    data = ana.data_of("Agroalimentaire")
    first, second = ana.tap_update(data), ana.tap_update(data)
    await updates.feed(first, second)

    assert answers_of(ana.user_id)["sector"] == ("agrifood", None, "pithiviers")
    questions = [m for m in ana.chat if m.text.startswith("Question 3/")]
    assert len(questions) == 1
    assert len(ana.live_keyboards()) == 1
    texts = [a.get("text") for a in ana.answers_to_queries()]
    # The agreement, then the two taps: the second is told its answer is in, not to
    # "answer the latest question", as if it had not been.
    assert texts == [None, None, "Cette réponse est déjà enregistrée."]


async def test_a_double_tap_on_a_checkbox_leaves_it_ticked(
    person: PersonFactory, updates: Updates
) -> None:
    ana = person()
    await at_sector(ana)
    await ana.tap("Agroalimentaire")
    await ana.tap("10 à 49")
    await ana.tap("Non")
    await ana.tap("Moins de 2 M€")
    await ana.send("45")
    await ana.tap("Dirigeant, gérant")
    await ana.send("1987")
    await ana.tap("Continuer ▶")
    message = ana.last
    data = ana.data_of("Produit nouveau ou amélioré")
    await updates.feed(ana.tap_update(data), ana.tap_update(data))
    assert "✅ Produit nouveau ou amélioré" in message.labels()
    assert "Valider (1)" in message.labels()


@pytest.mark.parametrize(
    "data",
    [
        "x|y",
        "",
        random.Random(64).randbytes(64).decode("latin-1"),
        "c|99|nope|zz",
        "c|²|sector|agrifood",  # a digit to str.isdigit, not to int()
        "c|0|sector|agrifood",  # the right question, an old sequence number
        "c|1|sector|not_a_code",
        "t|1|sector|agrifood",
        "l|0||de",
        "E|0||nope",
        "g|0||atlantis",
        "r|0||" + "9" * 59,
        "pg|²",  # "More" with a page number int() refuses
        "pg|99999",  # a page no menu has
    ],
    ids=repr,
)
async def test_forged_or_garbled_button_data_is_answered_and_changes_nothing(
    person: PersonFactory, api: FakeBotAPI, query: Query, data: str
) -> None:
    ana = person()
    await at_sector(ana)
    before = snapshot(query)
    answered = len(api.calls_to("answerCallbackQuery"))

    await ana.tap_data(data)

    assert snapshot(query) == before
    (answer,) = [c.params for c in api.calls_to("answerCallbackQuery")[answered:]]
    assert answer.get("text"), "a tap that does nothing says why"
    assert len(answer["text"]) <= 200
    assert not any("problème" in m.text for m in ana.chat)
    assert len(ana.live_keyboards()) == 1


@pytest.mark.parametrize("data", ["x|y", "", "c|99|nope|zz"])
async def test_an_unreadable_tap_gets_a_short_notice(
    person: PersonFactory, api: FakeBotAPI, data: str
) -> None:
    ana = person()
    await at_sector(ana)
    await ana.tap_data(data)
    notice = api.calls_to("answerCallbackQuery")[-1].params
    assert notice["text"] in (STALE, FORGED)


async def test_an_unreadable_tap_is_answered_in_the_language_chosen_at_the_notice(
    person: PersonFactory, api: FakeBotAPI
) -> None:
    # Nothing is stored before the notice is agreed to: the language picked there is the
    # one the notice was last shown in, not the Telegram app's.
    ana = person(language_code="fr")
    await ana.send("/start pithiviers")
    await ana.tap("English")

    await ana.tap_data("x|y")

    assert api.calls_to("answerCallbackQuery")[-1].params["text"] == (
        "This button is not recognised."
    )


# --- messages that are not answers --------------------------------------------------


async def test_a_sticker_instead_of_text_is_met_with_a_kind_re_ask(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    await ana.send_sticker()
    notice, again = ana.chat[-2:]
    assert notice.text.startswith("Je ne lis que le texte et les boutons.")
    assert again.text.startswith("Question 1/")
    assert "Quel est le nom de votre entreprise" in again.text
    assert answers_of(ana.user_id) == {}
    await ana.send("Acme")
    assert question_number(ana) == 2


async def test_a_sticker_on_a_button_question_keeps_one_live_keyboard(
    person: PersonFactory,
) -> None:
    ana = person()
    sector = await at_sector(ana)
    await ana.send_sticker()
    assert question_number(ana) == 2
    assert sector.keyboard is None
    assert ana.live_keyboards() == [ana.last]
    await ana.tap("Agroalimentaire")
    assert question_number(ana) == 3


async def test_a_10000_character_text_is_refused_with_the_limit(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    await ana.send("A" * 10_000)
    refusal, again = ana.chat[-2:]
    assert refusal.text == (
        "⚠️ Votre réponse est bien trop longue\u00a0: 120\u00a0caractères au plus. "
        "Merci de la raccourcir."
    )
    assert again.text.startswith("Question 1/")
    assert answers_of(ana.user_id) == {}


async def test_start_in_a_group_points_to_a_private_chat_and_stores_nothing(
    person: PersonFactory, updates: Updates, api: FakeBotAPI, query: Query
) -> None:
    ana = person()
    group_id = -100_777
    group = {"id": group_id, "type": "supergroup", "title": "Club des dirigeants"}
    start = ana.message_update("/start pithiviers")
    start["message"]["chat"] = group
    chatter = ana.message_update("Bonjour à tous")
    chatter["message"]["chat"] = group
    await updates.feed(start, chatter)

    (reply,) = api.chat(group_id)
    assert reply.text == (  # the workshop goes with them: their answers are tagged with it
        "Ce questionnaire se remplit en conversation privée avec moi\u00a0: "
        f"https://t.me/{BOT_USERNAME}?start=pithiviers"
    )
    assert ana.chat == []
    assert query("SELECT * FROM respondents") == []
    assert query("SELECT * FROM responses") == []


async def test_an_edited_answer_is_said_not_to_be_read_and_changes_nothing(
    person: PersonFactory, updates: Updates, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    typed = ana.message_update("Duvall")
    await updates.feed(typed)
    waiting = ana.last
    assert question_number(ana) == 2

    # The person fixes the typo in Telegram: an edit of the message already answered.
    edited = {**typed["message"], "text": "Duval", "edit_date": typed["message"]["date"] + 5}
    await updates.feed({"update_id": updates.next_id(), "edited_message": edited})

    assert ana.last_text.startswith("Je ne lis pas les messages modifiés")
    assert "«\u00a0↩ Retour\u00a0» ou /back" in ana.last_text
    assert answers_of(ana.user_id)["company_name"][0] == "Duvall"
    assert ana.last_with_buttons() is waiting  # the question waiting is still the one to answer


async def test_an_edited_command_gets_no_word_about_answers(
    person: PersonFactory, updates: Updates
) -> None:
    # Before any answer: "your answer stays as sent" would be about nothing.
    bob = person()
    typed = bob.message_update("/start pithiviers")
    await updates.feed(typed)
    sent = len(bob.chat)

    edited = {**typed["message"], "text": "/start", "edit_date": typed["message"]["date"] + 5}
    await updates.feed({"update_id": updates.next_id(), "edited_message": edited})

    assert len(bob.chat) == sent


async def test_updates_without_a_user_are_ignored(
    person: PersonFactory, updates: Updates, api: FakeBotAPI, query: Query
) -> None:
    ana = person()
    no_sender = ana.message_update("/start")
    del no_sender["message"]["from"]
    channel_post = {
        "update_id": updates.next_id(),
        "channel_post": {
            "message_id": updates.next_message_id(),
            "date": 1_560_000_000,
            "chat": {"id": -100_999, "type": "channel", "title": "Annonces"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    sent = len(api.calls_to("sendMessage"))
    await updates.feed(no_sender, channel_post)
    assert len(api.calls_to("sendMessage")) == sent
    assert query("SELECT * FROM respondents") == []


async def test_a_redelivered_message_is_applied_once(
    person: PersonFactory, updates: Updates, query: Query, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    typed = ana.message_update("45")
    await ana.send("Acme")
    await ana.tap("Agroalimentaire")
    await ana.tap("10 à 49")
    await ana.tap("Non")
    await ana.tap("Moins de 2 M€")
    await updates.feed(typed)  # the département
    assert question_number(ana) == 7
    before = snapshot(query)

    await updates.feed(typed)  # Telegram delivers it again (say, after a crash)

    assert snapshot(query) == before
    assert answers_of(ana.user_id)["departement"] == ("45", None, None)
    assert not any(m.text.startswith("⚠️") for m in ana.chat)
    assert question_number(ana) == 7
    assert len(ana.live_keyboards()) == 1


async def test_a_redelivered_tap_is_applied_once(
    person: PersonFactory, updates: Updates, api: FakeBotAPI, query: Query
) -> None:
    ana = person()
    await at_sector(ana)
    tap = ana.tap_update(ana.data_of("Agroalimentaire"))
    await updates.feed(tap)
    before = snapshot(query)
    answered = len(api.calls_to("answerCallbackQuery"))

    await updates.feed(tap)

    assert snapshot(query) == before
    assert question_number(ana) == 3
    # Telegram would refuse a second answer to the same query id; the bot does not crash.
    assert len(api.calls_to("answerCallbackQuery")) == answered + 1
    assert not any("problème" in m.text for m in ana.chat)


# --- a bot that the person blocked ----------------------------------------------------


async def test_a_person_who_blocked_the_bot_is_marked_blocked_without_a_crash(
    person: PersonFactory, api: FakeBotAPI, query: Query, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    api.blocked_chats.add(ana.user_id)

    await ana.send("Acme")

    (respondent,) = query("SELECT blocked_at FROM respondents")
    assert respondent["blocked_at"] is not None
    # The answer was committed before the bot tried to reply.
    assert answers_of(ana.user_id) == {"company_name": ("Acme", None, None)}

    # Unblocked, they write again: no longer marked, and they can go on.
    api.blocked_chats.clear()
    await ana.send("/start")
    (respondent,) = query("SELECT blocked_at FROM respondents")
    assert respondent["blocked_at"] is None
    assert ana.last.labels() == ["Reprendre ▶", "Recommencer"]


async def test_blocked_from_the_very_first_message_stores_nothing(
    person: PersonFactory, api: FakeBotAPI, query: Query
) -> None:
    ana = person()
    api.blocked_chats.add(ana.user_id)
    await ana.send("/start pithiviers")
    # Nothing is kept about someone who never agreed to the notice, blocked or not.
    assert query("SELECT * FROM respondents") == []
    api.blocked_chats.clear()
    await ana.send("/start pithiviers")
    assert ana.last.labels()[:2] == ["✅ J’accepte", "Je refuse"]


# --- a restart of the bot -------------------------------------------------------------


async def test_a_response_resumes_after_the_bot_restarts_on_the_same_database(
    api: FakeBotAPI, make_app: Callable[[FakeBotAPI], BotApplication], tmp_path: Path
) -> None:
    db_path = tmp_path / "survey.sqlite3"
    first = make_app(api)
    async with running(first, db_path):
        updates = Updates(first, api)
        ana = Person(updates, 42)
        await ana.send("/start pithiviers")
        await ana.tap(AGREE)
        await ana.send("Acme")
        await ana.tap("Agroalimentaire")
        sector_3 = ana.last
        assert question_number(ana) == 3
        last_update_id = updates.next_id()

    # A new process: a new application and API client; Telegram still has the chat.
    api_again = api.reconnected()
    second = make_app(api_again)
    async with running(second, db_path):
        ana = Person(Updates(second, api_again, first_update_id=last_update_id + 1), 42)
        await ana.send("/start")
        offer = ana.last
        assert offer.text.startswith(
            "Vous avez un questionnaire en cours (2\u00a0réponses sur 51)."
        )
        await ana.tap("Reprendre ▶")
        assert question_number(ana) == 3
        assert "Combien de salariés compte Acme" in ana.last_text
        assert sector_3.keyboard is None  # the question left from before lost its buttons
        assert ana.live_keyboards() == [ana.last]
        await ana.tap("10 à 49")
        assert question_number(ana) == 4

    with open_sqlite(db_path) as conn:
        rows = conn.execute("SELECT question_id, value_json, stage_code FROM answers").fetchall()
    assert sorted(rows) == [
        ("company_name", '"Acme"', "pithiviers"),
        ("headcount", '"h10_49"', "pithiviers"),
        ("sector", '"agrifood"', "pithiviers"),
    ]


# --- answers as long as a flow allows ------------------------------------------------

LONG_FLOW = """
id: long
version: 1
title: {fr: Long, en: Long}
languages: [fr, en]
sections:
  - id: story
    title: {fr: Récit, en: Story}
    steps:
      - id: story
        type: long_text
        max_length: 4000
        text: {fr: "Racontez-nous.", en: "Tell us."}
      - id: headline
        type: text
        text: {fr: "Vous avez écrit «\u00a0{story}\u00a0». Un titre ?", en: "You wrote {story}. A title?"}
"""


class TestLongAnswers:
    """A 4,000-character answer, piped into the next question: every message still fits."""

    @pytest.fixture
    def flow(self) -> Flow:
        # `load_flow` refuses this flow (the piped answer at its longest overflows the
        # question); built past the checks, it tests the channel's clipping, the last defence.
        return Flow.model_validate(yaml.safe_load(LONG_FLOW))

    async def test_a_4000_character_answer_fits_every_message(
        self, person: PersonFactory, answers_of: AnswersOf
    ) -> None:
        ana = person()
        await ana.send("/start")
        story_question = ana.last
        story = ("R&D <Lab> " * 400)[:4000]
        await ana.send(story)

        assert story_question.keyboard is None
        assert "✅ R&D <Lab> R&D <Lab>" in story_question.text
        # Telegram counts the text as shown ("R&D", not "R&amp;D"): the whole answer fits.
        assert story_question.text.endswith(f"✅ {story.strip()}")
        headline = ana.last
        assert headline.text.startswith("Question 2/2 · Récit")
        assert "Vous avez écrit «\u00a0R&D <Lab>" in headline.text
        await ana.send("Un titre")

        assert not any("problème" in m.text for m in ana.chat)
        assert ana.chat[-1].labels() == ["✏️ Modifier une réponse"]
        assert all(len(m.text) <= 4096 for m in ana.chat)
        assert answers_of(ana.user_id)["story"][0] == story.strip()


async def test_telegram_telling_us_of_a_block_marks_the_respondent(
    person: PersonFactory, updates: Updates, query: Query
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap("✅ J’accepte")

    def member_update(status: str) -> dict[str, Any]:
        member = {"user": {"id": 7_000_000_001, "is_bot": True, "first_name": "Surveybot"}}
        return {
            "update_id": updates.next_id(),
            "my_chat_member": {
                "chat": {"id": ana.user_id, "type": "private"},
                "from": ana.user,
                "date": 1_700_000_000,
                "old_chat_member": {**member, "status": "member"},
                "new_chat_member": {
                    **member,
                    "status": status,
                    **({"until_date": 0} if status == "kicked" else {}),
                },
            },
        }

    await updates.feed(member_update("kicked"))
    (respondent,) = query("SELECT blocked_at FROM respondents")
    assert respondent["blocked_at"] is not None

    await updates.feed(member_update("member"))
    (respondent,) = query("SELECT blocked_at FROM respondents")
    assert respondent["blocked_at"] is None


async def test_a_changed_questionnaire_keeps_what_still_fits_and_says_so(
    api: FakeBotAPI, stages: list[StageDef], mini_flow: Flow, tmp_path: Path
) -> None:
    db_path = tmp_path / "survey.sqlite3"
    newer = tmp_path / "mini_v2.yaml"
    text = MINI.read_text(encoding="utf-8").replace("version: 1", "version: 2")
    newer.write_text(text.replace("max: 10000", "max: 10"), encoding="utf-8")

    first = build_application(
        token=TOKEN, flow=mini_flow, stages=stages, request=api, rate_limit=False
    )
    async with running(first, db_path):
        updates = Updates(first, api)
        ana = Person(updates, 42)
        await ana.send("/start pithiviers")
        await ana.tap("Continuer ▶")
        await ana.send("ACME")
        await ana.send("12")
        sector = ana.last
        assert "Secteur\u00a0?" in sector.text
        last_update_id = updates.next_id()

    # The organiser narrows the number of staff to 10 at most, and restarts the bot.
    api_again = api.reconnected()
    second = build_application(
        token=TOKEN, flow=load_flow(newer), stages=stages, request=api_again, rate_limit=False
    )
    async with running(second, db_path):
        ana = Person(Updates(second, api_again, first_update_id=last_update_id + 1), 42)
        await ana.tap("Industrie", message=sector)  # a button of the old version

        assert ana.answers_to_queries()[-1]["text"] == STALE
        updated = [m for m in ana.chat if m.text.startswith("Le questionnaire a été mis à jour")]
        assert len(updated) == 1
        assert "Secteur\u00a0?" in ana.last_text and ana.last is not sector
        await ana.tap("Industrie")
        assert "Salariés d'ACME" not in ana.last_text  # asked again, but only at the end
        with open_sqlite(db_path) as conn:
            rows = conn.execute("SELECT question_id, value_json, flow_version FROM answers")
            stored = sorted(rows.fetchall())
    # 12 staff no longer fits: gone; the rest stays, as given on version 1; sector is on 2.
    assert stored == [("company", '"ACME"', 1), ("sector", '"industry"', 2)]


async def test_a_notice_longer_than_a_message_arrives_in_parts_with_its_buttons_last(
    api: FakeBotAPI, stages: list[StageDef], tmp_path: Path
) -> None:
    text = bundled_path("questionnaire.yaml").read_text(encoding="utf-8")
    old = "Votre participation est volontaire."
    clause = "Chaque réponse est traitée avec soin et conservée en sécurité. " * 45  # ~2,800
    long_notice = tmp_path / "questionnaire.yaml"
    # Two paragraphs more, each within a message: sent in parts (one longer is refused).
    paragraphs = f"{clause.strip()}\n\n    {clause.strip()}\n\n    {old}"
    long_notice.write_text(text.replace(old, paragraphs), encoding="utf-8")
    app = build_application(
        token=TOKEN, flow=load_flow(long_notice), stages=stages, request=api, rate_limit=False
    )
    async with running(app, tmp_path / "survey.sqlite3"):
        ana = Person(Updates(app, api), 42)
        await ana.send("/start pithiviers")

        first, second = ana.chat[-2:]
        assert first.keyboard is None and second.labels()[:2] == [AGREE, "Je refuse"]
        assert all(len(m.text) <= 4096 for m in ana.chat)
        assert second.text.endswith("Acceptez-vous de répondre dans ces conditions\u00a0?")
        await ana.tap(AGREE)
        assert question_number(ana) == 1


# --- our own failures -------------------------------------------------------------------


async def test_a_database_failure_gets_a_kind_apology_and_is_logged_with_its_cause(
    person: PersonFactory, store: Store, answers_of: AnswersOf, logged_errors: LoggedErrors
) -> None:
    ana = person()
    await at_sector(ana)
    await store.close()  # the database goes away under the running bot

    await ana.tap("Agroalimentaire")

    assert ana.last_text.startswith("Désolé, un problème est survenu de mon côté.")
    assert "Traceback" not in ana.last_text
    messages = [record.getMessage() for record in logged_errors.records]
    assert "error while handling an update" in messages
    # The reminders job may meet the closed database too, and says so in its own words.
    assert set(messages) <= {"error while handling an update", "error in scheduled work"}
    for record in logged_errors.records:
        assert record.exc_info is not None and isinstance(record.exc_info[1], StorageError)
    logged_errors.expect("^error while handling an update$|^error in scheduled work$")


async def test_the_apology_is_in_the_language_the_person_chose_not_their_apps(
    person: PersonFactory,
    app: BotApplication,
    logged_errors: LoggedErrors,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ana = person()  # her Telegram app is in French
    await ana.send("/start")
    await ana.tap("English")
    await ana.tap("✅ I agree")

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a fault of ours")

    monkeypatch.setattr(app.bot_data.conversation, "handle", broken)
    await ana.send("Acme")

    assert ana.last_text.startswith("Sorry, something went wrong on my side.")
    logged_errors.expect("^error while handling an update$")


def test_an_error_logged_during_a_test_is_reported_unless_expected() -> None:
    import logging

    collector = LoggedErrors()
    record = logging.LogRecord("bot", logging.ERROR, __file__, 1, "boom %s", ("now",), None)
    collector.emit(record)

    assert collector.unexpected() == ["bot: boom now"]
    collector.expect("^boom")
    assert collector.unexpected() == []
