"""An organiser's slips in a flow or stages file, said plainly, at the line of the slip.

Each was once said in the parser's or pydantic's words ("got 1" for `code: 01`,
"while scanning a simple key", "expected <block end>, but found '?'"), or at the
wrong line, or as a list of unrelated errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import FlowFileError, load_flow, load_stages, validate_file

MINI = Path(__file__).parent / "fixtures" / "mini.yaml"
STAGES = "stages:\n  - code: pithiviers\n    city: Pithiviers\n"


def said(tmp_path: Path, text: str, name: str = "file.yaml") -> list[tuple[int | None, str]]:
    """What `surveybot validate` says of a file: each problem's line and message."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return [(problem.line, problem.message) for problem in validate_file(path)]


# --- a number where a text is wanted ------------------------------------------------


def test_an_unquoted_stage_code_is_said_as_written_with_its_quotes(tmp_path: Path) -> None:
    text = "stages:\n  - code: 45500\n    city: Gien\n  - code: 01\n    city: Bourg\n"

    assert said(tmp_path, text) == [
        (2, "code: 45500 is read as a number: write it in quotes, code: '45500'"),
        (4, "code: 01 is read as the number 1: write it in quotes, code: '01'"),
    ]


def test_an_unquoted_choice_code_or_label_is_said_as_written(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8")
    text = text.replace("{code: industry,", "{code: 01,")
    text = text.replace("label: {fr: Services, en: Services}", "label: 2019")

    assert said(tmp_path, text) == [
        (30, "code: 01 is read as the number 1: write it in quotes, code: '01'"),
        (31, "label: 2019 is read as a number: write it in quotes, label: '2019'"),
    ]


def test_a_number_where_a_number_may_stand_is_not_told_to_be_quoted(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8").replace("max: 10000", "max: 1e400")

    assert all("quotes" not in message for _, message in said(tmp_path, text))


# --- the parser's words -------------------------------------------------------------


def test_a_key_without_its_colon_is_said_at_its_own_line_with_its_own_words(
    tmp_path: Path,
) -> None:
    text = "stages:\n  - code: a\n    city Montargis\n    region: Centre\n"

    assert said(tmp_path, text) == [
        (3, "invalid YAML: a key needs ':' after it, as in `city: Montargis`")
    ]


def test_a_text_carried_on_at_its_keys_indentation_is_said_as_such(tmp_path: Path) -> None:
    """The parser reads a long text wrapped onto a line indented as its key as a key
    without ':'; an organiser wrapping a French sentence needs the other fix too."""
    text = MINI.read_text(encoding="utf-8").replace(
        'text: {fr: "Nom ?", en: "Name?"}',
        "text:\n          fr: Quel est le nom\n          de votre entreprise ?\n"
        "          en: Name?",
    )
    assert "de votre entreprise" in text
    line = text.splitlines().index("          de votre entreprise ?") + 1

    assert said(tmp_path, text) == [
        (
            line,
            "invalid YAML: a key needs ':' after it, as in `de: votre entreprise ?`; or, if "
            "this line carries on the text above, indent it further than 'fr:', or put the "
            "whole text in quotes",
        )
    ]


@pytest.mark.parametrize("indent", ["   ", "  "], ids=["one-space-short", "list-level"])
def test_a_line_indented_wrongly_is_said_without_the_parsers_tokens(
    tmp_path: Path, indent: str
) -> None:
    """PyYAML said "expected <block end>, but found '?'": there is no '?' in the file."""
    text = f"stages:\n  - code: a\n    city: Montargis\n{indent}region: Centre\n"

    assert said(tmp_path, text) == [
        (
            4,
            "invalid YAML: the indentation of this line does not match the lines above it: "
            "give it the same number of spaces as the other keys of its block",
        )
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("\t", "a tab at column 1 of a blank line: remove it"),
        ("  \t# note", "a tab at column 3, before a comment: use spaces, not tabs"),
        ("\tregion: Centre", "a tab at column 1 indents this line: indent with spaces, not tabs"),
        (
            "    region:\tCentre",
            "a tab at column 12, after 'region:': put a space after ':', not a tab",
        ),
        ("    region: Centre\t# note", "a tab at column 19: replace it with a space"),
    ],
    ids=["blank-line", "before-a-comment", "indenting", "after-a-colon", "before-a-comment-after"],
)
def test_a_tab_is_said_with_its_column_and_what_it_is_doing_there(
    tmp_path: Path, line: str, message: str
) -> None:
    text = f"stages:\n  - code: a\n    city: Montargis\n{line}\n"

    assert said(tmp_path, text) == [(4, f"invalid YAML: {message}")]


# --- wording ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("\n  \n", "the file is empty"),
        ("# stages to come\n", "the file is empty (it holds only comments)"),
    ],
)
def test_an_empty_file_is_called_empty(tmp_path: Path, text: str, message: str) -> None:
    assert said(tmp_path, text) == [(1, message)]


