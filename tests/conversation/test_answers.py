"""Answering: typed answers, choices, ticks, rankings, "Other", back and skip, stale and forged input."""

from __future__ import annotations

import dataclasses
import json

import pytest

from conversation import (
    Action,
    Answered,
    Conversation,
    Help,
    HelpTopic,
    Intent,
    Message,
    Question,
    Reply,
    Selection,
    Status,
    Submitted,
)
from storage import Channel, Store
from tests.conftest import Clock, Peek
from tests.conversation.conftest import Chat, ChatFactory, mini_to, mini_to_end

STALE = "Ce bouton n’est plus actif\u00a0: répondez à la dernière question."
ALREADY_SAVED = "Cette réponse est déjà enregistrée."
STALE_FINISHED = (
    "Ce bouton n’est plus actif\u00a0: le questionnaire est terminé. Pour changer une "
    "réponse, passez par le récapitulatif."
)
FORGED = "Ce bouton n’est pas reconnu."


async def stored(store: Store, person: Chat) -> dict[str, object]:
    """The answers stored for the person's response, by question: value, or (value, other text)."""
    answers = await store.answers_for(person.reply.response_id or 0)
    return {
        question: a.value if a.other_text is None else (a.value, a.other_text)
        for question, a in answers.items()
    }


async def test_a_typed_answer_is_stored_and_read_back(
    chat: ChatFactory, mini: Conversation, store: Store, clock: Clock
) -> None:
    ana = chat(mini)
    await mini_to(ana, "company")

    await ana.write("  Acme  ")

    assert ana.kinds == ["Answered", "Question"]
    assert ana.answered.prompt.step_id == "company"
    assert ana.answered.answer == "Acme"
    assert ana.prompt.step_id == "staff"
    assert ana.prompt.text == "Salariés d'Acme ?"
    assert (ana.prompt.position, ana.prompt.total, ana.prompt.answered) == (2, 10, 1)
    answers = await store.answers_for(ana.reply.response_id or 0)
    assert list(answers) == ["company"]
    saved = answers["company"]
    assert (saved.value, saved.other_text, saved.flow_id, saved.flow_version) == (
        "Acme",
        None,
        "mini",
        1,
    )
    assert (saved.stage_code, saved.answered_at) == (None, clock.now)


