"""Button data of ticks: what a tap sets, and the selection "Valider" showed, in 64 bytes;
buttons drawn before (still on people's phones) read as they did."""

from __future__ import annotations

import pytest

from bot.telegram.callback_data import MAX_BYTES, BadButton, decode, encode
from conversation import Action, Intent
from conversation.actions import selection_mark
from flows import Kind

# Mirrors conversation.actions.selection_mark's output: six URL-safe base64 characters.
MARK = "Qm9_c-"

ACTIONS = [
    Action(Intent.TICK, seq=123_456_789, step="s" * 24, value="c" * 16),
    Action(Intent.UNTICK, seq=123_456_789, step="s" * 24, value="c" * 16),
    Action(Intent.UNTICK, seq=123_456_789, step="s" * 24, value="c" * 16, mark=MARK),
    Action(Intent.CONFIRM, seq=123_456_789, step="s" * 24, mark=MARK),
]


@pytest.mark.parametrize("action", ACTIONS, ids=[f"{a.intent.name}{a.mark}" for a in ACTIONS])
def test_the_longest_tick_buttons_fit_and_come_back(action: Action) -> None:
    data = encode(action)

    assert len(data.encode("utf-8")) <= MAX_BYTES
    assert decode(data) == action


@pytest.mark.parametrize(
    ("data", "action"),
    [
        ("t|7|markets|eu", Action(Intent.TOGGLE, seq=7, step="markets", value="eu")),
        ("v|7|markets|", Action(Intent.CONFIRM, seq=7, step="markets")),
    ],
)
def test_tick_buttons_drawn_before_read_as_they_did(data: str, action: Action) -> None:
    assert decode(data) == action


@pytest.mark.parametrize(
    "data",
    [
        "c|7|sector|agrifood.Qm9_c-",  # a choice carries no mark
        "T|7|markets|eu.Qm9_c-",  # nor does a tick: it is valid from any copy
        "v|7|markets|.Qm9_c",  # five characters
        "v|7|markets|.Qm9_c-!",
        "U|7|markets|eu.",
        "U|7||eu",
    ],
)
def test_a_misplaced_or_garbled_mark_is_forged(data: str) -> None:
    with pytest.raises(BadButton):
        decode(data)


def test_the_mark_reads_ticks_in_any_order_and_ranks_in_order() -> None:
    ticks = selection_mark(Kind.MULTIPLE_CHOICE, ["eu", "asia"])
    assert ticks == selection_mark(Kind.MULTIPLE_CHOICE, ["asia", "eu"])
    assert ticks != selection_mark(Kind.MULTIPLE_CHOICE, ["eu"])
    ranks = selection_mark(Kind.RANKING, ["cost", "time"])
    assert ranks != selection_mark(Kind.RANKING, ["time", "cost"])
    assert len(ticks) == len(ranks) == len(MARK)