def test_a_key_of_another_kind_of_question_takes_a_or_an(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8").replace(
        "        max_length: 20\n",
        "        max_length: 20\n      - {id: mail, type: email, text: Mail, min: 1}\n",
    )

    assert said(tmp_path, text) == [
        (19, "'min' does not apply to an email question, only to: number, scale"),
        # The question set aside for its key still has its text checked.
        (19, "missing translation (en): write it as a mapping fr: …, en: …"),
    ]


# --- a file of the other kind -------------------------------------------------------


@pytest.mark.parametrize("key", ["stage", "Stages", "stges"])
def test_a_misspelt_stages_key_is_one_slip_and_the_stages_are_still_checked(
    tmp_path: Path, key: str
) -> None:
    text = (
        "called:\n  fr: {one: salon, many: salons, gender: m}\n"
        "  en: {one: open day, many: open days}\n"
        f"{key}:\n  - code: a b\n    city: Gien\n"
    )

    assert said(tmp_path, text) == [
        (4, f"`{key}:` should be `stages:`"),
        (
            5,
            "code 'a b' must be letters, digits, '_' and '-' only (no spaces, no accents), "
            "at most 64 characters: a space is not allowed",
        ),
    ]
    with pytest.raises(FlowFileError) as caught:
        load_stages(tmp_path / "file.yaml")
    assert caught.value.problems[0].message == f"`{key}:` should be `stages:`"


def test_a_flow_file_given_as_the_stages_is_said_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(FlowFileError) as caught:
        load_stages(MINI)

    assert [(p.line, p.message) for p in caught.value.problems] == [
        (1, "this looks like a flow file, not a stages file: a stages file holds a `stages:` list")
    ]


@pytest.mark.parametrize("text", [STAGES, STAGES.replace("stages:", "stage:")])
def test_a_stages_file_given_as_the_flow_is_said_in_one_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "stages.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(FlowFileError) as caught:
        load_flow(path)

    assert [(p.line, p.message) for p in caught.value.problems] == [
        (
            1,
            "this looks like a stages file, not a flow file: a flow file holds `id:`, "
            "`version:`, `title:` and `sections:`",
        )
    ]


def test_a_stages_file_begun_with_its_called_block_is_checked_as_one(tmp_path: Path) -> None:
    text = (
        "called:\n  fr: {one: salon, many: salons, gender: m}\n"
        "  en: {one: trade fair, many: trade fairs}\n"
    )

    assert said(tmp_path, text) == [(1, "missing required key 'stages'")]


def test_validate_still_reads_a_flow_with_problems_as_a_flow(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8").replace("id: mini\n", "")

    assert said(tmp_path, text) == [(2, "missing required key 'id'")]


def test_a_key_of_the_other_kind_of_file_is_said_to_belong_there(tmp_path: Path) -> None:
    """ "unknown key 'stages'; did you mean 'steps'?" sent the organiser the wrong way."""
    flow = MINI.read_text(encoding="utf-8") + STAGES
    line = flow.count("\n", 0, flow.index("stages:")) + 1

    assert said(tmp_path, flow) == [(line, "'stages' belongs in a stages file, not here")]
    assert said(tmp_path, "title: Tour\n" + STAGES) == [
        (1, "'title' belongs in a flow file, not here")
    ]
