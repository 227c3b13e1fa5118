"""Show-if conditions: each test, multiple choices, unanswered and hidden questions."""

from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

import flows
from flows import Flow, ResponseState
from flows.conditions import holds
from flows.model import Condition

BRANCHING = Path(__file__).parent / "fixtures" / "branching.yaml"
MINI = Path(__file__).parent / "fixtures" / "mini.yaml"

CONDITION: TypeAdapter[Any] = TypeAdapter(Condition)

ANSWERS: dict[str, Any] = {
    "sector": "industry",
    "staff": 12,
    "share": 3.5,
    "markets": ["eu", "asia"],
    "exports": "yes",
    "importance": "dont_know",
    "company": "12",
}


def check(condition: dict[str, Any], answers: dict[str, Any] = ANSWERS) -> bool:
    return holds(CONDITION.validate_python(condition), answers)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"question": "sector", "equals": "industry"}, True),
        ({"question": "sector", "equals": "services"}, False),
        ({"question": "exports", "equals": "yes"}, True),
        ({"question": "staff", "equals": 12}, True),
        ({"question": "staff", "equals": 12.0}, True),
        ({"question": "staff", "equals": 13}, False),
        ({"question": "share", "equals": 3.5}, True),
    ],
)
def test_equals(condition: dict[str, Any], expected: bool) -> None:
    assert check(condition) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"question": "markets", "equals": "eu"}, True),
        ({"question": "markets", "equals": "asia"}, True),
        ({"question": "markets", "equals": "americas"}, False),
        ({"question": "markets", "in": ["americas", "asia"]}, True),
        ({"question": "markets", "in": ["americas", "none"]}, False),
        ({"not": {"question": "markets", "equals": "none"}}, True),
    ],
)
def test_equals_on_a_multiple_choice_means_includes(
    condition: dict[str, Any], expected: bool
) -> None:
    assert check(condition) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"question": "sector", "in": ["services", "industry"]}, True),
        ({"question": "sector", "in": ["services"]}, False),
        ({"question": "staff", "in": [1, 12]}, True),
    ],
)
def test_in(condition: dict[str, Any], expected: bool) -> None:
    assert check(condition) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"question": "staff", "min": 10}, True),
        ({"question": "staff", "min": 12}, True),
        ({"question": "staff", "min": 13}, False),
        ({"question": "staff", "max": 12}, True),
        ({"question": "staff", "max": 11}, False),
        ({"question": "staff", "min": 1, "max": 100}, True),
        ({"question": "share", "min": 3, "max": 4}, True),
        ({"question": "share", "min": 4}, False),
        # A "don't know" on a scale, a text, a choice: never in a numeric range.
        ({"question": "importance", "min": 0}, False),
        ({"question": "importance", "max": 100}, False),
        ({"question": "company", "min": 0}, False),
        ({"question": "sector", "max": 10}, False),
        ({"question": "markets", "min": 0}, False),
    ],
)
def test_min_and_max(condition: dict[str, Any], expected: bool) -> None:
    assert check(condition) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"question": "sector", "answered": True}, True),
        ({"question": "sector", "answered": False}, False),
        ({"question": "ideas", "answered": True}, False),
        ({"question": "ideas", "answered": False}, True),
    ],
)
def test_answered(condition: dict[str, Any], expected: bool) -> None:
    assert check(condition) is expected


