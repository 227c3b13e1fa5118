"""Taps that say what they set (`toggle(..., ticked=...)`): made twice, they do what they
do once; in any number, they leave the question's `seq` as it was until it is answered;
the box ends as the last tap on it said. Taps without `ticked` (buttons drawn before it
existed) turn the box over and bump `seq`, as they did."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import flows
from flows import Flow, Kind, ResponseState, prompt, toggle

FIXTURES = Path(__file__).parent / "fixtures"
FLOWS = [
    flows.load_flow(flows.bundled_path("questionnaire.yaml")),
    flows.load_flow(flows.bundled_path("acteurs.yaml")),
    flows.load_flow(FIXTURES / "mini.yaml"),
]
TAPPED = [
    (flow, step.id)
    for flow in FLOWS
    for section in flow.sections
    for step in section.steps
    if step.type in (Kind.MULTIPLE_CHOICE, Kind.RANKING)
]


def asked(flow: Flow, step_id: str, seq: int) -> ResponseState:
    return ResponseState(current=step_id, seq=seq)


def codes(flow: Flow, state: ResponseState) -> list[str]:
    shown = prompt(flow, state, "fr")
    assert shown is not None
    return [code for code, _ in shown.choices]


TAPS = st.lists(st.tuples(st.integers(0, 30), st.booleans()), max_size=12)


@pytest.mark.parametrize(("flow", "step_id"), TAPPED, ids=[s for _, s in TAPPED])
@settings(max_examples=60, deadline=None)
@given(taps=TAPS, seq=st.integers(0, 50))
def test_a_tap_made_twice_does_what_it_does_once(
    flow: Flow, step_id: str, taps: list[tuple[int, bool]], seq: int
) -> None:
    state = asked(flow, step_id, seq)
    offered = codes(flow, state)
    shown = prompt(flow, state, "fr")
    needed = shown.needed if shown is not None and shown.kind == Kind.RANKING else 0
    for index, ticked in taps:
        code = offered[index % len(offered)]
        once = toggle(flow, state, code, "fr", ticked=ticked)
        assert once.state.current == step_id  # a full ranking waits for "Valider" too
        if needed:  # a ranking takes no more than it orders
            assert len(once.state.draft or ()) <= needed
        twice = toggle(flow, once.state, code, "fr", ticked=ticked)
        assert twice.state == once.state
        assert once.state.seq == seq
        if once.accepted:
            assert (code in (once.state.draft or ())) == ticked
            assert twice.accepted
        else:
            assert once.state == state  # refused ("at most 2"): nothing changed
        state = once.state


@pytest.mark.parametrize(("flow", "step_id"), TAPPED, ids=[s for _, s in TAPPED])
def test_a_tap_drawn_before_ticks_turns_the_box_over_and_bumps_seq(
    flow: Flow, step_id: str
) -> None:
    state = asked(flow, step_id, 3)
    code = codes(flow, state)[0]

    first = toggle(flow, state, code, "fr")
    second = toggle(flow, first.state, code, "fr")

    assert first.accepted and second.accepted
    assert code in (first.state.draft or ())
    assert (second.state.seq, second.state.draft) == (5, [])


def test_a_tick_keeps_an_earlier_answer_as_it_stands() -> None:
    mini = FLOWS[-1]
    state = ResponseState(current="markets", answers={"exports": "yes", "markets": ["eu"]})

    assert toggle(mini, state, "eu", "fr", ticked=True).state == state
    unticked = toggle(mini, state, "eu", "fr", ticked=False).state
    assert (unticked.draft, unticked.seq) == ([], 0)
    assert toggle(mini, state, "asia", "fr", ticked=False).state == state
