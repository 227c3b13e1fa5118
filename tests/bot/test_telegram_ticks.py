"""Ticks on Telegram from a copy of the question drawn before the latest tap.

A phone redraws the keyboard a moment after each tap; a quick second tap, a second
device or a lagging phone presses a copy drawn before. A box says what a tap sets
(tick or untick), so such a tap still means what the person saw: a quick tap on a
second box ticks it too, a double tap on one box leaves it ticked. What would do
something the person has not seen stays refused: "Valider (n)" of a copy showing
another selection, a ranking's undo from an older copy, any button of the question
once it was left. Through the real application, with a real SQLite file.
"""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest

from flows import Flow
from tests.support.fake_bot_api import ChatMessage, Person, Updates

STALE = "Ce bouton n’est plus actif\u00a0: répondez à la dernière question."
CHANGED = "Vos choix ont changé depuis l’affichage de ce bouton\u00a0: servez-vous de la dernière version de la question."

PersonFactory = Callable[..., Person]
AnswersOf = Callable[[int], dict[str, tuple[Any, str | None, str | None]]]
Query = Callable[..., list[sqlite3.Row]]


@pytest.fixture
def flow(mini_flow: Flow) -> Flow:
    return mini_flow


async def at_markets(ana: Person) -> ChatMessage:
    """Answer up to "Marchés ?" (a multiple choice: at most 2, "Aucun" alone, "Autre")."""
    await ana.send("/start")
    await ana.tap("Continuer ▶")
    await ana.send("Acme")
    await ana.send("12")
    await ana.tap("Industrie")
    await ana.tap("Oui")
    assert "Marchés" in ana.last.text
    return ana.last


async def at_obstacles(ana: Person) -> ChatMessage:
    """Answer up to "Freins ?" (a ranking of the top 2 of 3)."""
    await at_markets(ana)
    await ana.tap("Europe")
    await ana.tap("Valider (1)")
    await ana.send("/skip")
    await ana.tap("4")
    assert "Freins" in ana.last.text
    return ana.last


def draft(query: Query, ana: Person) -> tuple[str | None, list[str] | None]:
    """The question waiting and the ticks (or ranks) stored in the person's response."""
    [row] = query(
        "SELECT r.state_json FROM responses r JOIN respondents p ON p.id = r.respondent_id "
        "WHERE p.external_id = ?",
        str(ana.user_id),
    )
    state = json.loads(row["state_json"])
    return state["current"], state["draft"]


def toasts(ana: Person) -> list[str | None]:
    return [answer.get("text") for answer in ana.answers_to_queries()]


async def test_two_quick_ticks_on_different_boxes_are_both_kept_and_shown(
    person: PersonFactory, updates: Updates, query: Query, answers_of: AnswersOf
) -> None:
    ana = person()
    message = await at_markets(ana)
    drawn = copy.deepcopy(message)  # as the phone shows it when both taps leave
    europe, asia = ana.data_of("Europe", drawn), ana.data_of("Asie", drawn)

    await updates.feed(ana.tap_update(europe, drawn), ana.tap_update(asia, drawn))

    assert STALE not in toasts(ana)
    assert draft(query, ana) == ("markets", ["eu", "asia"])
    assert "✅ Europe" in message.labels() and "✅ Asie" in message.labels()
    await ana.tap("Valider (2)")
    assert answers_of(ana.user_id)["markets"][0] == ["eu", "asia"]


async def test_a_double_tap_on_one_box_leaves_it_ticked(
    person: PersonFactory, updates: Updates, query: Query
) -> None:
    ana = person()
    message = await at_markets(ana)
    drawn = copy.deepcopy(message)
    europe = ana.data_of("Europe", drawn)

    await updates.feed(ana.tap_update(europe, drawn), ana.tap_update(europe, drawn))

    assert draft(query, ana) == ("markets", ["eu"])
    assert "✅ Europe" in message.labels() and "Valider (1)" in message.labels()
    # Unticking is as steady: two taps on the ticked box leave it unticked.
    ticked = copy.deepcopy(message)
    europe = ana.data_of("Europe", ticked)
    await updates.feed(ana.tap_update(europe, ticked), ana.tap_update(europe, ticked))
    assert draft(query, ana) == ("markets", [])
    assert "▫️ Europe" in message.labels() and "Valider (0)" in message.labels()
    assert STALE not in toasts(ana)


