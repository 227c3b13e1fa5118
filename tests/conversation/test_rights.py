"""The respondent's rights: a copy of their data, and erasing it."""

from __future__ import annotations

import json

from conversation import Conversation, DataCopy, Goodbye, Message, Status
from storage import Channel
from tests.conftest import Peek
from tests.conversation.conftest import (
    DECLINE,
    ERASE_NO,
    ERASE_YES,
    NO_ONE,
    ChatFactory,
    about_people,
    agree,
    counts,
    mini_to,
)

DELETED = (
    "C’est fait\u00a0: vos réponses et les données vous concernant ont été effacées. "
    "Merci d’avoir participé."
)
CONFIRM = (
    "Effacer définitivement toutes vos réponses et les données vous concernant\u00a0? "
    "Cette action ne peut pas être annulée."
)
NONE_KEPT = "Nous ne conservons aucune réponse de votre part."


async def test_mydata_gives_a_copy_holding_the_answers(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    await agree(ana, "pithiviers")
    await ana.write("Acme")
    await ana.press("Autre secteur")
    await ana.write("Horlogerie")
    before = peek.dump()

    asked = ana.prompt
    await ana.command("mydata")

    # The copy, then the question under way again: in a chat the copy pushed it far up.
    assert ana.kinds == ["DataCopy", "Question"]
    assert ana.prompt == asked
    copy = ana.only(DataCopy)
    assert isinstance(copy, DataCopy)
    assert copy.filename == "mes_donnees.json"
    [key] = [response["key"] for response in copy.data["responses"]]
    # The reference is what to quote when asking by e-mail to be erased (`erase --response`).
    assert copy.text.split("\n") == [
        "Voici les données enregistrées vous concernant\u00a0:",
        "",
        f"• Questionnaire commencé le 3\u00a0juin\u00a02019 (Pithiviers)\u00a0: en cours, 2\u00a0réponses "
        f"(référence {key})",
        # Each answer under its question as asked, read back as it was given.
        "   Quel est le nom de votre entreprise\u00a0?",
        "   → Acme",
        "   Quel est le secteur d’activité principal d’Acme\u00a0?",
        "   → Horlogerie",
    ]
    assert copy.answers == (
        (
            ("Quel est le nom de votre entreprise\u00a0?", "Acme"),
            ("Quel est le secteur d’activité principal d’Acme\u00a0?", "Horlogerie"),
        ),
    )
    assert copy.typed_hint == "Pour tout effacer\u00a0: /delete"
    assert copy.caption == "Toutes vos données, en entier, au format JSON."
    data = copy.data
    assert (data["channel"], data["telegram_id"], data["language"]) == ("telegram", "ana", "fr")
    [response] = data["responses"]
    assert (response["stage_code"], response["status"], response["flow"]) == (
        "pithiviers",
        "in_progress",
        "tour_innovation_2019",
    )
    assert {q: (a["value"], a["other_text"]) for q, a in response["answers"].items()} == {
        "company_name": ("Acme", None),
        "sector": ("other", "Horlogerie"),
    }
    json.dumps(data)  # the whole of it goes into a file
    assert peek.dump() == before  # reading changes nothing


async def test_mydata_on_the_terminal_names_the_id_for_what_it_is(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini, "local-ana", channel=Channel.TERMINAL)
    await mini_to(ana, "staff")

    await ana.command("mydata")

    data = ana.only(DataCopy).data  # type: ignore[union-attr]
    assert (data["channel"], data["user_id"]) == ("terminal", "local-ana")
    assert "telegram_id" not in data
    assert data["responses"][0]["answers"]["company"]["value"] == "Acme"


async def test_mydata_after_declining_finds_nothing_about_them(
    chat: ChatFactory, bundled: Conversation
) -> None:
    ana = chat(bundled)
    await ana.start("pithiviers")
    await ana.press(DECLINE)

    await ana.command("mydata")

    # The refusal is kept, but nothing in it says whose it is.
    assert ana.screens == (Message(NONE_KEPT),)


async def test_delete_asks_first_and_no_keeps_everything(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    await agree(ana, "pithiviers")
    await ana.write("Acme")
    before = peek.query("SELECT question_id, value_json FROM answers")

    await ana.command("delete")
    assert ana.kinds == ["Menu"]
    assert ana.menu.text == CONFIRM
    assert ana.labels() == [ERASE_YES, ERASE_NO]
    assert peek.query("SELECT question_id, value_json FROM answers") == before

    await ana.press(ERASE_NO)
    assert ana.kinds == ["Message", "Question"] and ana.messages == ["Rien n’a été effacé."]
    assert ana.prompt.step_id == "sector"
    assert peek.query("SELECT question_id, value_json FROM answers") == before
    assert counts(peek)["responses"] == 1


async def test_yes_erases_every_row_and_says_goodbye(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    # A first refusal, then a change of mind: a response to erase, and an anonymous
    # refusal that stays (counted per workshop, it names no one).
    await ana.start("pithiviers")
    await ana.press(DECLINE)
    await agree(ana, "pithiviers")
    await ana.write("Acme")
    bob = chat(bundled, "bob")
    await agree(bob)
    await bob.write("Bobco")
    assert about_people(peek) == {
        "respondents": 2,
        "responses": 2,
        "answers": 2,
        "consent_refusals": 1,
    }

    await ana.command("delete")
    await ana.press(ERASE_YES)

    assert ana.screens == (Goodbye(DELETED),)
    assert ana.reply.response_id is None
    assert peek.query("SELECT external_id FROM respondents") == [("bob",)]
    assert peek.query("SELECT value_json FROM answers") == [('"Bobco"',)]
    assert about_people(peek) == {
        "respondents": 1,
        "responses": 1,
        "answers": 1,
        "consent_refusals": 1,
    }


async def test_erasing_twice_is_harmless(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    await agree(ana)
    await ana.write("Acme")
    await ana.command("delete")
    erase = ana.action(ERASE_YES)
    await ana.tap(erase)

    await ana.tap(erase)  # a double tap: for a moment that is gone

    assert ana.reply.status == Status.STALE
    assert ana.screens == ()
    await ana.command("delete")
    assert ana.screens == (Message(NONE_KEPT),)
    await ana.command("mydata")
    assert ana.screens == (Message(NONE_KEPT),)
    assert about_people(peek) == NO_ONE


async def test_after_erasing_a_new_start_is_a_new_person(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    await agree(ana)
    await ana.write("Acme")
    await ana.command("delete")
    await ana.press(ERASE_YES)

    await ana.start()

    assert ana.kinds == ["Welcome", "Menu"]
    assert about_people(peek) == NO_ONE


async def test_a_question_button_pressed_after_erasing_says_nothing_is_under_way(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    """Erased from another device, or an old message of the chat: not "answer the latest
    question", of which there is none."""
    ana = chat(bundled)
    await agree(ana, "pithiviers")
    await ana.write("Acme")
    first_sector = ana.action(ana.labels()[0])
    await ana.command("delete")
    await ana.press(ERASE_YES)

    await ana.tap(first_sector)

    assert ana.reply.status == Status.STALE
    assert ana.reply.note == (
        "Ce bouton n’est plus actif\u00a0: aucune réponse n’est en cours à votre nom "
        "(vos réponses ont été effacées)."
    )
    assert about_people(peek) == NO_ONE


async def test_an_erase_confirmation_used_after_going_on_is_stale(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    await agree(ana)
    await ana.command("delete")
    erase = ana.action(ERASE_YES)
    await ana.press(ERASE_NO)
    await ana.write("Acme")  # days later, they go on answering
    before = peek.dump()

    await ana.tap(erase)  # and then find the old confirmation

    assert ana.reply.status == Status.STALE
    assert peek.dump() == before


async def test_erasing_forgets_the_live_message_held_for_the_next_mark(
    chat: ChatFactory, bundled: Conversation
) -> None:
    """Else the next write of the poller's marks could give it to the next person who agrees:
    SQLite may give them the erased response's id."""
    ana, bob = chat(bundled), chat(bundled, "bob")
    await agree(ana, "pithiviers")
    await agree(bob)
    mine = ana.reply.response_id
    assert mine is not None and bob.reply.response_id is not None
    await bundled.remember_live_message(mine, 77, with_marks=True)
    await bundled.remember_live_message(bob.reply.response_id, 88, with_marks=True)

    await ana.command("delete")
    await ana.press(ERASE_YES)

    assert bundled.live_messages.take() == {bob.reply.response_id: 88}
