"""Answer values: what each step kind accepts, how typed text is read, how answers read back."""

import re
from pathlib import Path

import pytest

import flows
from flows import Flow
from flows.model import Step
from flows.readback import display_value, piped_value
from flows.values import (
    Invalid,
    check_value,
    clean_text,
    format_number,
    parse_number,
    read_choice,
)

MINI = Path(__file__).parent / "fixtures" / "mini.yaml"
BRANCHING = Path(__file__).parent / "fixtures" / "branching.yaml"
NNBSP = "\u202f"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def mini() -> Flow:
    return flows.load_flow(MINI)


@pytest.fixture(scope="module")
def branching() -> Flow:
    return flows.load_flow(BRANCHING)


def accepted(flow: Flow, step_id: str, value: object, lang: str = "fr") -> object:
    checked = check_value(flow, flow.step(step_id), value, lang)
    assert not isinstance(checked, Invalid), checked.message
    return checked


def refused(flow: Flow, step_id: str, value: object, lang: str = "fr") -> str:
    checked = check_value(flow, flow.step(step_id), value, lang)
    assert isinstance(checked, Invalid), f"{value!r} was accepted as {checked!r}"
    return checked.message


def digits(text: str) -> str:
    """The text without thousands separators, so "10 000" and "10,000" read 10000."""
    return re.sub(r"(?<=\d)[\s\u202f\u00a0,](?=\d{3})", "", text)


# --- text ---------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "word"), [("fr", "écrire"), ("en", "type")])
@pytest.mark.parametrize("typed", ["", "   ", "\x00\x07", "\n\t"])
def test_an_empty_text_is_refused(mini: Flow, lang: str, word: str, typed: str) -> None:
    assert word in refused(mini, "company", typed, lang)


@pytest.mark.parametrize(("lang", "word"), [("fr", "caractères"), ("en", "characters")])
def test_a_ten_thousand_character_text_is_refused_giving_the_limit_not_its_count(
    mini: Flow, lang: str, word: str
) -> None:
    # A chat app may have cut it (Telegram at 4,096): a count would be the first piece's.
    said = refused(mini, "company", "x" * 10_000, lang)
    assert word in said
    assert "10000" not in digits(said)
    assert re.search(r"\b20\b", said)
    assert "3999" in digits(refused(mini, "company", "x" * 3_999, lang))


def test_a_text_at_the_limit_is_kept_and_one_more_character_is_refused(mini: Flow) -> None:
    assert accepted(mini, "company", "a" * 20) == "a" * 20
    assert "21" in refused(mini, "company", "a" * 21)


def test_the_limit_counts_the_cleaned_text(mini: Flow) -> None:
    assert accepted(mini, "company", "  " + "a" * 20 + "\x00\n ") == "a" * 20


def test_control_characters_are_stripped_and_blanks_trimmed(mini: Flow) -> None:
    assert accepted(mini, "company", "  Ac\x00me\x07 SA\x1b \x7f") == "Acme SA"


def test_a_long_text_keeps_inner_newlines_and_tabs(mini: Flow) -> None:
    assert accepted(mini, "ideas", "one\n\ttwo\r\n") == "one\n\ttwo"


def test_a_long_text_has_a_default_limit_of_2000(mini: Flow) -> None:
    assert accepted(mini, "ideas", "a" * 2000) == "a" * 2000
    said = refused(mini, "ideas", "a" * 2001, "en")
    assert "2001" in digits(said)
    assert "2000" in digits(said)


def test_a_text_shorter_than_its_minimum_is_refused(branching: Flow) -> None:
    assert "3" in refused(branching, "motto", "ab", "fr")
    assert "at least 3" in refused(branching, "motto", "ab", "en")
    assert accepted(branching, "motto", "abc") == "abc"


def test_a_text_answer_must_be_a_string(mini: Flow) -> None:
    refused(mini, "company", 12)
    refused(mini, "company", None)


def test_clean_text_normalises_to_composed_form() -> None:
    assert clean_text("Cafe\u0301") == "Café"


