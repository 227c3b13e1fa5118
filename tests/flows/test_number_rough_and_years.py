"""Number questions as respondents answer them: a rough figure where the question says
one is enough, and a year refused in words about years."""

import pytest

import flows
from flows import Flow
from flows.values import Invalid, check_value


@pytest.fixture(scope="module")
def bundled() -> Flow:
    return flows.load_flow(flows.bundled_path("questionnaire.yaml"))


def checked(flow: Flow, step_id: str, typed: str, lang: str = "fr") -> object:
    return check_value(flow, flow.step(step_id), typed, lang)


@pytest.mark.parametrize(
    ("typed", "lang"),
    [
        ("environ 30", "fr"),
        ("Environ 30", "fr"),
        ("à peu près 30", "fr"),
        ("30 environ", "fr"),
        ("~30", "fr"),
        ("environ 30 stagiaires", "fr"),
        ("about 30", "en"),
        ("30 or so", "en"),
        ("roughly 30 interns", "en"),
    ],
)
def test_a_rough_figure_is_taken_where_an_order_of_magnitude_is_enough(
    bundled: Flow, typed: str, lang: str
) -> None:
    """ "Un ordre de grandeur suffit", says the question: "environ 30" is 30, not a refusal."""
    assert checked(bundled, "interns_n", typed, lang) == 30


def test_a_rough_figure_is_still_checked_against_the_bounds(bundled: Flow) -> None:
    refusal = checked(bundled, "interns_n", "environ 900")
    assert isinstance(refusal, Invalid)
    assert "500" in refusal.message


@pytest.mark.parametrize("typed", ["environ", "environ beaucoup", "environ 12 mois"])
def test_a_hedge_without_a_plain_figure_is_still_refused(bundled: Flow, typed: str) -> None:
    refusal = checked(bundled, "interns_n", typed)
    assert isinstance(refusal, Invalid)
    assert "nombre" in refusal.message


@pytest.mark.parametrize(
    ("typed", "lang", "said"),
    [
        ("1700", "fr", "Merci d’indiquer une année de 1800 à 2019."),
        ("2024", "fr", "Merci d’indiquer une année de 1800 à 2019."),
        ("1700", "en", "Please enter a year from 1800 to 2019."),
    ],
)
def test_a_year_out_of_bounds_is_refused_as_a_year(
    bundled: Flow, typed: str, lang: str, said: str
) -> None:
    """Not "Le nombre doit être au moins 1800": the question asks for a year."""
    refusal = checked(bundled, "year_founded", typed, lang)
    assert isinstance(refusal, Invalid)
    assert refusal.message == said


def test_a_count_out_of_bounds_still_speaks_of_a_number(bundled: Flow) -> None:
    refusal = checked(bundled, "interns_n", "0")
    assert isinstance(refusal, Invalid)
    assert refusal.message == "Merci d’indiquer un nombre de 1 à 500."


@pytest.mark.parametrize(
    ("bounds", "typed", "lang", "said"),
    [
        ({"max": None}, "0", "fr", "Merci d’indiquer un nombre d’au moins 1."),
        ({"max": None}, "0", "en", "Please enter a number of at least 1."),
        ({"min": None}, "501", "fr", "Merci d’indiquer un nombre d’au plus 500."),
        ({"min": None}, "501", "en", "Please enter a number of at most 500."),
        ({}, "501", "en", "Please enter a number from 1 to 500."),
    ],
)
def test_a_number_out_of_bounds_is_asked_for_politely_with_its_bounds(
    bundled: Flow, bounds: dict[str, None], typed: str, lang: str, said: str
) -> None:
    """ "Merci d’indiquer…", as every other refusal, not "Le nombre doit être au plus 100"."""
    step = bundled.step("interns_n").model_copy(update=bounds)
    refusal = check_value(bundled, step, typed, lang)
    assert isinstance(refusal, Invalid)
    assert refusal.message == said


@pytest.mark.parametrize("typed", ["", "   ", "\u00a0"])
def test_nothing_typed_for_a_number_asks_for_an_answer(bundled: Flow, typed: str) -> None:
    """Not "Merci d’indiquer un nombre (par exemple 2019)" for a field sent empty."""
    refusal = checked(bundled, "year_founded", typed)
    assert isinstance(refusal, Invalid)
    assert refusal.message == "Merci d’écrire une réponse."
