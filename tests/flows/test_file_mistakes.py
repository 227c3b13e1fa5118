"""An organiser's slips in a flow or stages file, said plainly, at the line of the slip.

Each was once said in the parser's or pydantic's words ("got 1" for `code: 01`,
"while scanning a simple key", "expected <block end>, but found '?'"), or at the
wrong line, or as a list of unrelated errors.
"""

from __future__ import annotations

from pathlib import Path

from flows import validate_file

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
