"""Slips an organiser makes editing a flow or stages file, said in their words, not pydantic's.

A key left empty (`code:`, `~`, `''`), a value of the wrong kind (`version: un`),
a list with nothing under it (`stages:`): each was once said as pydantic says it,
"input should be a valid string", "unknown step type 'None'".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import FlowFileError, load_stages
from tests.flows.test_organiser_slips import mini_with, refused

STEP_TYPES = (
    "info, text, long_text, number, single_choice, multiple_choice, scale, yes_no, email, "
    "ranking, code"
)
CHOICE_CODE = "'code' is empty: give it a value (lowercase letters, digits and '_')"
ID = "'id' is empty: give it a value (lowercase letters, digits and '_', starting with a letter)"
TEXT = "(or a language in it) is empty: write a text, or one per language (fr: …, en: …)"


@pytest.mark.parametrize(
    ("old", "new", "line", "where", "message"),
    [
        ("{code: cost,", "{code: ,", 72, "question 'obstacles'", CHOICE_CODE),
        ("{code: cost,", "{code: ~,", 72, "question 'obstacles'", CHOICE_CODE),
        ("{code: cost,", "{code: '',", 72, "question 'obstacles'", CHOICE_CODE),
        ("      - id: ideas", "      - id:", 75, "section 'views'", ID),
        ("id: mini", "id:", 2, None, ID),
        (
            "        type: long_text",
            "        type:",
            76,
            "question 'ideas'",
            f"'type' is empty: give one of {STEP_TYPES}",
        ),
        (
            "        required: false",
            "        required:",
            56,
            "question 'share'",
            "'required' is empty: give true or false",
        ),
        (
            "        other: true",
            "        other: oui",
            28,
            "question 'sector'",
            "'other' should be true or false, got 'oui'",
        ),
        ("version: 1", "version: ~", 3, None, "'version' is empty: give a whole number"),
        ("version: 1", "version: un", 3, None, "'version' should be a whole number, got 'un'"),
        ("version: 1", "version: 1.5", 3, None, "'version' should be a whole number, got 1.5"),
        (
            "        min: 1\n",
            "        min: un\n",
            22,
            "question 'staff'",
            "'min' should be a number, got 'un'",
        ),
        (
            "show_if: {question: importance, min: 4}",
            "show_if: {question: , min: 4}",
            82,
            "question 'email'",
            "'question' is empty: give it a value (the id of an earlier question)",
        ),
        (
            "{code: cost,",
            "{code: [cost],",
            72,
            "question 'obstacles'",
            "'code' should be a text, got a list",
        ),
        ("title: {fr: Mini, en: Mini}", "title:", 4, None, f"'title' {TEXT}"),
        (
            '{fr: "Idées ?", en: "Ideas?"}',
            '{fr: , en: "Ideas?"}',
            77,
            "question 'ideas'",
            f"'text' {TEXT}",
        ),
        (
            "languages: [fr, en]",
            "languages: [fr, ~]",
            5,
            None,
            "an empty item in 'languages': remove it, or write the language in its place",
        ),
        (
            "          - {code: cost,",
            "          -\n          - {code: cost,",
            72,
            "question 'obstacles'",
            "an empty item in 'choices': remove it, or write the choice in its place",
        ),
        (
            "          - {code: cost,",
            "          - cost\n          - {code: cost,",
            72,
            "question 'obstacles'",
            "each choice in 'choices' should be keys and values (key: value), got 'cost'",
        ),
        (
            "sections:\n",
            "audience: all\nsections:\n",
            8,
            None,
            "'audience' should be keys and values under it (key: value), got 'all'",
        ),
    ],
    ids=[
        "code-nothing",
        "code-tilde",
        "code-quotes",
        "step-id",
        "flow-id",
        "type",
        "required",
        "other-word",
        "version-empty",
        "version-word",
        "version-fraction",
        "min-word",
        "question",
        "code-list",
        "title",
        "text-fr",
        "language-item",
        "choice-item",
        "choice-text",
        "audience-text",
    ],
)
def test_an_empty_or_mistyped_value_is_said_plainly(
    tmp_path: Path, old: str, new: str, line: int, where: str | None, message: str
) -> None:
    path = mini_with(tmp_path, old, new)

    assert refused(path) == [(line, message, where)]


def test_steps_with_nothing_under_them_are_told_so(tmp_path: Path) -> None:
    path = mini_with(
        tmp_path,
        "    steps:\n      - id: exports\n",
        "    steps:\n\n  - id: trade_more\n    title: {fr: Plus, en: More}\n    steps:\n      - id: exports\n",
    )

    assert refused(path) == [
        (
            34,
            "'steps:' has no step under it: write each step on a line of its own, under it, "
            "starting with '- '",
            "section 'trade'",
        )
    ]


def stages_refused(tmp_path: Path, text: str) -> list[tuple[int | None, str]]:
    path = tmp_path / "stages.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FlowFileError) as raised:
        load_stages(path)
    return [(p.line, p.message) for p in raised.value.problems]


STAGE_CODE = "'code' is empty: give it a value (letters, digits, '-' or '_')"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("stages:\n  - code:\n    city: Orléans\n", [(2, STAGE_CODE)]),
        ("stages:\n  - code: ~\n    city: Orléans\n", [(2, STAGE_CODE)]),
        (
            "stages:\n",
            [
                (
                    1,
                    "'stages:' has no stage under it: write each stage on a line of its own, "
                    "under it, starting with '- '",
                )
            ],
        ),
        (
            "stages: orleans\n",
            [
                (
                    1,
                    "'stages' should be a list, each stage on a line starting with '- ', "
                    "got 'orleans'",
                )
            ],
        ),
        (
            "stages:\n  -\n  - code: a\n    city: Orléans\n",
            [(2, "an empty item in 'stages': remove it, or write the stage in its place")],
        ),
        (
            "stages:\n  - code: a\n    city: Orléans\n    example:\n",
            [(4, "'example' is empty: give true or false")],
        ),
        (
            "stages:\n  - code: a\n    city: Orléans\n    example: oui\n",
            [(4, "'example' should be true or false, got 'oui'")],
        ),
        (
            "called:\n  fr: {one: salon, many: salons, gender: }\n"
            "  en: {one: fair, many: fairs}\nstages:\n  - code: a\n    city: Orléans\n",
            [(2, "called fr: 'gender' is empty: give 'm' or 'f'")],
        ),
    ],
    ids=[
        "code",
        "code-tilde",
        "stages",
        "stages-text",
        "stage-item",
        "example",
        "example-word",
        "gender",
    ],
)
def test_a_stages_file_slip_is_said_plainly(
    tmp_path: Path, text: str, expected: list[tuple[int, str]]
) -> None:
    assert stages_refused(tmp_path, text) == expected


# --- the flow's languages -------------------------------------------------------------


@pytest.mark.parametrize(
    ("languages", "message"),
    [
        (  # a slip for [fr, en]: one line, not one per English text
            "[fr, fr]",
            "'fr' is given twice in languages: list each one once "
            "(the title is in fr and en: languages: [fr, en]?)",
        ),
        ("[fr, en, fr]", "'fr' is given twice in languages: list each one once"),
    ],
)
def test_a_language_given_twice_is_one_line(tmp_path: Path, languages: str, message: str) -> None:
    path = mini_with(tmp_path, "languages: [fr, en]", f"languages: {languages}")

    assert refused(path) == [(5, message, None)]
