"""The engine's cache of the steps shown changes nothing anyone can see.

`flows.state.shown_steps` decides which steps are shown once per set of answers to
the questions the flow's conditions name, and reuses that. Random respondents
(answers, nonsense, back, skip, revising at the end) on the bundled flow and on a
small branching flow get, at every step, the same prompt, the same visible steps,
the same counted answers and the same next state with the cache as without it.
A cache keyed without one of the questions a condition reads is caught.
"""

from __future__ import annotations

import contextlib
import tracemalloc
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import flows
from flows import (
    Flow,
    Kind,
    Outcome,
    ResponseState,
    acknowledge,
    answer_text,
    back,
    choose,
    confirm,
    effective_answers,
    load_flow,
    prompt,
    revise,
    skip,
    start,
    toggle,
    visible_steps,
)
from flows import state as state_module
from tests.conftest import MINI

pytestmark = pytest.mark.filterwarnings(
    "ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning"
)

BRANCHING = MINI.parent / "branching.yaml"
MAIN_MORE = MINI.parent / "main_more.yaml"
FLOWS = {
    "bundled": load_flow(flows.bundled_path("questionnaire.yaml")),
    "branching": load_flow(BRANCHING),
    # Choices that depend on an answer no condition reads (`except_chosen_in`).
    "main_more": load_flow(MAIN_MORE),
}
MOVES = 40
"""Actions per respondent: enough to reach the end of the bundled flow now and then."""
TEXTS = ("texte", "Autre chose", "1", "oui", "", "x" * 300, "a@exemple.fr")


@contextlib.contextmanager
def uncached() -> Iterator[None]:
    """Every question of what is shown decided afresh, by evaluating every condition."""
    with mock.patch.object(state_module, "_plan", state_module._new_plan):
        yield


def seen(flow: Flow, state: ResponseState, lang: str) -> tuple[Any, ...]:
    """Everything a channel or the storage reads of a state: the prompt and what counts."""
    shown = prompt(flow, state, lang)
    return shown, [step.id for step in visible_steps(flow, state)], effective_answers(flow, state)


def act(flow: Flow, state: ResponseState, lang: str, data: st.DataObject) -> ResponseState:
    """One random action (drawn once), applied with the cache and without: the same outcome."""
    move = data.draw(_move(flow, state, lang), label="move")
    cached = move(flow, state, lang)
    with uncached():
        fresh = move(flow, state, lang)
    assert cached == fresh, (state, cached, fresh)
    return cached.state if isinstance(cached, Outcome) else cached


def _move(flow: Flow, state: ResponseState, lang: str) -> st.SearchStrategy[Any]:
    """The actions a respondent could take on this screen, sensible or not."""
    shown = prompt(flow, state, lang)
    if shown is None:
        questions = [s.id for s in visible_steps(flow, state) if s.type != Kind.INFO]
        return st.one_of(
            st.just(lambda f, s, _: back(f, s)),
            st.sampled_from(questions).map(lambda q: lambda f, s, _: revise(f, s, q)),
        )
    codes = [code for code, _ in shown.choices] or ["x"]
    typed = st.sampled_from(TEXTS) | st.integers(-5, 100_000).map(str)
    return st.one_of(
        st.sampled_from(codes).map(lambda c: lambda f, s, lg: choose(f, s, c, lg)),
        st.sampled_from(codes).map(lambda c: lambda f, s, lg: toggle(f, s, c, lg)),
        typed.map(lambda t: lambda f, s, lg: answer_text(f, s, t, lg)),
        st.sampled_from([confirm, acknowledge, skip]),
        st.just(lambda f, s, _: back(f, s)),
    )


def wander(flow: Flow, data: st.DataObject) -> None:
    lang = data.draw(st.sampled_from(flow.languages), label="language")
    state = start(flow)
    for _ in range(MOVES):
        with_cache = seen(flow, state, lang)
        with uncached():
            without = seen(flow, state, lang)
        assert with_cache == without, state
        state = act(flow, state, lang, data)


@pytest.mark.parametrize("name", sorted(FLOWS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_cached_and_uncached_prompts_are_the_same(name: str, data: st.DataObject) -> None:
    wander(FLOWS[name], data)


def test_a_cache_blind_to_a_question_a_condition_reads_is_caught() -> None:
    # "colour" decides whether "shade" is shown: a key without it mixes up red and blue.
    flow = load_flow(BRANCHING)  # its own plan, built with the blind key below
    blind = ("gate",)
    assert "colour" in state_module.deciding_questions(flow)

    @settings(max_examples=200, deadline=None, database=None, report_multiple_bugs=False)
    @given(data=st.data())
    def wandering(data: st.DataObject) -> None:
        wander(flow, data)

    with (
        mock.patch.object(state_module, "deciding_questions", lambda _: blind),
        pytest.raises(AssertionError),
    ):
        wandering()


def test_choices_left_out_follow_an_answer_the_key_does_not_hold() -> None:
    # "main" decides nothing shown, so two answers to it share one cached `Shown`; the
    # choices of "more" must still follow each answer, read afresh every time.
    flow = load_flow(MAIN_MORE)
    assert "main" not in state_module.deciding_questions(flow)
    for main in ("time", "cost", "time", "other", "none"):
        state = ResponseState(current="more", answers={"gate": "yes", "main": main})
        cached = prompt(flow, state, "fr")
        with uncached():
            assert prompt(flow, state, "fr") == cached
        assert cached is not None
        assert (main in [code for code, _ in cached.choices]) == (main in ("other", "none"))


def test_the_key_tells_apart_answers_python_finds_equal() -> None:
    # 1 == 1.0 == True in Python, but a condition compares "1" with "1" and "1.0".
    flow = Flow.model_validate(
        {
            "id": "typed",
            "version": 1,
            "title": "T",
            "sections": [
                {
                    "id": "s",
                    "title": "S",
                    "steps": [
                        {"id": "n", "type": "number", "text": "N ?"},
                        {
                            "id": "one",
                            "type": "text",
                            "text": "Un ?",
                            "show_if": {"question": "n", "in": ["1"]},
                        },
                    ],
                }
            ],
        }
    )
    for value in (1, 1.0, True, "1", 1, 1.0):
        expected = [step.id for step in state_module._walk(flow, {"n": value}).steps]
        got = [step.id for step in state_module.shown_steps(flow, {"n": value}).steps]
        assert got == expected, value
    assert [s.id for s in state_module.shown_steps(flow, {"n": 1}).steps] == ["n", "one"]
    assert [s.id for s in state_module.shown_steps(flow, {"n": 1.0}).steps] == ["n"]


def test_answer_sets_that_show_the_same_steps_share_them_in_memory() -> None:
    flow = load_flow(flows.bundled_path("questionnaire.yaml"))  # a new flow: its own, empty cache
    first = state_module.deciding_questions(flow)[0]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        # A thousand answers no condition expects: a thousand keys, one set of steps shown.
        shown = {id(state_module.shown_steps(flow, {first: f"answer {n}"})) for n in range(1000)}
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(shown) == 1
    # Each key costs under 2 KB; a copy of the steps shown for each cost about 5 KB.
    assert grown < 1000 * 2048, grown
