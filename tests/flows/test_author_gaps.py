"""Slips a flow author made that `surveybot validate` once let through, or said only
after another problem was fixed, or said in words that did not help fix them."""

from __future__ import annotations

from pathlib import Path

from flows import validate_file

MINI = Path(__file__).parent / "fixtures" / "mini.yaml"


def report(tmp_path: Path, text: str) -> list[str]:
    """What `surveybot validate` says of a file, each line without the file's name."""
    path = tmp_path / "flow.yaml"
    path.write_text(text, encoding="utf-8")
    return [str(problem).removeprefix(f"{path}:") for problem in validate_file(path)]


def mini(*changes: tuple[str, str]) -> str:
    text = MINI.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


# --- a multiple choice asking for more than can be ticked ---------------------------


def test_min_selected_above_the_choices_ticked_together_is_refused_at_its_line(
    tmp_path: Path,
) -> None:
    # eu, asia, americas and Other can be ticked together; 'none' stands alone.
    text = mini(("max_selected: 2", "min_selected: 7"))
    assert report(tmp_path, text) == [
        "43: question 'markets': min_selected (7) is more than the 4 answers that can be "
        "ticked together (3 choices and 'Other'; the exclusive 'none' is ticked alone): "
        "only 'none' could answer it; lower min_selected to 4 at most, or add choices",
    ]


def test_min_selected_above_the_choices_without_exclusive_ones_is_refused(
    tmp_path: Path,
) -> None:
    text = mini(
        ("max_selected: 2", "min_selected: 6"),
        (", exclusive: true}", "}"),
    )
    assert report(tmp_path, text) == [
        "43: question 'markets': min_selected (6) is more than the 5 answers that can be "
        "ticked together (4 choices and 'Other'): nobody could answer it; lower "
        "min_selected to 5 at most, or add choices",
    ]


def test_min_selected_reaching_every_choice_that_can_be_ticked_is_accepted(
    tmp_path: Path,
) -> None:
    text = mini(("max_selected: 2", "min_selected: 4"))
    assert report(tmp_path, text) == []


def test_min_selected_above_the_choices_is_said_with_min_above_max(tmp_path: Path) -> None:
    # The question is set aside for min above max: the count is read from the file.
    text = mini(("max_selected: 2", "max_selected: 2\n        min_selected: 5"))
    assert report(tmp_path, text) == [
        "39: question 'markets': min_selected (5) is greater than max_selected (2)",
        "44: question 'markets': min_selected (5) is more than the 4 answers that can be "
        "ticked together (3 choices and 'Other'; the exclusive 'none' is ticked alone): "
        "only 'none' could answer it; lower min_selected to 4 at most, or add choices",
    ]


# --- problems once hidden behind another --------------------------------------------


def test_a_condition_on_a_later_question_set_aside_is_said_in_the_same_pass(
    tmp_path: Path,
) -> None:
    text = mini(
        (
            "        other: true\n        choices:\n          - {code: industry,",
            "        other: true\n        show_if: {question: importance, min: 3}\n"
            "        choices:\n          - {code: industry,",
        ),
        ("        type: scale\n", "        type: scale\n        min: 5\n"),
    )
    assert report(tmp_path, text) == [
        "29: question 'sector': condition uses 'importance', which is not asked before this point",
        "64: question 'importance': 'min': input should be less than or equal to 1 (got 5)",
    ]


def test_a_condition_on_an_earlier_question_set_aside_is_not_said(tmp_path: Path) -> None:
    text = mini(("        type: scale\n", "        type: scale\n        min: 5\n"))
    assert report(tmp_path, text) == [
        "63: question 'importance': 'min': input should be less than or equal to 1 (got 5)",
    ]


def test_a_pipe_of_a_later_question_set_aside_is_said_in_the_same_pass(tmp_path: Path) -> None:
    text = mini(
        (
            'text: {fr: "Nom ?", en: "Name?"}',
            'text: {fr: "Nom ({ideas}) ?", en: "Name ({ideas})?"}',
        ),
        ("        type: long_text\n", "        type: long_text\n        max_length: 0\n"),
    )
    assert report(tmp_path, text) == [
        "17: question 'company': piped name '{ideas}' is not an earlier question: "
        "it is asked at this point or later",
        "77: question 'ideas': 'max_length': input should be greater than or equal to 1 (got 0)",
    ]


def test_a_duplicate_choice_code_is_said_beside_min_above_max(tmp_path: Path) -> None:
    text = mini(
        ("max_selected: 2", "max_selected: 2\n        min_selected: 3"),
        (
            "          - {code: americas,",
            "          - {code: asia, label: {fr: Asie du Sud, "
            "en: South Asia}}\n          - {code: americas,",
        ),
    )
    assert report(tmp_path, text) == [
        "39: question 'markets': min_selected (3) is greater than max_selected (2)",
        "49: question 'markets': duplicate choice code 'asia'",
    ]


def test_a_duplicate_choice_code_of_a_question_that_loads_is_said_once(tmp_path: Path) -> None:
    text = mini(("{code: services,", "{code: industry,"))
    assert report(tmp_path, text) == ["31: question 'sector': duplicate choice code 'industry'"]


