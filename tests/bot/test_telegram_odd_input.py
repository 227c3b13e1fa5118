"""What a Telegram chat sends besides a plain answer to the question waiting.

A correction typed in reply to an earlier question, the app's pieces of a paste
longer than a message, an attachment's caption, an edited message: none is
taken for the answer to the question waiting, and each is told what to do
(bot/telegram/odd_input.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from flows import Flow, load_flow
from storage import Store
from tests.bot.conftest import PersonFactory
from tests.support.fake_bot_api import BOT_USERNAME, ChatMessage, FakeBotAPI, Person

Stored = dict[str, tuple[Any, str | None, str | None]]
AnswersOf = Callable[[int], Stored]

FLOW = """\
id: odd
version: 1
languages: [fr, en]
title: {fr: Avis, en: Views}
consent:
  fr: "Vos réponses servent à une synthèse. Acceptez-vous ?"
  en: "Your answers feed a report. Do you agree?"
sections:
  - id: you
    title: {fr: Vous, en: You}
    steps:
      - id: org
        type: text
        text: {fr: "Nom de votre organisation ?", en: "Your organisation's name?"}
        max_length: 120
      - id: ideas
        type: long_text
        text: {fr: "Vos idées ?", en: "Your ideas?"}
        required: false
        max_length: 1000
      - id: ok
        type: yes_no
        text: {fr: "Tout va bien ?", en: "All well?"}