# --- numbers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "lang", "number"),
    [
        ("1 200", "fr", 1200),
        ("1\u00a0200", "fr", 1200),
        (f"1{NNBSP}200", "fr", 1200),
        ("1,200", "en", 1200),
        ("1 200", "en", 1200),
        ("1,200,000", "fr", None),  # over the max: refused, but read as a number below
        ("12", "fr", 12),
        (" 12 ", "en", 12),
        ("12,0", "fr", 12),
    ],
)
def test_typed_whole_numbers(mini: Flow, typed: str, lang: str, number: int | None) -> None:
    if number is None:
        refused(mini, "staff", typed, lang)
        return
    stored = accepted(mini, "staff", typed, lang)
    assert stored == number
    assert type(stored) is int


@pytest.mark.parametrize(
    ("typed", "lang", "number"),
    [
        ("3,5", "fr", 3.5),
        ("3.5", "fr", 3.5),
        ("3.5", "en", 3.5),
        ("3,5", "en", 3.5),
        ("15 %", "fr", 15),
        ("15%", "en", 15),
        ("0", "fr", 0),
        ("100", "fr", 100),
        ("99,75 %", "fr", 99.75),
    ],
)
def test_typed_decimal_numbers(mini: Flow, typed: str, lang: str, number: float) -> None:
    assert accepted(mini, "share", typed, lang) == number


@pytest.mark.parametrize(("lang", "word"), [("fr", "entier"), ("en", "whole")])
def test_a_decimal_is_refused_where_a_whole_number_is_asked(
    mini: Flow, lang: str, word: str
) -> None:
    assert word in refused(mini, "staff", "3,5" if lang == "fr" else "3.5", lang)


@pytest.mark.parametrize(
    ("lang", "typed", "shown"),
    [("fr", "0", "1"), ("en", "-3", "1"), ("fr", "10001", "10000"), ("en", "20,000", "10000")],
)
def test_numbers_outside_the_bounds_are_refused_naming_the_bound(
    mini: Flow, lang: str, typed: str, shown: str
) -> None:
    said = refused(mini, "staff", typed, lang)
    assert shown in digits(said)


def test_the_bound_is_written_the_local_way(mini: Flow) -> None:
    assert f"10{NNBSP}000" in refused(mini, "staff", "20000", "fr")
    assert "10,000" in refused(mini, "staff", "20000", "en")


@pytest.mark.parametrize(("lang", "example"), [("fr", "12"), ("en", "12")])
@pytest.mark.parametrize("typed", ["douze", "twelve", "12 ans", "1.2.3", "--1", "0x10"])
def test_words_are_not_numbers(mini: Flow, lang: str, example: str, typed: str) -> None:
    said = refused(mini, "staff", typed, lang)
    assert example in said
    assert ("nombre" if lang == "fr" else "number") in said


@pytest.mark.parametrize(
    ("typed", "lang"),
    [
        ("12 salariés", "fr"),
        ("12 Salarié.", "fr"),
        ("12salaries", "fr"),
        ("12 employees", "en"),
        ("12 salariés", "en"),  # a word of either language's question is understood
        ("12 staff", "en"),
    ],
)
def test_a_number_followed_by_the_questions_own_words_is_read(
    mini: Flow, typed: str, lang: str
) -> None:
    """ "12 salariés" to "Salariés de Acme ?": what people type, not a refusal."""
    assert accepted(mini, "staff", typed, lang) == 12


@pytest.mark.parametrize(
    "typed", ["12 mois", "3 millions", "12 salariés et 3 stagiaires", "12 ou 13", "environ 12 mois"]
)
def test_a_number_followed_by_other_words_is_still_refused(mini: Flow, typed: str) -> None:
    """Another unit may mean another number: "18 mois" is not 18 years, "3 millions" not 3."""
    assert "nombre" in refused(mini, "staff", typed, "fr")


def test_the_example_for_a_decimal_uses_the_local_mark(mini: Flow) -> None:
    assert "3,5" in refused(mini, "share", "beaucoup", "fr")
    assert "3.5" in refused(mini, "share", "lots", "en")


def test_a_pasted_wall_of_digits_is_refused_not_a_crash(mini: Flow) -> None:
    # int() raises ValueError past 4300 digits: that must come back as a refusal.
    refused(mini, "staff", "9" * 10_000)
    refused(mini, "share", "9" * 400 + ".5")


