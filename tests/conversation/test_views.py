"""conversation.views on its own: the transcript line of a question left, the summary's clipping."""

from __future__ import annotations

import datetime as dt

import pytest

from conversation import Action, Answered, Choice, Intent, Summary, of_place, town, views
from flows import (
    Flow,
    Prompt,
    ResponseState,
    StageDef,
    acknowledge,
    answer,
    answer_text,
    back,
    prompt,
    start,
)
from flows import skip as skip_step


def shown(flow: Flow, state: ResponseState) -> Prompt:
    on_screen = prompt(flow, state, "fr")
    assert on_screen is not None
    return on_screen


def answered_state(flow: Flow, *answers: object) -> ResponseState:
    state = acknowledge(flow, start(flow), "fr").state
    for value in answers:
        outcome = answer(flow, state, value, "fr")
        assert outcome.accepted, outcome.error
        state = outcome.state
    return state


def left(flow: Flow, before: ResponseState, after: ResponseState) -> Answered:
    return views.answered(flow, shown(flow, before), before, after, "fr")


def test_an_answer_reads_back_in_the_respondents_words(mini_flow: Flow) -> None:
    before = answered_state(mini_flow, "Acme")
    after = answer(mini_flow, before, 1500, "fr").state

    line = left(mini_flow, before, after)

    assert line.prompt.step_id == "staff"
    assert line.answer == "1500\u00a0salariés"


def test_going_back_reads_back_nothing(mini_flow: Flow) -> None:
    before = answered_state(mini_flow, "Acme", 12)

    line = left(mini_flow, before, back(mini_flow, before))

    assert line == Answered(shown(mini_flow, before), None)


def test_an_information_step_reads_back_nothing(mini_flow: Flow) -> None:
    before = start(mini_flow)

    line = left(mini_flow, before, acknowledge(mini_flow, before, "fr").state)

    assert (line.prompt.step_id, line.answer) == ("welcome", None)


def test_a_skipped_question_reads_back_as_no_answer(mini_flow: Flow) -> None:
    before = answered_state(mini_flow, "Acme", 12, "industry", "yes", ["eu"])
    assert before.current == "share"

    line = left(mini_flow, before, skip_step(mini_flow, before, "fr").state)

    assert line.answer == "(sans réponse)"


def test_other_reads_back_its_label_until_the_text_comes(mini_flow: Flow) -> None:
    before = answered_state(mini_flow, "Acme", 12)
    chosen = answer(mini_flow, before, "other", "fr").state
    assert chosen.awaiting_other

    assert left(mini_flow, before, chosen).answer == "Autre (précisez)"


def test_the_summary_keeps_a_runaway_answer_whole(mini_flow: Flow) -> None:
    # A channel with a limit splits an entry over messages (Telegram's render): the
    # conversation cuts nothing, not even what validate would have refused.
    huge = "x" * 10_000
    state = ResponseState(
        current=None,
        finished=True,
        answers={
            "company": "z" * 10_000,  # piped into the next question's text
            "staff": 12,
            "sector": "industry",
            "exports": "no",
            "importance": 2,
            "obstacles": ["cost", "time"],
            "ideas": huge,
        },
    )

    screen = views.summary_screen(mini_flow, state, "fr")

    assert screen.title == "Récapitulatif de vos réponses\u00a0:"
    entries = dict(screen.entries)
    assert entries["7. Idées ?"] == huge
    assert entries["1. Nom ?"] == "z" * 10_000
    assert screen.entries[1][0] == "2. Salariés de " + "z" * 10_000 + " ?"
    assert screen.revise == Choice("✏️ Modifier une réponse", Action(Intent.REVISE_MENU))


def test_a_short_summary_is_not_clipped(mini_flow: Flow) -> None:
    state = answered_state(mini_flow, "Acme", 12, "other")
    state = answer_text(mini_flow, state, "Horlogerie", "fr").state

    screen = views.summary_screen(mini_flow, state, "en")

    assert isinstance(screen, Summary)
    assert screen.title == "Summary of your answers:"
    assert screen.entries[:3] == (
        ("1. Name?", "Acme"),
        ("2. Staff at Acme?", "12\u00a0employees"),
        ("3. Sector?", "Horlogerie"),
    )
    assert screen.revise.label == "✏️ Change an answer"


def test_the_welcome_writes_the_workshops_day_in_the_language(mini_flow: Flow) -> None:
    first = StageDef(code="montargis", city="Montargis", date=dt.date(2019, 7, 1))

    assert views.welcome(mini_flow, "fr", first).workshop == (
        "Bienvenue\u00a0! Vos réponses seront rattachées à l’atelier de Montargis (1er\u00a0juillet\u00a02019)."
    )
    assert views.welcome(mini_flow, "en", first).workshop == (
        "Welcome! Your answers will be linked to the Montargis workshop (1\u00a0July\u00a02019)."
    )
    undated = StageDef(code="gien", city="Gien")
    assert views.welcome(mini_flow, "fr", undated).workshop == (
        "Bienvenue\u00a0! Vos réponses seront rattachées à l’atelier de Gien."
    )


@pytest.mark.parametrize(
    ("city", "said"),
    [
        ("Pithiviers", "de Pithiviers"),
        ("Évreux", "d’Évreux"),
        ("Épinal", "d’Épinal"),
        ("Annonay", "d’Annonay"),
        ("Issoire", "d’Issoire"),
        ("Oyonnax", "d’Oyonnax"),
        ("Ussel", "d’Ussel"),
        ("Yssingeaux", "d’Yssingeaux"),  # a y before a consonant is said as a vowel
        ("Yutz", "de Yutz"),  # before a vowel, as a consonant
        ("Hirson", "de Hirson"),  # an h is left alone: telling mute from aspirated needs a list
        ("Le Creusot", "du Creusot"),
        ("Les Herbiers", "des Herbiers"),
        ("La Ferté-Macé", "de La Ferté-Macé"),
        ("L'Isle-d'Abeau", "de L’Isle-d’Abeau"),  # with the texts' apostrophe
    ],
)
def test_the_welcome_says_de_before_the_town_as_french_does(
    mini_flow: Flow, city: str, said: str
) -> None:
    stage = StageDef(code="atelier", city=city)

    assert of_place(city) == said
    assert views.welcome(mini_flow, "fr", stage).workshop == (
        f"Bienvenue\u00a0! Vos réponses seront rattachées à l’atelier {said}."
    )
    assert views.welcome(mini_flow, "en", stage).workshop == (
        f"Welcome! Your answers will be linked to the {town(city)} workshop."
    )
