"""A share typed in words, "30 pour cent" or "30 percent", is taken as "30 %" is.

The walk in English found "30 percent" refused with "Please enter a number (for
example 12).", while "30%" and "12.5 %" were taken. Only a question in % takes
these words: "12 percent" is no number of employees.
"""

from __future__ import annotations

import pytest

from flows import Flow, bundled_path, load_flow
from flows.values import Invalid, check_value
from tests.flows.test_engine import mini

__all__ = ["mini"]  # the fixture, shared with test_engine.py

SHARE = "new_product_share"  # "What share of your turnover…", in %


@pytest.fixture(scope="module")
def flow() -> Flow:
    return load_flow(bundled_path("questionnaire.yaml"))


@pytest.mark.parametrize(
    ("typed", "lang"),
    [
        ("30 pour cent", "fr"),
        ("30 pourcent", "fr"),
        ("30 Pour Cent", "fr"),
        ("30 percent", "en"),
        ("30 per cent", "en"),
        ("30 %", "fr"),
    ],
)
def test_a_share_in_words_is_a_number(flow: Flow, typed: str, lang: str) -> None:
    assert check_value(flow, flow.step(SHARE), typed, lang) == 30


@pytest.mark.parametrize("typed", ["30 euros", "30 salariés", "trente pour cent"])
def test_other_words_are_still_refused(flow: Flow, typed: str) -> None:
    assert isinstance(check_value(flow, flow.step(SHARE), typed, "fr"), Invalid)


def test_a_count_does_not_take_percent_words(mini: Flow) -> None:
    staff = next(step for step in mini.steps() if getattr(step, "unit", None))
    assert check_value(mini, staff, "12 salariés", "fr") == 12
    assert isinstance(check_value(mini, staff, "12 percent", "en"), Invalid)