@pytest.mark.parametrize(
    "condition",
    [
        {"question": "ideas", "equals": "x"},
        {"question": "ideas", "in": ["x", "y"]},
        {"question": "ideas", "min": 0},
        {"question": "ideas", "max": 0},
        {"question": "ideas", "min": -1e9, "max": 1e9},
    ],
)
def test_an_unanswered_question_matches_nothing(condition: dict[str, Any]) -> None:
    assert check(condition) is False
    assert check({"not": condition}) is True


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"not": {"question": "sector", "equals": "industry"}}, False),
        ({"not": {"not": {"question": "sector", "equals": "industry"}}}, True),
        (
            {
                "all": [
                    {"question": "sector", "equals": "industry"},
                    {"question": "staff", "min": 10},
                ]
            },
            True,
        ),
        (
            {
                "all": [
                    {"question": "sector", "equals": "industry"},
                    {"question": "staff", "min": 100},
                ]
            },
            False,
        ),
        (
            {
                "any": [
                    {"question": "sector", "equals": "services"},
                    {"question": "staff", "min": 10},
                ]
            },
            True,
        ),
        (
            {
                "any": [
                    {"question": "sector", "equals": "services"},
                    {"question": "staff", "min": 100},
                ]
            },
            False,
        ),
        (
            {
                "all": [
                    {"question": "exports", "equals": "yes"},
                    {"not": {"question": "markets", "equals": "none"}},
                    {
                        "any": [
                            {"question": "ideas", "answered": True},
                            {"question": "share", "max": 5},
                        ]
                    },
                ]
            },
            True,
        ),
    ],
)
def test_not_all_any(condition: dict[str, Any], expected: bool) -> None:
    assert check(condition) is expected


def test_yaml_style_conditions_load_and_hold() -> None:
    # `in` is a Python keyword: the model takes it by its YAML name.
    condition = CONDITION.validate_python({"question": "sector", "in": ["industry"]})
    assert holds(condition, {"sector": "industry"})
    assert not holds(condition, {})


# --- in a flow ------------------------------------------------------------------


@pytest.fixture(scope="module")
def branching() -> Flow:
    return flows.load_flow(BRANCHING)


def shown(flow: Flow, answers: dict[str, Any]) -> list[str]:
    return [
        step.id for step in flows.visible_steps(flow, ResponseState(current=None, answers=answers))
    ]


def test_a_chain_of_conditions_opens_step_by_step(branching: Flow) -> None:
    assert shown(branching, {}) == ["gate", "rating"]
    assert shown(branching, {"gate": "no"}) == ["gate", "rating"]
    assert shown(branching, {"gate": "yes"}) == ["gate", "colour", "tools", "motto", "rating"]
    assert shown(branching, {"gate": "yes", "colour": "red"}) == [
        "gate",
        "colour",
        "shade",
        "tools",
        "motto",
        "rating",
    ]


def test_a_hidden_questions_answer_does_not_count_downstream(branching: Flow) -> None:
    answers: dict[str, Any] = {
        "gate": "no",
        "colour": "red",
        "shade": "Carmin",
        "tools": ["saw", "drill"],
    }
    assert shown(branching, answers) == ["gate", "rating"]
    state = ResponseState(current=None, answers=answers)
    assert flows.effective_answers(branching, state) == {"gate": "no"}


def test_a_section_condition_hides_all_its_steps(branching: Flow) -> None:
    answers: dict[str, Any] = {"gate": "no", "motto": "Allez", "rating": 3}
    state = ResponseState(current=None, answers=answers)
    assert flows.effective_answers(branching, state) == {"gate": "no", "rating": 3}


def test_mini_flow_conditions() -> None:
    mini = flows.load_flow(MINI)
    base = {"company": "Acme", "staff": 3, "sector": "industry"}
    assert "markets" not in shown(mini, {**base, "exports": "no"})
    assert "markets" not in shown(mini, {**base, "exports": "dont_know"})
    assert "share" in shown(mini, {**base, "exports": "yes", "markets": ["eu"]})
    assert "share" not in shown(mini, {**base, "exports": "yes", "markets": ["none"]})
    # Markets unanswered yet: "not markets equals none" holds, so share is expected.
    assert "share" in shown(mini, {**base, "exports": "yes"})
    assert "email" in shown(mini, {**base, "importance": 4})
    assert "email" not in shown(mini, {**base, "importance": 3})
    assert "email" not in shown(mini, {**base, "importance": "dont_know"})
