"""`never_true` never says a condition some answers meet is never true: a false warning
would have an author mend a question that works. Random conditions over the mini flow's
questions; each one it calls never true is tried against random answers, counted as
the engine counts them (a hidden question's answer does not count)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows import Flow, load_flow
from flows.conditions import holds
from flows.model import All, AnyOf, Compare, Condition, Not
from flows.never_true import never_true
from flows.state import shown_steps
from tests.conftest import MINI

FLOW: Flow = load_flow(MINI)
EARLIER = {step.id: step for step in FLOW.steps() if step.id != "email"}

TESTS: list[dict[str, Any]] = [
    {"question": "exports", "equals": "yes"},
    {"question": "exports", "equals": "dont_know"},
    {"question": "markets", "equals": "eu"},
    {"question": "markets", "equals": "none"},
    {"question": "markets", "in": ["asia", "americas"]},
    {"question": "staff", "min": 10},
    {"question": "staff", "max": 5},
    {"question": "staff", "equals": 12},
    {"question": "importance", "equals": 3},
    {"question": "importance", "equals": "dont_know"},
    {"question": "importance", "min": 4},
    {"question": "importance", "max": 3},
    {"question": "sector", "equals": "other"},
    {"question": "sector", "in": ["services", "industry"]},
    {"question": "company", "equals": "Acme"},
    {"question": "obstacles", "equals": "cost"},
    {"question": "share", "max": 10.5},
    {"question": "share", "min": 0.5},
    {"question": "share", "max": 0},
    *({"question": q, "answered": a} for q in ("exports", "markets", "share") for a in (1, 0)),
]
ANSWERS: dict[str, list[Any]] = {
    "exports": ["yes", "no", "dont_know"],
    "markets": [["none"], ["eu"], ["asia", "americas"], ["eu", "other"]],
    "staff": [1, 5, 10, 12, 10000],
    "importance": [1, 3, 4, 5, "dont_know"],
    "sector": ["industry", "services", "other"],
    "company": ["Acme", "Globex"],
    "obstacles": [["cost", "time"], ["skills", "cost"]],
    "share": [0, 0.25, 10.5, 50],  # 0.25: between two bounds half a unit apart
}

compares = st.sampled_from(TESTS).map(lambda test: Compare.model_validate(test))
conditions: st.SearchStrategy[Condition] = st.recursive(
    compares,
    lambda inner: st.one_of(
        inner.map(lambda c: Not.model_validate({"not": c})),
        st.lists(inner, min_size=2, max_size=3).map(lambda cs: All.model_validate({"all": cs})),
        st.lists(inner, min_size=2, max_size=3).map(lambda cs: AnyOf.model_validate({"any": cs})),
    ),
    max_leaves=6,
)
answer_sets = st.fixed_dictionaries(
    {}, optional={name: st.sampled_from(values) for name, values in ANSWERS.items()}
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(condition=conditions, answers=st.lists(answer_sets, min_size=30, max_size=30))
def test_a_condition_called_never_true_holds_for_no_answers(
    condition: Condition, answers: list[dict[str, Any]]
) -> None:
    if never_true(FLOW, condition, EARLIER) is None:
        return
    for given_answers in answers:
        shown = shown_steps(FLOW, given_answers).ids
        counted = {q: v for q, v in given_answers.items() if q in shown}
        assert not holds(condition, counted), (condition, counted)
