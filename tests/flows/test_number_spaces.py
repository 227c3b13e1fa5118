"""A space inside a typed number parts thousands only: "12 345" is a number, "10 15" is not.

A respondent giving a range ("10 15") or slipping ("1 1") was stored as 1015 or 11:
every space was dropped before reading the digits.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import flows
from flows import Flow, ResponseState, answer_text, bundled_path, load_flow
from flows.values import Invalid, check_value, parse_number, read_choice

MINI = Path(__file__).parent / "fixtures" / "mini.yaml"
QUESTIONNAIRE = load_flow(bundled_path("questionnaire.yaml"))
NOT_A_NUMBER = {"fr": "Merci d’indiquer un nombre", "en": "Please enter a number"}
ONE_NUMBER = {
    "fr": "Merci d’indiquer un seul nombre, pas une fourchette",
    "en": "Please enter one number, not a range",
}


@pytest.fixture(scope="module")
def mini() -> Flow:
    return flows.load_flow(MINI)


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("12 345", 12345),
        ("1 000 000", 1_000_000),
        ("12\u00a0345", 12345),  # a no-break space
        ("12\u202f345", 12345),  # a narrow no-break space, as French phones type it
        ("1\u202f000\u202f000", 1_000_000),
        ("12 345,5", 12345.5),
        ("-1 200", -1200),
        ("- 2", -2),
        ("15 %", 15),
        ("1'200", 1200),
        ("1\u2007000", 1000),  # a figure space, as a formatted number pasted
        ("1\u3000000", 1000),  # an ideographic space
    ],
)
def test_spaces_between_groups_of_three_digits_are_thousands(typed: str, number: float) -> None:
    assert parse_number(typed, "fr") == number
    assert parse_number(typed, "en") == number


@pytest.mark.parametrize(
    "typed",
    [
        *("1 1", "10 15", "10 49", "10\u00a015", "10\u202f15", "1 2345", "1234 567", "1  000"),
        *("10 - 15", "12 34 567", "1 000 00", "10-15"),
    ],
)
def test_any_other_space_between_digits_is_not_a_number(typed: str) -> None:
    assert parse_number(typed, "fr") is None
    assert parse_number(typed, "en") is None


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("typed", ["1 1", "10 15", "10 15 salariés", "10-15", "10 à 15"])
def test_a_range_or_a_slip_is_refused_politely_not_stored(
    mini: Flow, typed: str, lang: str
) -> None:
    checked = check_value(mini, mini.step("staff"), typed, lang)
    assert isinstance(checked, Invalid), f"{typed!r} was stored as {checked!r}"
    assert checked.message.startswith(ONE_NUMBER[lang])


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("typed", ["douze", "12 ou plus", "-"])
def test_a_text_that_holds_one_number_or_none_is_asked_for_a_number(
    mini: Flow, typed: str, lang: str
) -> None:
    checked = check_value(mini, mini.step("staff"), typed, lang)
    assert isinstance(checked, Invalid) and checked.message.startswith(NOT_A_NUMBER[lang])


def test_thousands_apart_are_still_stored_as_one_number(mini: Flow) -> None:
    assert check_value(mini, mini.step("staff"), "1\u202f200", "fr") == 1200
    assert check_value(mini, mini.step("staff"), "1 200 salariés", "fr") == 1200


@pytest.mark.parametrize("typed", ["10 49", "1 1", "10 15"])
def test_a_range_typed_on_the_bundled_headcount_names_no_band(typed: str) -> None:
    """ "10 49" read 1049, so "250 ou plus"."""
    assert read_choice(QUESTIONNAIRE, QUESTIONNAIRE.step("headcount"), typed, "fr") is None


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_engine_refuses_10_49_on_the_headcount_and_stays(lang: str) -> None:
    given = {"company_name": "Ateliers Réunis"}
    state = ResponseState.model_validate(
        {"current": "headcount", "answers": given, "history": list(given)}
    )

    outcome = answer_text(QUESTIONNAIRE, state, "10 49", lang)

    assert not outcome.accepted
    assert outcome.reason == "choice_or_count"
    assert "headcount" not in outcome.state.answers
    assert answer_text(QUESTIONNAIRE, state, "1 200", lang).state.answers["headcount"] == (
        "h250_plus"
    )