@pytest.mark.parametrize("value", [True, None, "nan", float("nan"), float("inf"), [12]])
def test_values_that_are_not_numbers_are_refused(mini: Flow, value: object) -> None:
    refused(mini, "share", value)


def test_a_number_given_directly_is_checked_like_a_typed_one(mini: Flow) -> None:
    assert accepted(mini, "staff", 12.0) == 12
    assert type(accepted(mini, "staff", 12.0)) is int
    refused(mini, "staff", 12.5)
    refused(mini, "staff", 0)


@pytest.mark.parametrize(
    ("text", "lang", "number"),
    [
        ("1 200", None, 1200),
        ("1,200", "en", 1200),
        ("1,200", "fr", 1.2),
        ("1,200.5", "en", 1200.5),
        ("-2", None, -2),
        ("15 %", None, 15),
        ("12 €", None, 12),
        ("1'200", None, 1200),
        ("douze", None, None),
        ("", None, None),
        ("1,2,3", "en", None),
    ],
)
def test_parse_number(text: str, lang: str | None, number: float | None) -> None:
    assert parse_number(text, lang) == number


# --- e-mail -------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["ana@example.fr", " Ana.Dupont+survey@sub.example.com ", "a@b.co"]
)
def test_good_email_addresses_are_kept(mini: Flow, typed: str) -> None:
    assert accepted(mini, "email", typed) == typed.strip()


@pytest.mark.parametrize(
    "typed",
    [
        "ana",
        "ana@",
        "@example.fr",
        "ana@example",
        "ana@@example.fr",
        "ana dupont@example.fr",
        "<ana@example.fr>",
        "ana@example.f",
        "a" * 250 + "@example.fr",
    ],
)
@pytest.mark.parametrize(("lang", "example"), [("fr", "nom@"), ("en", "name@")])
def test_bad_email_addresses_are_refused(mini: Flow, typed: str, lang: str, example: str) -> None:
    assert example in refused(mini, "email", typed, lang)


def test_the_english_refusal_spells_email_as_the_question_does(bundled_flow: Flow) -> None:
    """The bundled flows ask "Which email address…?": the refusal says it the same way."""
    assert "email address" in bundled_flow.step("email").text["en"]
    assert "email address" in refused(bundled_flow, "email", "ana@", "en")


@pytest.mark.parametrize(("lang", "said"), [("fr", "Merci d’écrire"), ("en", "Please type")])
@pytest.mark.parametrize("typed", ["", "   ", None])
def test_an_empty_email_is_asked_for_not_called_invalid(
    mini: Flow, typed: str | None, lang: str, said: str
) -> None:
    """Sent empty (a web form's field left blank): nothing was typed to be found wrong."""
    assert refused(mini, "email", typed, lang).startswith(said)


# --- choices ------------------------------------------------------------------


@pytest.mark.parametrize("code", ["industry", "services", "other"])
def test_a_single_choice_keeps_a_code_offered(mini: Flow, code: str) -> None:
    assert accepted(mini, "sector", code) == code


@pytest.mark.parametrize(("lang", "word"), [("fr", "proposées"), ("en", "offered")])
@pytest.mark.parametrize("value", ["farming", "Industrie", ["industry"], None])
def test_a_single_choice_refuses_anything_else(
    mini: Flow, lang: str, word: str, value: object
) -> None:
    assert word in refused(mini, "sector", value, lang)


def test_a_multiple_choice_keeps_codes_once_in_order(mini: Flow) -> None:
    assert accepted(mini, "markets", ["asia", "eu", "asia"]) == ["asia", "eu"]


@pytest.mark.parametrize(("lang", "shown"), [("fr", "«\u00a0Aucun\u00a0»"), ("en", "“None”")])
def test_an_exclusive_choice_cannot_be_combined(mini: Flow, lang: str, shown: str) -> None:
    assert shown in refused(mini, "markets", ["none", "eu"], lang)
    assert accepted(mini, "markets", ["none"], lang) == ["none"]