async def test_valider_on_a_copy_showing_another_selection_validates_nothing(
    person: PersonFactory, query: Query, answers_of: AnswersOf
) -> None:
    ana = person()
    message = await at_markets(ana)
    await ana.tap("Europe")
    shown_one = copy.deepcopy(message)  # "Valider (1)": Europe alone
    await ana.tap("Asie")

    await ana.tap("Valider (1)", message=shown_one)

    assert toasts(ana)[-1] == CHANGED
    assert "markets" not in answers_of(ana.user_id)
    assert draft(query, ana) == ("markets", ["eu", "asia"])
    # The copy up to date validates what it shows.
    await ana.tap("Valider (2)", message=message)
    assert answers_of(ana.user_id)["markets"][0] == ["eu", "asia"]


async def test_a_tick_on_a_copy_after_the_question_was_left_is_refused(
    person: PersonFactory, query: Query, answers_of: AnswersOf
) -> None:
    ana = person()
    message = await at_markets(ana)
    drawn = copy.deepcopy(message)
    await ana.tap("Europe")
    await ana.tap("Valider (1)")
    assert "Part export" in ana.last.text

    await ana.tap("Asie", message=drawn)
    await ana.tap("Europe", message=drawn)

    assert toasts(ana)[-2:] == [STALE, STALE]
    assert answers_of(ana.user_id)["markets"][0] == ["eu"]
    assert draft(query, ana) == ("share", None)


async def test_a_tick_from_before_starting_over_is_refused(
    person: PersonFactory, query: Query
) -> None:
    ana = person()
    message = await at_markets(ana)
    drawn = copy.deepcopy(message)
    await ana.send("/restart")
    await ana.tap("Oui, recommencer")
    await ana.tap("Continuer ▶")
    await ana.send("Acme")
    await ana.send("12")
    await ana.tap("Industrie")
    await ana.tap("Oui")  # the same question again, in the new attempt

    await ana.tap("Europe", message=drawn)

    assert toasts(ana)[-1] == STALE
    assert draft(query, ana) == ("markets", None)


async def test_a_ranking_undo_from_an_older_copy_is_refused(
    person: PersonFactory, updates: Updates, query: Query, answers_of: AnswersOf
) -> None:
    ana = person()
    message = await at_obstacles(ana)
    empty = copy.deepcopy(message)
    await ana.tap("Coût")
    ranked_cost = copy.deepcopy(message)  # "1. Coût"
    await ana.tap("1. Coût")  # taken back
    await ana.tap("Temps")  # "1. Temps"
    assert draft(query, ana) == ("obstacles", ["time"])

    await ana.tap("1. Coût", message=ranked_cost)  # an undo drawn for other ranks
    assert toasts(ana)[-1] == CHANGED
    assert draft(query, ana) == ("obstacles", ["time"])

    # A next rank from the oldest copy is what it says: "Compétences" second.
    await ana.tap("Compétences", message=empty)
    await ana.tap("Valider ce classement")
    assert answers_of(ana.user_id)["obstacles"][0] == ["time", "skills"]


async def test_two_quick_ranks_on_one_copy_are_both_given(
    person: PersonFactory, updates: Updates, answers_of: AnswersOf
) -> None:
    ana = person()
    message = await at_obstacles(ana)
    drawn = copy.deepcopy(message)
    skills, cost = ana.data_of("Compétences", drawn), ana.data_of("Coût", drawn)

    await updates.feed(ana.tap_update(skills, drawn), ana.tap_update(cost, drawn))

    assert STALE not in toasts(ana)
    await ana.tap("Valider ce classement")
    assert answers_of(ana.user_id)["obstacles"][0] == ["skills", "cost"]
    assert "Idées" in ana.last.text


async def test_buttons_drawn_before_this_change_are_read_as_before(
    person: PersonFactory, query: Query, answers_of: AnswersOf
) -> None:
    """Keyboards still on phones carry "t" (turn the box over) and a bare "v": each
    valid at the sequence number it was drawn at, as they were."""
    ana = person()
    await at_markets(ana)
    [row] = query("SELECT state_json FROM responses")
    seq = json.loads(row["state_json"])["seq"]

    await ana.tap_data(f"t|{seq}|markets|eu")
    await ana.tap_data(f"t|{seq}|markets|eu")  # the second of a double tap: stale, as before
    assert toasts(ana)[-1] == STALE
    assert draft(query, ana) == ("markets", ["eu"])
    await ana.tap_data(f"v|{seq}|markets|")  # drawn before the tick: stale
    assert toasts(ana)[-1] == STALE
    await ana.tap_data(f"v|{seq + 1}|markets|")
    assert answers_of(ana.user_id)["markets"][0] == ["eu"]