"""

AGREE = "✅ J’accepte"
QUOTED = (
    "Ce message cite une question précédente que je ne retrouve plus telle quelle\u00a0: je ne "
    "l’enregistre pas, pour ne pas le prendre pour la réponse à la question en cours. Pour "
    "changer une réponse déjà donnée, revenez-y avec «\u00a0↩ Retour\u00a0» ou /back\u00a0; "
    "une fois le questionnaire terminé, avec «\u00a0✏️ Modifier une réponse\u00a0». Voici la "
    "question en cours."
)
CHANGED = (
    "C’est noté\u00a0: votre réponse à «\u00a0Nom de votre organisation\u00a0?\u00a0» est "
    "modifiée. Voici la suite."
)
PASTE_REST = "La fin de votre long message, que Telegram a coupé en plusieurs morceaux"
OLD_EDITED = "votre réponse reste celle que vous avez envoyée"


@pytest.fixture
def flow(tmp_path: Path) -> Flow:
    path = tmp_path / "odd.yaml"
    path.write_text(FLOW, encoding="utf-8")
    return load_flow(path)


async def at_ideas(ana: Person, org: str = "Acme Indutries") -> None:
    """Agreed, the organisation answered: question 2 waits, a free text."""
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    await ana.send(org)
    assert ana.last_text.startswith("Question 2/3")


def asked(ana: Person, n: int) -> list[ChatMessage]:
    """The messages that show question `n` still unanswered (with its buttons)."""
    return [m for m in ana.chat if m.text.startswith(f"Question {n}/3") and "✅" not in m.text]


# --- a correction quoting an earlier question -------------------------------------------


async def test_a_correction_quoting_an_answered_question_changes_that_answer_not_the_current(
    person: PersonFactory, api: FakeBotAPI, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_ideas(ana)
    echo = next(m for m in ana.chat if "Nom de votre organisation" in m.text)
    assert "✅ Acme Indutries" in echo.text

    quoting = ana.message_update("Acme Industries", reply_to_message=api.message_json(echo))
    await ana.updates.feed(quoting)

    # Question 1 corrected, not the free text of question 2, which is asked again below.
    assert answers_of(ana.user_id) == {"org": ("Acme Industries", None, "pithiviers")}
    assert "✅ Acme Industries" in echo.text  # edited where it stands
    note, question = ana.chat[-2:]
    assert note.text == CHANGED
    assert question.text.startswith("Question 2/3") and question.keyboard
    assert len(ana.live_keyboards()) == 1

    # Quoting the question waiting is answering it.
    reply = ana.message_update("Des idées", reply_to_message=api.message_json(question))
    await ana.updates.feed(reply)
    assert answers_of(ana.user_id)["ideas"] == ("Des idées", None, "pithiviers")
    assert ana.last_text.startswith("Question 3/3")


async def test_a_reply_to_the_echo_of_the_question_gone_back_to_is_its_answer(
    person: PersonFactory, api: FakeBotAPI, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_ideas(ana)
    echo = next(m for m in ana.chat if "Nom de votre organisation" in m.text)
    await ana.send("/back")
    assert ana.last_text.startswith("Question 1/3"), ana.last_text

    # Corrected where they were sent back to, in reply to that question's first echo.
    await ana.updates.feed(
        ana.message_update("Acme Industries", reply_to_message=api.message_json(echo))
    )

    assert not any(m.text == QUOTED for m in ana.chat)
    assert answers_of(ana.user_id)["org"][0] == "Acme Industries"
    assert ana.last_text.startswith("Question 2/3")


async def test_a_quote_is_taken_as_ever_when_the_question_waiting_is_not_known(
    person: PersonFactory,
    api: FakeBotAPI,
    answers_of: AnswersOf,
    responses_of: Callable[[int], list[Any]],
    store: Store,
) -> None:
    ana = person()
    await at_ideas(ana)
    echo = next(m for m in ana.chat if "Nom de votre organisation" in m.text)
    # Its message not recorded (a write lost with a crash): never refuse a right answer.
    await store.set_prompt_message(responses_of(ana.user_id)[0]["id"], None)

    await ana.updates.feed(ana.message_update("Des idées", reply_to_message=api.message_json(echo)))

    assert answers_of(ana.user_id)["ideas"] == ("Des idées", None, "pithiviers")
    assert not any(m.text == QUOTED for m in ana.chat)


async def test_a_reply_to_the_bots_other_messages_is_an_answer(
    person: PersonFactory, api: FakeBotAPI, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_ideas(ana)
    await ana.send("x" * 1001)  # refused: the warning, then the question again
    warning = ana.chat[-2]
    assert warning.text.startswith("⚠️")

    shorter = ana.message_update("Des idées", reply_to_message=api.message_json(warning))
    await ana.updates.feed(shorter)

    assert answers_of(ana.user_id)["ideas"] == ("Des idées", None, "pithiviers")


# --- a paste longer than a message ------------------------------------------------------


async def test_the_rest_of_a_paste_the_app_split_is_not_stored(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_ideas(ana)
    before = len(ana.chat)
    text = ("Nous proposons des actions concrètes pour le territoire. " * 160)[:8700]
    pieces = [text[i : i + 4096] for i in range(0, len(text), 4096)]
    assert [len(piece) for piece in pieces] == [4096, 4096, 508]

    await ana.updates.feed(*(ana.message_update(piece) for piece in pieces))

    assert "ideas" not in answers_of(ana.user_id)
    said = [m.text for m in ana.chat[before:]]
    # Not "4 096 characters": the count of the first piece would read as the paste's.
    assert said[0] == (
        "⚠️ Votre réponse est bien trop longue\u00a0: 1\u202f000\u00a0caractères au plus. "
        "Merci de la raccourcir."
    )
    assert said[1].startswith("Question 2/3")  # asked again once, not once per piece
    # One word for the rest of the paste, however many pieces the app cut it into.
    assert len(said) == 3 and said[2].startswith(PASTE_REST)
    assert len(asked(ana, 2)) == 2  # the first time, and once after the paste

    # A text typed after a genuine wait is an answer.
    later = ana.message_update("Des idées plus courtes", date=int(time.time()) + 60)
    await ana.updates.feed(later)
    assert answers_of(ana.user_id)["ideas"] == ("Des idées plus courtes", None, "pithiviers")


async def test_a_paste_ends_with_its_first_piece_shorter_than_a_message(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_ideas(ana)
    now = int(time.time())
    await ana.updates.feed(ana.message_update("a" * 4096, date=now))
    await ana.updates.feed(ana.message_update("la fin du texte collé", date=now + 1))
    assert "ideas" not in answers_of(ana.user_id)
    assert ana.last_text.startswith(PASTE_REST)

    # Only a piece of a message's full length may be followed by more: this is typed.
    await ana.updates.feed(ana.message_update("Des idées", date=now + 2))
    assert answers_of(ana.user_id)["ideas"] == ("Des idées", None, "pithiviers")


async def test_a_text_after_a_long_one_refused_is_typed_once_seconds_passed(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_ideas(ana)
    now = int(time.time())
    await ana.updates.feed(ana.message_update("a" * 4096, date=now))
    await ana.updates.feed(ana.message_update("Des idées", date=now + 30))
    assert answers_of(ana.user_id)["ideas"] == ("Des idées", None, "pithiviers")


# --- an attachment's caption ------------------------------------------------------------

PHOTO = [{"file_id": "p1", "file_unique_id": "p1", "width": 9, "height": 9}]
DOCUMENT = {"file_id": "d1", "file_unique_id": "d1", "file_name": "devis.pdf"}


async def test_a_caption_is_quoted_back_not_refused_as_no_text(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)

    await ana.updates.feed(ana.message_update(None, photo=PHOTO, caption="CCI du Loiret"))

    assert answers_of(ana.user_id) == {}
    note, question = ana.chat[-2:]
    assert note.text == (
        "Je ne peux pas garder cette photo. Si sa légende «\u00a0CCI du Loiret\u00a0» est "
        "votre réponse, envoyez-la comme un simple message, sans pièce jointe."
    )
    assert question.text.startswith("Question 1/3")
    assert not any("Je ne lis que le texte" in m.text for m in ana.chat)
    assert len(asked(ana, 1)) == 2

    # A long caption is quoted cut short, never inside a flag.
    flags = "🇫🇷" * 100
    await ana.updates.feed(ana.message_update(None, document=DOCUMENT, caption=flags))
    note = ana.chat[-2]
    assert note.text.startswith("Je ne peux pas garder ce fichier. Si sa légende «\u00a0🇫🇷")
    quoted = note.text.split("«\u00a0")[1].split("\u00a0»")[0]
    assert quoted == "🇫🇷" * 50 + "…"
    assert answers_of(ana.user_id) == {}


async def test_a_caption_in_english(person: PersonFactory) -> None:
    bob = person(language_code="en")
    await bob.send("/start pithiviers")
    await bob.tap("✅ I agree")
    await bob.updates.feed(bob.message_update(None, photo=PHOTO, caption="Example Ltd"))
    assert bob.chat[-2].text == (
        "I cannot keep this photo. If its caption “Example Ltd” is your answer, please send "
        "it as a plain message, without the attachment."
    )


# --- an edited message ------------------------------------------------------------------


async def edit(ana: Person, sent: dict[str, Any], text: str) -> None:
    message = dict(sent["message"], text=text, edit_date=int(time.time()))
    await ana.updates.feed({"update_id": ana.updates.next_id(), "edited_message": message})


async def test_an_edit_is_answered_by_where_the_person_is(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start pithiviers")

    # Before agreeing: nothing is stored, so nothing "stays".
    hello = ana.message_update("Bonjour")
    await ana.updates.feed(hello)
    await edit(ana, hello, "Bonjour !")
    assert ana.last_text == (
        "Je ne lis pas les messages modifiés, et rien n’est encore enregistré\u00a0: envoyez "
        "votre texte à nouveau quand une question vous le demandera."
    )

    # At a question, whether the edited text was refused or taken: words true either way.
    answering = (
        "Je ne lis pas les messages modifiés. Si la question attend encore votre réponse, "
        "envoyez le texte corrigé dans un nouveau message\u00a0; si elle est déjà passée, "
        "revenez-y avec «\u00a0↩ Retour\u00a0» ou /back."
    )
    await ana.tap(AGREE)
    refused = ana.message_update("x" * 121)
    await ana.updates.feed(refused)
    await edit(ana, refused, "Acme")
    assert ana.last_text == answering
    taken = ana.message_update("Acme Indutries")
    await ana.updates.feed(taken)
    await edit(ana, taken, "Acme Industries")
    assert ana.last_text == answering
    assert answers_of(ana.user_id) == {"org": ("Acme Indutries", None, "pithiviers")}

    # Finished: /back goes nowhere; the summary's button changes an answer.
    await ana.send("Des idées")
    await ana.tap("Oui")
    assert "✏️ Modifier une réponse" in ana.last.labels()
    last = ana.message_update("Merci")
    await ana.updates.feed(last)
    await edit(ana, last, "Merci !")
    assert ana.last_text == (
        "Je ne lis pas les messages modifiés\u00a0: vos réponses restent celles que vous avez "
        "envoyées. Pour en changer une, choisissez «\u00a0✏️ Modifier une réponse\u00a0» sous le "
        "récapitulatif."
    )
    assert not any(OLD_EDITED in m.text for m in ana.chat)


# --- the bot's own link pasted ------------------------------------------------------------


@pytest.mark.parametrize(
    "pasted",
    [f"https://t.me/{BOT_USERNAME}?start=pithiviers", f"  t.me/{BOT_USERNAME}?start=pithiviers "],
)
async def test_the_bots_own_link_pasted_is_that_link_opened_not_an_answer(
    person: PersonFactory, answers_of: AnswersOf, pasted: str
) -> None:
    ana = person()
    await at_ideas(ana)

    await ana.send(pasted)

    # Not the free text of question 2: the link opened, as a tap on it would (its offer
    # to go on where they were, the same as /start pithiviers gives).
    assert "ideas" not in answers_of(ana.user_id)
    offered = ana.last_text
    assert offered.startswith("Vous avez un questionnaire en cours")
    await ana.send("/start pithiviers")
    assert ana.last_text == offered


async def test_another_bots_link_is_a_text_like_any_other(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_ideas(ana)
    await ana.send("https://t.me/another_bot?start=pithiviers")
    assert answers_of(ana.user_id)["ideas"][0] == "https://t.me/another_bot?start=pithiviers"