def test_a_multiple_choice_refuses_too_many_too_few_and_unknown(
    mini: Flow, branching: Flow
) -> None:
    assert "2" in refused(mini, "markets", ["eu", "asia", "americas"])
    refused(mini, "markets", [])
    refused(mini, "markets", ["eu", "mars"])
    refused(mini, "markets", "eu")
    assert "2" in refused(branching, "tools", ["saw"], "en")
    assert accepted(branching, "tools", ["saw", "glue"]) == ["saw", "glue"]


def test_a_ranking_needs_exactly_top_distinct_items(mini: Flow) -> None:
    assert accepted(mini, "obstacles", ["time", "cost"]) == ["time", "cost"]
    for value in (["time"], ["time", "time"], ["time", "cost", "skills"], ["time", "fun"], "time"):
        assert "2" in refused(mini, "obstacles", value)


@pytest.mark.parametrize("value", [1, 3, 5, "4", "dont_know"])
def test_a_scale_keeps_values_in_range_and_dont_know(mini: Flow, value: object) -> None:
    stored = accepted(mini, "importance", value)
    assert stored == (value if value == "dont_know" else int(value))  # type: ignore[call-overload]


@pytest.mark.parametrize(("lang", "shown"), [("fr", "de 1 à 5"), ("en", "from 1 to 5")])
@pytest.mark.parametrize("value", [0, 6, 7, "7", 2.5, True, "beaucoup"])
def test_a_scale_refuses_values_off_the_scale(
    mini: Flow, lang: str, shown: str, value: object
) -> None:
    assert shown in refused(mini, "importance", value, lang)


def test_dont_know_is_refused_where_not_offered(branching: Flow) -> None:
    refused(branching, "rating", "dont_know")
    assert accepted(branching, "rating", 0) == 0
    assert accepted(branching, "rating", 10) == 10


@pytest.mark.parametrize("code", ["yes", "no", "dont_know"])
def test_yes_no_keeps_its_codes(mini: Flow, code: str) -> None:
    assert accepted(mini, "exports", code) == code


def test_yes_no_without_dont_know_refuses_it(branching: Flow) -> None:
    refused(branching, "gate", "dont_know")
    refused(branching, "gate", True)


# --- reading typed choices ------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("oui", "yes"),
        ("Oui", "yes"),
        ("OUI ", "yes"),
        ("o", "yes"),
        ("yes", "yes"),
        ("y", "yes"),
        ("non", "no"),
        ("No", "no"),
        ("n", "no"),
        ("ne sait pas", "dont_know"),
        ("Don't know", "dont_know"),
        ("Don’t know", "dont_know"),
        ("nsp", "dont_know"),
        ("peut-être", None),
        ("ouais", None),
        ("", None),
    ],
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_reading_yes_no(mini: Flow, typed: str, code: str | None, lang: str) -> None:
    assert read_choice(mini, mini.step("exports"), typed, lang) == code


def test_dont_know_words_name_nothing_where_it_is_not_offered(branching: Flow) -> None:
    assert read_choice(branching, branching.step("gate"), "nsp", "fr") is None


@pytest.mark.parametrize(
    ("typed", "lang", "code"),
    [
        ("industrie", "fr", "industry"),
        ("INDUSTRIE", "fr", "industry"),
        ("Industry", "en", "industry"),
        ("industry", "fr", "industry"),
        ("services", "en", "services"),
        ("autre (precisez)", "fr", "other"),
        ("Other (please specify)", "en", "other"),
        ("agriculture", "fr", None),
    ],
)
def test_reading_a_choice_by_label_or_code(mini: Flow, typed: str, lang: str, code: str) -> None:
    assert read_choice(mini, mini.step("sector"), typed, lang) == code


def test_reading_a_scale_by_number(mini: Flow) -> None:
    step = mini.step("importance")
    assert read_choice(mini, step, " 4 ", "fr") == "4"
    assert read_choice(mini, step, "7", "fr") is None
    assert read_choice(mini, step, "Ne sait pas", "fr") == "dont_know"