async def test_the_transcript_reads_each_kind_of_answer_back(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await ana.start()
    read_back: dict[str, str | None] = {}

    def record(_: Reply) -> None:
        """Keep the transcript line of the question just left."""
        read_back[ana.answered.prompt.step_id] = ana.answered.answer

    record(await ana.next())
    record(await ana.write("Acme"))
    record(await ana.write("12"))
    record(await ana.press("Services"))
    record(await ana.press("Oui"))
    await ana.press("Europe")
    await ana.press("Asie")
    record(await ana.confirm())
    record(await ana.write("12,5"))
    record(await ana.press("Je ne sais pas"))
    await ana.press("Compétences")
    await ana.press("Coût")
    record(await ana.confirm())
    record(await ana.skip())

    assert read_back == {
        "welcome": None,
        "company": "Acme",
        "staff": "12\u00a0salariés",
        "sector": "Services",
        "exports": "Oui",
        "markets": "Europe · Asie",
        "share": "12,5",
        "importance": "Je ne sais pas",
        "obstacles": "1. Compétences\u00a0; 2. Coût",
        "ideas": "(sans réponse)",
    }
    assert ana.reply.finished


async def test_a_refused_answer_says_why_asks_again_and_stores_nothing(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await mini_to(ana, "staff")
    asked = ana.prompt
    before = peek.dump()

    await ana.write("0")

    assert ana.reply.status == Status.REFUSED
    assert ana.reply.note == "Merci d’indiquer un nombre de 1 à 10\u202f000."
    assert ana.screens == (
        Message("Merci d’indiquer un nombre de 1 à 10\u202f000.", warning=True),
        Question(asked),
    )
    assert peek.dump() == before


@pytest.mark.parametrize(
    ("step", "typed", "reason"),
    [
        (
            "company",
            "x" * 21,
            "Votre réponse fait 21\u00a0caractères\u00a0; la limite est de 20\u00a0: 1 de trop. "
            "Merci de la raccourcir.",
        ),
        ("company", "   ", "Merci d’écrire une réponse."),
        ("staff", "2,5", "Merci d’indiquer un nombre entier (par exemple 12)."),
        ("sector", "Agriculture", "Merci de répondre avec les boutons proposés."),
        ("markets", "Europe", "Merci de répondre avec les boutons proposés."),
        ("share", "150", "Merci d’indiquer un nombre de 0 à 100."),
        ("importance", "9", "Merci de choisir une valeur de 1 à 5."),
        (
            "email",
            "ana@",
            "Cette adresse e-mail ne semble pas valide (exemple\u00a0: nom@exemple.fr).",
        ),
    ],
)
async def test_refusals_name_the_reason_in_the_respondents_words(
    chat: ChatFactory, mini: Conversation, peek: Peek, step: str, typed: str, reason: str
) -> None:
    ana = chat(mini)
    await mini_to(ana, step)
    asked = ana.prompt
    before = peek.dump()

    await ana.write(typed)

    assert (ana.reply.status, ana.reply.note) == (Status.REFUSED, reason)
    assert ana.screens == (Message(reason, warning=True), Question(asked))
    assert peek.dump() == before


async def test_a_choice_pressed_typed_or_submitted_stores_its_code(
    chat: ChatFactory, mini: Conversation, store: Store
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")

    await ana.press("Industrie")
    assert ana.answered.answer == "Industrie"
    assert (await stored(store, ana))["sector"] == "industry"

    await ana.back()
    await ana.write("services")  # typed by its name
    assert ana.answered.answer == "Services"
    assert (await stored(store, ana))["sector"] == "services"

    await ana.back()
    await ana.submit("industry")  # a whole answer at once (the terminal, a web form)
    assert ana.answered.answer == "Industrie"
    assert (await stored(store, ana))["sector"] == "industry"
    assert ana.prompt.step_id == "exports"


async def test_ticks_change_the_question_in_place_until_confirmed(
    chat: ChatFactory, mini: Conversation, store: Store
) -> None:
    ana = chat(mini)
    await mini_to(ana, "markets")

    await ana.press("Europe")
    assert ana.kinds == ["Selection"]
    assert ana.prompt.step_id == "markets"
    assert ana.prompt.selected == ("eu",)
    assert "markets" not in await stored(store, ana)

    await ana.press("Asie")
    assert ana.kinds == ["Selection"]
    assert ana.prompt.selected == ("eu", "asia")

    # A third tick is one too many: refused, and the ticks stay as they were.
    await ana.press("Amériques")
    assert (ana.reply.status, ana.reply.note) == (
        Status.REFUSED,
        "Vous pouvez choisir au plus 2\u00a0réponses.",
    )
    assert ana.prompt.selected == ("eu", "asia")

    await ana.press("Europe")  # untick
    assert ana.prompt.selected == ("asia",)
    await ana.press("Aucun")  # exclusive: clears the others
    assert ana.prompt.selected == ("none",)
    await ana.press("Amériques")  # and anything else clears it
    assert ana.prompt.selected == ("americas",)

    await ana.confirm()
    assert ana.kinds == ["Answered", "Question"]
    assert ana.answered.answer == "Amériques"
    assert (await stored(store, ana))["markets"] == ["americas"]


async def test_confirming_no_tick_on_a_required_question_is_refused(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to(ana, "markets")

    await ana.confirm()

    assert (ana.reply.status, ana.reply.note) == (
        Status.REFUSED,
        "Merci de choisir au moins une réponse.",
    )
    assert ana.prompt.step_id == "markets"


async def test_a_ranking_takes_ranks_in_order_and_answers_when_confirmed(
    chat: ChatFactory, mini: Conversation, store: Store
) -> None:
    ana = chat(mini)
    await mini_to(ana, "obstacles")

    await ana.press("Temps")
    assert ana.kinds == ["Selection"]
    assert ana.prompt.selected == ("time",)
    await ana.press("Temps")  # taken back
    assert ana.prompt.selected == ()
    await ana.press("Compétences")
    assert ana.kinds == ["Selection"]
    await ana.press("Coût")  # the last rank, mistaken: it can be taken back too
    assert (ana.kinds, ana.prompt.selected) == (["Selection"], ("skills", "cost"))
    await ana.press("Coût")
    await ana.press("Temps")
    assert (await stored(store, ana)).get("obstacles") is None  # not before "Valider"
    await ana.confirm()

    assert ana.kinds == ["Answered", "Question"]
    assert ana.answered.answer == "1. Compétences\u00a0; 2. Temps"
    assert (await stored(store, ana))["obstacles"] == ["skills", "time"]
    assert ana.prompt.step_id == "ideas"


async def test_other_asks_for_the_text_then_stores_both(
    chat: ChatFactory, mini: Conversation, store: Store
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")

    await ana.press("Autre (précisez)")

    assert ana.kinds == ["Answered", "Question"]
    assert ana.answered.answer == "Autre (précisez)"
    assert ana.prompt.step_id == "sector"
    assert ana.prompt.awaiting_other
    assert ana.prompt.text == "Secteur ?\n«\u00a0Autre\u00a0»\u00a0: précisez en quelques mots."
    assert ana.prompt.choices == ()

    await ana.write("Aéronautique")

    assert ana.answered.answer == "Aéronautique"
    assert ana.prompt.step_id == "exports"
    assert (await stored(store, ana))["sector"] == ("other", "Aéronautique")


async def test_back_from_the_other_text_returns_to_the_choice(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")
    await ana.press("Autre (précisez)")

    await ana.back()

    assert ana.prompt.step_id == "sector"
    assert not ana.prompt.awaiting_other
    assert [code for code, _ in ana.prompt.choices] == ["industry", "services", "other"]


@pytest.mark.parametrize("how", ["button", "command"])
async def test_back_returns_to_the_previous_question_with_its_answer(
    chat: ChatFactory, mini: Conversation, store: Store, how: str
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")

    await (ana.back() if how == "button" else ana.command("back"))

    assert ana.kinds == ["Answered", "Question"]
    assert ana.answered == Answered(ana.answered.prompt, None)
    assert ana.answered.prompt.step_id == "sector"
    assert ana.prompt.step_id == "staff"
    assert ana.prompt.default == "12\u00a0salariés"
    assert ana.prompt.earlier == 12
    assert await stored(store, ana) == {"company": "Acme", "staff": 12}

    await ana.write("15")
    assert ana.prompt.step_id == "sector"
    assert (await stored(store, ana))["staff"] == 15


async def test_back_on_the_first_step_says_so(chat: ChatFactory, mini: Conversation) -> None:
    ana = chat(mini)
    await ana.start()

    await ana.command("back")

    assert ana.reply.status == Status.DONE
    assert ana.screens == (Message("Vous êtes à la première question."),)


@pytest.mark.parametrize("how", ["button", "command"])
async def test_skip_leaves_an_optional_question_blank(
    chat: ChatFactory, mini: Conversation, store: Store, how: str
) -> None:
    ana = chat(mini)
    await mini_to(ana, "share")
    assert ana.prompt.can_skip

    await (ana.skip() if how == "button" else ana.command("skip"))

    assert ana.kinds == ["Answered", "Question"]
    assert ana.answered.answer == "(sans réponse)"
    assert ana.prompt.step_id == "importance"
    assert "share" not in await stored(store, ana)


async def test_skipping_a_required_question_is_refused(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await mini_to(ana, "staff")
    asked = ana.prompt
    before = peek.dump()

    await ana.command("skip")

    assert (ana.reply.status, ana.reply.note) == (Status.REFUSED, "Cette question est obligatoire.")
    assert ana.screens == (
        Message("Cette question est obligatoire.", warning=True),
        Question(asked),
    )
    assert peek.dump() == before


async def test_a_button_of_an_earlier_question_is_stale(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")
    industry = ana.action("Industrie")
    await ana.tap(industry)
    before = peek.dump()

    await ana.tap(industry)  # pressed twice, or pressed again later

    # Not "answer the latest question": the tap that counted was this very answer.
    assert (ana.reply.status, ana.reply.note) == (Status.STALE, ALREADY_SAVED)
    assert ana.screens == ()
    assert peek.dump() == before
    await ana.tap(dataclasses.replace(industry, value="services"))
    assert (ana.reply.status, ana.reply.note) == (Status.STALE, STALE)  # another answer


async def test_a_button_with_the_current_seq_but_another_step_is_stale(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await mini_to(ana, "exports")
    now = ana.prompt.seq
    before = peek.dump()

    await ana.tap(Action(Intent.CHOOSE, seq=now, step="sector", value="services"))

    assert (ana.reply.status, ana.reply.note) == (Status.STALE, STALE)
    assert peek.dump() == before


async def test_an_earlier_tick_is_stale_once_the_selection_changed(
    chat: ChatFactory, mini: Conversation, store: Store
) -> None:
    ana = chat(mini)
    await mini_to(ana, "markets")
    europe = ana.action("Europe")
    await ana.tap(europe)
    ticked = ana.prompt

    await ana.tap(europe)  # the same button from the screen before the tick: not an untick

    assert ana.reply.status == Status.STALE
    await ana.tap(Action(Intent.CONFIRM, seq=ticked.seq, step="markets"))
    assert ana.answered.answer == "Europe"
    assert (await stored(store, ana))["markets"] == ["eu"]


async def test_a_button_pressed_after_the_end_is_stale(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await mini_to(ana, "email")
    last = ana.control(Intent.BACK)
    await ana.write("ana@acme.fr")
    assert ana.reply.finished
    before = peek.dump()

    await ana.tap(last)

    # No "latest question" to answer: the summary is the way to change one.
    assert (ana.reply.status, ana.reply.note) == (Status.STALE, STALE_FINISHED)
    assert peek.dump() == before


async def test_a_whole_answer_for_an_earlier_screen_is_stale(
    chat: ChatFactory, mini: Conversation, store: Store
) -> None:
    ana = chat(mini)
    await mini_to(ana, "staff")
    old = ana.prompt
    await ana.write("12")

    await ana.send(Submitted(old.step_id, old.seq, 99))

    assert ana.reply.status == Status.STALE
    assert (await stored(store, ana))["staff"] == 12


FORGERIES = {
    "unknown stage": Action(Intent.STAGE, stage="atlantide"),
    "stage without a code": Action(Intent.STAGE),
    "unknown language": Action(Intent.LANGUAGE, value="de"),
    "revise a question never asked": Action(Intent.REVISE, value="email_nope"),
    "consent without a notice": Action(Intent.CONSENT),
    "decline without a notice": Action(Intent.DECLINE),
}


@pytest.mark.parametrize("forged", FORGERIES.values(), ids=FORGERIES.keys())
async def test_a_menu_action_never_offered_is_forged(
    chat: ChatFactory, mini: Conversation, peek: Peek, forged: Action
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")
    before = peek.dump()

    await ana.tap(forged)

    assert (ana.reply.status, ana.reply.note) == (Status.FORGED, FORGED)
    assert ana.screens == ()
    assert peek.dump() == before


async def test_a_workshop_since_removed_from_the_stages_file_is_dropped_not_refused(
    chat: ChatFactory, mini: Conversation, store: Store
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")

    # "Oui, recommencer" from a menu offered for a workshop the organiser has since removed.
    await ana.tap(Action(Intent.RESTART, seq=ana.prompt.seq, stage="atlantide"))

    assert ana.reply.status == Status.DONE
    assert ana.kinds == ["Message", "Question"]
    response = await store.get_response(ana.reply.response_id or 0)
    assert response is not None and response.stage_code is None


async def test_revising_a_question_hidden_by_an_answer_is_forged(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await mini_to(ana, "exports")
    await ana.press("Non")  # 'markets' and 'share' are not asked
    await mini_to_end(ana)
    before = peek.dump()

    await ana.tap(Action(Intent.REVISE, value="markets"))

    assert (ana.reply.status, ana.reply.note) == (Status.FORGED, FORGED)
    assert peek.dump() == before


async def test_a_selection_is_a_changed_question_not_a_new_one(
    chat: ChatFactory, mini: Conversation, store: Store
) -> None:
    ana = chat(mini)
    await mini_to(ana, "markets")

    await ana.press("Europe")

    screen = ana.only(Selection)
    assert isinstance(screen, Selection)
    assert screen.prompt.seq == ana.action("Asie").seq
    response = await store.get_response(ana.reply.response_id or 0)
    assert response is not None
    assert json.loads(response.state_json)["draft"] == ["eu"]


async def test_a_sticker_mid_way_asks_for_text_and_shows_the_question_again(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await mini_to(ana, "staff")
    asked = ana.prompt
    before = peek.dump()

    await ana.sticker()

    assert ana.screens == (
        Message(
            "Je ne lis que le texte et les boutons. Merci de répondre à la question ci-dessous."
        ),
        Question(asked),
    )
    assert peek.dump() == before


async def test_help_mid_way_changes_nothing(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await mini_to(ana, "staff")
    before = peek.dump()

    await ana.command("help")

    assert ana.screens == (Help(HelpTopic.USAGE),)
    assert ana.reply.response_id is not None
    assert peek.dump() == before


async def test_a_whole_multiple_choice_at_once_is_checked_and_stored(
    chat: ChatFactory, mini: Conversation, store: Store
) -> None:
    ana = chat(mini)
    await mini_to(ana, "markets")

    await ana.submit(["eu", "none"])
    assert (ana.reply.status, ana.reply.note) == (
        Status.REFUSED,
        "«\u00a0Aucun\u00a0» ne se combine pas avec d’autres réponses\u00a0: choisissez-la seule, "
        "ou seulement les autres.",
    )

    await ana.submit(["asia", "eu"])
    assert ana.answered.answer == "Asie · Europe"
    assert (await stored(store, ana))["markets"] == ["asia", "eu"]


async def test_without_delivery_ids_everything_works_and_none_is_recorded(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    local = chat(mini, "local", channel=Channel.TERMINAL, with_ids=False)

    await mini_to_end(local)

    assert local.kinds[-1] == "Summary"
    assert peek.query("SELECT channel, external_id FROM respondents") == [("terminal", "local")]
    assert peek.query("SELECT status FROM responses") == [("completed",)]
    assert peek.query("SELECT COUNT(*) FROM handled_updates") == [(0,)]