def test_a_condition_between_two_questions_set_aside_is_said_by_their_order(
    tmp_path: Path,
) -> None:
    text = mini(
        (
            "        other: true\n        choices:\n          - {code: industry,",
            "        other: true\n        columns: 9\n        show_if: {question: importance, min: 3}\n"
            "        choices:\n          - {code: industry,",
        ),
        ("        type: scale\n", "        type: scale\n        min: 5\n"),
    )
    assert report(tmp_path, text) == [
        "29: question 'sector': 'columns': input should be less than or equal to 4 (got 9)",
        "30: question 'sector': condition uses 'importance', which is not asked before this point",
        "65: question 'importance': 'min': input should be less than or equal to 1 (got 5)",
    ]


# --- a scale's points written as text -------------------------------------------


def test_quoted_points_of_a_scale_are_said_once_in_the_order_written(tmp_path: Path) -> None:
    text = mini(("{question: importance, min: 4}", '{question: importance, in: ["5", "4", 3]}'))
    assert report(tmp_path, text) == [
        "82: question 'email': the points of the 1–5 scale of 'importance' are numbers: "
        'write "5", "4" without quotes (in: [5, 4, 3])',
    ]


def test_a_quoted_point_in_equals_is_said_with_its_fix(tmp_path: Path) -> None:
    text = mini(("{question: importance, min: 4}", '{question: importance, equals: "4"}'))
    assert report(tmp_path, text) == [
        "82: question 'email': the points of the 1–5 scale of 'importance' are numbers: "
        'write "4" without quotes (equals: 4)',
    ]


def test_values_off_a_scale_are_said_once_in_the_order_written(tmp_path: Path) -> None:
    text = mini(("{question: importance, min: 4}", '{question: importance, in: [10, "9", 0, 2]}'))
    assert report(tmp_path, text) == [
        "82: question 'email': '10', '9' and '0' are not on the 1–5 scale of 'importance'",
    ]


def test_points_of_a_scale_and_dont_know_are_accepted(tmp_path: Path) -> None:
    text = mini(("{question: importance, min: 4}", "{question: importance, in: [4, 5, dont_know]}"))
    assert report(tmp_path, text) == []


# --- a label too long in more than one language ----------------------------------


def test_a_button_label_too_long_in_two_languages_is_warned_for_each(tmp_path: Path) -> None:
    text = mini(
        (
            "label: {fr: Services, en: Services}",
            'label: {fr: "Services aux entreprises et aux collectivités", '
            'en: "Services to businesses and to local authorities"}',
        )
    )
    assert report(tmp_path, text) == [
        "31: warning: question 'sector': (en) button label of 47 characters: a phone shows "
        "about 40 on a button and cuts the rest; shorten it",
        "31: warning: question 'sector': (fr) button label of 45 characters: a phone shows "
        "about 40 on a button and cuts the rest; shorten it",
    ]


# --- a language key in capitals ------------------------------------------------------


def test_a_language_key_in_capitals_is_named_with_its_fix_at_its_line(tmp_path: Path) -> None:
    text = mini(
        ('text: {fr: "Nom ?", en: "Name?"}', 'text:\n          fr: "Nom ?"\n          EN: "Name?"'),
        ("title: {fr: Mini, en: Mini}", "title: {fr: Mini, En: Mini, eng: Mini}"),
    )
    assert report(tmp_path, text) == [
        "4: 'En' is not a language code: write it in lower case (en)",
        "4: 'eng' is not a language code: write a two-letter lowercase code, like fr or en",
        "19: question 'company': 'EN' is not a language code: write it in lower case (en)",
    ]


def test_a_text_neither_text_nor_mapping_is_still_said_so(tmp_path: Path) -> None:
    text = mini(('text: {fr: "Nom ?", en: "Name?"}', "text: [Nom, Name]"))
    assert report(tmp_path, text) == [
        "17: question 'company': 'text' must be a text, or a mapping of language code to text "
        "(fr: …, en: …)",
    ]


# --- an audience code that links would misread ---------------------------------------


def test_an_audience_code_holding_a_double_underscore_is_refused_at_its_line(
    tmp_path: Path,
) -> None:
    # Links are WORKSHOP__AUDIENCE, split at the last "__": "pithiviers__acteurs__locaux"
    # would be the audience "locaux" of a workshop "pithiviers__acteurs".
    text = (Path(__file__).parents[2] / "flows" / "data" / "acteurs.yaml").read_text("utf-8")
    text = text.replace("  code: territoire\n", "  code: acteurs__locaux\n", 1)
    line = text.splitlines().index("  code: acteurs__locaux") + 1
    assert report(tmp_path, text) == [
        f"{line}: audience code 'acteurs__locaux' holds '__', which joins a workshop's code "
        "and an audience's in links (pithiviers__entreprise): use single underscores",
    ]
    ok = text.replace("acteurs__locaux", "acteurs_locaux")
    assert report(tmp_path, ok) == []