# --- reading answers back -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (12000, "fr", f"12{NNBSP}000"),
        (12000, "en", "12,000"),
        (-12000, "fr", f"-12{NNBSP}000"),
        # Four digits stay together, as both typographies allow: a year reads 1987.
        (1987, "fr", "1987"),
        (1987, "en", "1987"),
        (9999.5, "fr", "9999,5"),
        (3.5, "fr", "3,5"),
        (3.5, "en", "3.5"),
        (1234567.25, "fr", f"1{NNBSP}234{NNBSP}567,25"),
        (12.0, "en", "12"),
        (-4, "fr", "-4"),
    ],
)
def test_format_number(value: float, lang: str, text: str) -> None:
    assert format_number(value, lang) == text


def step(flow: Flow, step_id: str) -> Step:
    return flow.step(step_id)


def test_a_year_reads_back_as_typed() -> None:
    bundled = flows.load_flow(flows.bundled_path("questionnaire.yaml"))
    year = bundled.step("year_founded")
    for lang in ("fr", "en"):
        assert display_value(bundled, year, 1987, None, lang) == "1987"
        said = refused(bundled, "year_founded", "1700", lang)
        assert "1800" in said


@pytest.mark.parametrize(
    ("step_id", "value", "other", "lang", "text"),
    [
        ("staff", 10000, None, "fr", f"10{NNBSP}000{NBSP}salariés"),
        ("staff", 10000, None, "en", f"10,000{NBSP}employees"),
        ("staff", 1200, None, "en", f"1200{NBSP}employees"),
        ("share", 3.5, None, "fr", "3,5"),
        ("sector", "industry", None, "fr", "Industrie"),
        ("sector", "industry", None, "en", "Industry"),
        ("sector", "other", "Agriculture", "en", "Agriculture"),
        ("sector", "other", None, "en", "Other (please specify)"),
        ("markets", ["eu", "asia"], None, "fr", "Europe · Asie"),
        ("markets", ["eu", "other"], "Mars", "en", "Europe · Mars"),
        ("exports", "yes", None, "fr", "Oui"),
        ("exports", "dont_know", None, "en", "Don’t know"),
        ("importance", 4, None, "fr", "4/5"),
        ("importance", "dont_know", None, "fr", "Je ne sais pas"),
        ("obstacles", ["time", "cost"], None, "fr", "1. Temps\u00a0; 2. Coût"),
        ("obstacles", ["time", "cost"], None, "en", "1. Time; 2. Cost"),
        ("company", "R&D <Lab>", None, "en", "R&D <Lab>"),
    ],
)
def test_display_value(
    mini: Flow, step_id: str, value: object, other: str | None, lang: str, text: str
) -> None:
    assert display_value(mini, step(mini, step_id), value, other, lang) == text  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ticks", "other", "lang", "said"),
    [
        (["eu", "asia"], None, "fr", "Europe et Asie"),
        (["eu", "asia"], None, "en", "Europe and Asia"),
        (["eu", "asia", "americas"], None, "en", "Europe, Asia and Americas"),
        (["eu"], None, "en", "Europe"),
        # A typed "other" with a comma would run into its neighbours: apart.
        (["eu", "asia", "other"], "Nigeria, Ghana", "en", "Europe · Asia · Nigeria, Ghana"),
        (["eu", "other"], "Nigeria, Ghana", "fr", "Europe · Nigeria, Ghana"),
    ],
)
def test_ticks_piped_into_a_sentence_are_joined_as_a_sentence_joins_them(
    ticks: list[str], other: str | None, lang: str, said: str
) -> None:
    # "About what share of your sales goes to Europe · Asia?" read as a list, not a sentence.
    flow = flows.load_flow(MINI)
    assert piped_value(flow, flow.step("markets"), ticks, other, lang) == said
    assert (
        display_value(flow, flow.step("markets"), ticks, other, lang).count(" · ") == len(ticks) - 1
    )  # read back in the summary, the ticks stay apart


def test_two_bundled_ticks_whose_labels_hold_commas_stay_apart_in_a_sentence() -> None:
    # "Nouveaux marchés, clients et Numérique, industrie 4.0" would read as four.
    flow = flows.load_flow(flows.bundled_path("questionnaire.yaml"))
    step = flow.step("innov_opportunities")
    said = piped_value(flow, step, ["new_markets", "digital"], None, "fr")
    assert said == display_value(flow, step, ["new_markets", "digital"], None, "fr")
    assert " · " in said and " et " not in said
