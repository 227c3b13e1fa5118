"""Slips an organiser makes editing a copy of the bundled files by hand, said plainly.

Each of these once passed `surveybot validate` silently (a question that could
never be shown) or was said in the parser's words, at the wrong place.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from flows import FlowFileError, load_flow, load_stages, validate_file
from tests.conftest import MINI

EMAIL_CONDITION = "show_if: {question: importance, min: 4}"


def mini_with(tmp_path: Path, old: str, new: str, name: str = "flow.yaml") -> Path:
    """The mini flow with `old` replaced by `new`, written to `tmp_path`."""
    text = MINI.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def refused(path: Path) -> list[tuple[int | None, str, str | None]]:
    """What `load_flow` (every command that runs the flow) refuses `path` with."""
    with pytest.raises(FlowFileError) as raised:
        load_flow(path)
    return [(p.line, p.message, p.where) for p in raised.value.problems]


# --- a condition no answer can meet -----------------------------------------------


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        (
            "{question: importance, min: 4, max: 2}",
            "min 4 and max 2 leave no answer between them, so this condition is never true",
        ),
        (
            "{question: importance, min: 9}",  # a 1-5 scale
            "no answer to 'importance' reaches min 9: its highest is 5, "
            "so this condition is never true",
        ),
        (
            "{question: importance, max: 0}",
            "no answer to 'importance' is as low as max 0: its lowest is 1, "
            "so this condition is never true",
        ),
        (
            "{question: staff, min: 20000}",  # a number from 1 to 10000
            "no answer to 'staff' reaches min 20000: its highest is 10000, "
            "so this condition is never true",
        ),
        (
            "{question: staff, min: 4.5, max: 4.7}",  # whole numbers only
            "min 4.5 and max 4.7 leave no answer between them, so this condition is never true",
        ),
        ("{question: sector, in: []}", "'in' lists no code, so this condition is never true"),
    ],
)
def test_a_condition_no_answer_can_meet_is_refused_at_its_line(
    tmp_path: Path, condition: str, message: str
) -> None:
    path = mini_with(tmp_path, EMAIL_CONDITION, f"show_if: {condition}")

    assert refused(path) == [(82, message, "question 'email'")]


@pytest.mark.parametrize(
    ("bound", "got"),
    [(".inf", "inf"), ("-.inf", "-inf"), ("1e400", "'1e400'"), (".nan", "nan")],
)
def test_a_bound_that_is_no_number_is_refused_not_a_crash(
    tmp_path: Path, bound: str, got: str
) -> None:
    """YAML reads `.inf`, `.nan` (and `1e400`, past any float) as floats: rounding them for
    a whole-number question raised OverflowError, a traceback at every start."""
    path = mini_with(tmp_path, EMAIL_CONDITION, f"show_if: {{question: staff, min: {bound}}}")

    message = f"'min': input should be a finite number (got {got})"
    assert refused(path) == [(82, message, "question 'email'")]


@pytest.mark.parametrize(
    "condition",
    [
        "{question: importance, min: 5}",
        "{question: importance, max: 1}",
        "{question: staff, max: 1}",
        "{question: share, min: 4.5, max: 4.7}",  # a decimal number: 4.6 meets it
        "{question: share, min: -10, max: 0}",
    ],
)
def test_a_condition_some_answer_meets_still_passes(tmp_path: Path, condition: str) -> None:
    path = mini_with(tmp_path, EMAIL_CONDITION, f"show_if: {condition}")

    assert load_flow(path).step("email").show_if is not None


def test_validate_says_a_condition_never_true_with_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = mini_with(tmp_path, EMAIL_CONDITION, "show_if: {question: importance, min: 6}")

    result = CliRunner().invoke(main, ["validate", path.name])

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "flow.yaml:82: question 'email': no answer to 'importance' reaches min 6: "
        "its highest is 5, so this condition is never true"
    ]


# --- what the parser reads otherwise than it looks --------------------------------

NO_BREAK_MESSAGE = "where YAML needs an ordinary space: delete it and type a plain space"


@pytest.mark.parametrize(
    ("old", "new", "line", "said"),
    [
        (  # pasted from a French text, whose spaces before ':' and '?' are no-break
            "      - id: ideas\n        type: long_text",
            "      - id: ideas\n\u00a0       type: long_text",
            76,
            "indents this line",
        ),
        ("        type: long_text", "        type:\u00a0long_text", 76, "follows 'type:'"),
        ("      - id: ideas", "      -\u202fid: ideas", 75, "follows the '-' of this list item"),
    ],
    ids=["indentation", "after-colon", "after-dash"],
)
def test_a_no_break_space_where_yaml_needs_a_space_is_named(
    tmp_path: Path, old: str, new: str, line: int, said: str
) -> None:
    path = mini_with(tmp_path, old, new)

    assert refused(path) == [
        (line, f"invalid YAML: a no-break space {said}, {NO_BREAK_MESSAGE}", None)
    ]


def test_a_no_break_space_inside_a_text_is_no_slip(tmp_path: Path) -> None:
    path = mini_with(
        tmp_path, '{fr: "Idées ?", en: "Ideas?"}', '{fr: "Idées\u00a0?", en: "Ideas?"}'
    )

    assert load_flow(path).step("ideas").text == {"fr": "Idées\u00a0?", "en": "Ideas?"}


def test_a_second_document_pasted_after_the_first_is_named(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8")
    path = tmp_path / "flow.yaml"
    path.write_text(text + "---\n" + text, encoding="utf-8")
    line = text.count("\n") + 1

    assert refused(path) == [
        (
            line,
            "invalid YAML: '---' starts a second document here, and a flow or stages file "
            "holds one: remove this line (and what follows it, if it was pasted from another "
            "file)",
            None,
        )
    ]


# --- how the file was saved -------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_file_saved_as_utf16_is_said_so_not_called_binary(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "flow.yaml"
    text = MINI.read_text(encoding="utf-8")
    data = text.encode(encoding)
    path.write_bytes(data if encoding == "utf-16" else b"\xfe\xff" + data)

    assert refused(path) == [
        (
            1,
            'saved as UTF-16 text ("Unicode" in Notepad), not UTF-8: save the flow or stages '
            "file again, choosing the encoding UTF-8",
            None,
        )
    ]


CP1252_MESSAGE = "save the flow or stages file again, choosing the encoding UTF-8"


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_a_file_saved_as_windows_1252_is_said_so_not_called_binary(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "flow.yaml"
    path.write_bytes(MINI.read_text(encoding="utf-8").encode(encoding))

    assert refused(path) == [  # line 7: "Merci {company|à vous} !", the first accent
        (
            7,
            "saved as Windows-1252 (Latin-1) text, not UTF-8 (as the 'à' on this line shows): "
            + CP1252_MESSAGE,
            None,
        )
    ]


def test_a_stages_file_saved_as_windows_1252_is_said_so(tmp_path: Path) -> None:
    path = tmp_path / "stages.yaml"
    path.write_text("stages:\n  - code: a\n    city: Orléans – centre\n", encoding="cp1252")

    with pytest.raises(FlowFileError) as raised:
        load_stages(path)

    assert [(p.line, p.message) for p in raised.value.problems] == [
        (
            3,
            "saved as Windows-1252 (Latin-1) text, not UTF-8 (as the 'é' on this line shows): "
            + CP1252_MESSAGE,
        )
    ]


def test_a_line_pasted_in_windows_1252_into_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "flow.yaml"
    text = MINI.read_text(encoding="utf-8").encode("utf-8")
    path.write_bytes(text.replace(b"title: {fr: Avis,", b"title: {fr: Avis \xe9crits,"))

    assert refused(path) == [
        (
            59,
            "the 'é' on this line is Windows-1252 (Latin-1) text, though the rest of the file "
            "is UTF-8: it was likely pasted from another text; type this line's accented "
            "letters again, and save the file as UTF-8",
            None,
        )
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        b"PK\x03\x04\x14\x00\x08\x00\x08\x00\xe9\xb1",  # a zip
        "éàü€".encode("cp1252") * 100,  # no control byte, but not text either
    ],
    ids=["png", "zip", "high-bytes"],
)
def test_a_binary_file_is_still_called_binary(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "flow.yaml"
    path.write_bytes(data)

    [(_, message, _)] = refused(path)

    assert message.endswith("is it a binary file? Save the flow or stages file as UTF-8 text")


@pytest.mark.parametrize("ends", ["\r\n", "\r"])
def test_windows_line_ends_and_a_utf8_bom_read_as_the_file(tmp_path: Path, ends: str) -> None:
    path = tmp_path / "flow.yaml"
    text = MINI.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", ends).encode("utf-8"))

    assert load_flow(path) == load_flow(MINI)


# --- a stages file --------------------------------------------------------------------


def test_a_list_of_stages_without_its_stages_line_is_told_so(tmp_path: Path) -> None:
    path = tmp_path / "stages.yaml"
    path.write_text(
        "- code: pithiviers\n  city: Pithiviers\n- code: cluses\n  city: Cluses\n",
        encoding="utf-8",
    )

    with pytest.raises(FlowFileError) as raised:
        load_stages(path)

    assert [(p.line, p.message) for p in raised.value.problems] == [
        (
            1,
            "this is a list of stages without the `stages:` line above it: write `stages:` "
            "on the first line, and the list under it",
        )
    ]


def test_another_list_is_still_said_to_need_keys(tmp_path: Path) -> None:
    path = tmp_path / "flow.yaml"
    path.write_text("- id: mini\n- version: 1\n", encoding="utf-8")

    assert [(p.line, p.message) for p in validate_file(path)] == [
        (1, "the file must hold a YAML mapping of keys")
    ]
