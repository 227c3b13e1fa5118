"""Flow and stages files that cannot hurt: aliases, loops, huge, deep, binary, not files.

Each file here once hung the loader, or ended in a traceback. Each must now give
located problems, promptly. The time bounds are safety bounds, not benchmarks:
the alias bomb below, expanded, is 387 million strings.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows import FlowFileError, Problem, load_flow, load_stages, validate_file, yamlfile
from tests.conftest import MINI

LEVELS = "abcdefghi"


def alias_bomb(indent: str = "") -> str:
    """Nine levels of nine aliases each: 9**9 strings once expanded."""
    lols = ", ".join(['"lol"'] * 9)
    lines = [f"{indent}{LEVELS[0]}: &{LEVELS[0]} [{lols}]"]
    for previous, level in itertools.pairwise(LEVELS):
        items = ", ".join([f"*{previous}"] * 9)
        lines.append(f"{indent}{level}: &{level} [{items}]")
    return "\n".join(lines) + "\n"


def stages_bomb() -> str:
    return alias_bomb() + "stages:\n  - code: pithiviers\n    city: Pithiviers\n    region: *i\n"


def flow_bomb() -> str:
    flow = MINI.read_text(encoding="utf-8")
    # The first question's text becomes the bomb.
    flow = flow.replace("text: {fr: Bienvenue, en: Welcome}", "text: *i", 1)
    return flow.replace("sections:\n", "x-defaults:\n" + alias_bomb("  ") + "sections:\n", 1)


def write(tmp_path: Path, text: str, name: str = "file.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def timed(load: Callable[[Path], object], path: Path) -> tuple[list[Problem], float]:
    """The problems `load` raises for `path`, and how long it took."""
    start = time.perf_counter()
    with pytest.raises(FlowFileError) as caught:
        load(path)
    return caught.value.problems, time.perf_counter() - start


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


# --- anchors and aliases --------------------------------------------------------


def test_the_alias_bomb_in_a_stages_file_is_refused_at_once(tmp_path: Path) -> None:
    text = stages_bomb()
    assert len(text.encode()) < 1000
    path = write(tmp_path, text, "stages.yaml")

    problems, seconds = timed(load_stages, path)

    assert seconds < 1
    assert validate_file(path) == problems
    # Every anchor and alias is named once, at its line; the one in a stage says which.
    assert len(problems) == 2 * len(LEVELS) - 1 + 1
    assert problems[-1] == Problem(
        str(path),
        line_of(text, "region: *i"),
        "YAML alias '*i' is not accepted: write the value out here",
        "stage 'pithiviers'",
    )
    assert (
        Problem(
            str(path),
            1,
            "YAML anchor '&a' is not accepted: remove it, and write the value out wherever it is used",
        )
        in problems
    )


def test_the_alias_bomb_in_a_flow_file_is_refused_at_once(tmp_path: Path) -> None:
    text = flow_bomb()
    path = write(tmp_path, text, "flow.yaml")

    problems, seconds = timed(load_flow, path)

    assert seconds < 1
    in_question = [problem for problem in problems if problem.where]
    assert [(p.line, p.where, p.message) for p in in_question] == [
        (
            line_of(text, "text: *i"),
            "question 'welcome'",
            "YAML alias '*i' is not accepted: write the value out here",
        )
    ]
    assert all(problem.line is not None for problem in problems)


@pytest.mark.parametrize(
    "loop",
    ["region: &r [*r]", "region: &r {a: *r}", "region: &r [[[*r]]]"],
    ids=["list", "mapping", "deeper"],
)
def test_an_alias_to_itself_is_refused_without_recursion(tmp_path: Path, loop: str) -> None:
    path = write(tmp_path, f"stages:\n  - code: x\n    city: X\n    {loop}\n")

    problems, seconds = timed(load_stages, path)

    assert seconds < 1
    assert {(p.line, p.where) for p in problems} == {(4, "stage 'x'")}
    assert sorted(p.message.split(":")[0] for p in problems) == [
        "YAML alias '*r' is not accepted",
        "YAML anchor '&r' is not accepted",
    ]


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        # A label written once and reused: harmless, refused all the same.
        (
            "stages:\n  - {code: a, city: &city Pithiviers}\n  - {code: b, city: *city}\n",
            [(2, "stage 'a'", "anchor"), (3, "stage 'b'", "alias")],
        ),
        # YAML's merge key, the usual way to share defaults.
        (
            "stages:\n  - &base {code: a, city: A}\n  - <<: *base\n    code: b\n",
            [(2, "stage 'a'", "anchor"), (3, "stage 'b'", "alias")],
        ),
        # An anchor nobody uses.
        ("stages:\n  - code: a\n    city: &unused A\n", [(3, "stage 'a'", "anchor")]),
    ],
    ids=["reused", "merge", "unused"],
)
def test_a_harmless_anchor_or_alias_is_refused_too(
    tmp_path: Path, text: str, lines: list[tuple[int, str, str]]
) -> None:
    path = write(tmp_path, text)

    problems = validate_file(path)

    assert [(p.line, p.where, p.message.split()[1]) for p in problems] == lines
    assert all("write the value out" in p.message for p in problems)


def test_a_file_without_anchors_loads_as_before(tmp_path: Path) -> None:
    # An '&' or '*' inside a text is not an anchor.
    path = write(tmp_path, 'stages:\n  - {code: a, city: "Saint-Jean & *Marie"}\n')
    assert load_stages(path)[0].city == "Saint-Jean & *Marie"


# --- size and shape ---------------------------------------------------------------


def test_an_oversized_file_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "stages.yaml"
    with path.open("w", encoding="utf-8") as out:
        out.write("stages:\n")
        out.write("# padding\n" * (yamlfile.MAX_FILE_BYTES // 10 + 1))

    problems, seconds = timed(load_stages, path)

    assert seconds < 1
    assert problems == [
        Problem(
            str(path),
            None,
            "the file is larger than 1 MB, the most a flow or stages file may be: "
            "is it the right file?",
        )
    ]


def test_the_bundled_files_are_far_below_every_limit() -> None:
    from flows import bundled_path

    for name in ("questionnaire.yaml", "stages.yaml"):
        assert bundled_path(name).stat().st_size < yamlfile.MAX_FILE_BYTES / 10
        assert validate_file(bundled_path(name)) == []


def test_too_many_values_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The real limit (50,000) takes seconds to reach in pure-Python YAML: a small one here.
    monkeypatch.setattr(yamlfile, "MAX_NODES", 100)
    path = write(tmp_path, "stages:\n" + "  - {code: a, city: A}\n" * 40)

    assert [(p.line, p.message) for p in validate_file(path)] == [
        (
            # The root, `stages`, the list, and five per stage: the 101st is on line 21.
            21,
            "more than 100 keys and values; a flow or stages file needs far fewer: "
            "is it the right file?",
        )
    ]


def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path: Path) -> None:
    path = write(tmp_path, "stages: " + "[" * 5000 + "]" * 5000 + "\n")

    problems, seconds = timed(load_stages, path)

    assert seconds < 1
    assert [(p.line, p.message) for p in problems] == [
        (
            1,
            "nested more than 50 levels deep; a flow or stages file needs far fewer: "
            "is it the right file?",
        )
    ]


# --- not YAML text, or not a file -------------------------------------------------


def test_bytes_that_are_not_utf8_are_located(tmp_path: Path) -> None:
    path = tmp_path / "stages.yaml"
    path.write_bytes(b"stages:\n  - code: a\n    city: Orl\xe9ans\n")  # Latin-1

    assert [(p.line, p.message) for p in validate_file(path)] == [
        (
            3,
            "saved as Windows-1252 (Latin-1) text, not UTF-8 (as the 'é' on this line "
            "shows): save the flow or stages file again, choosing the encoding UTF-8",
        )
    ]


def test_a_binary_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "logo.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))

    [problem] = validate_file(path)

    assert problem.file == str(path)
    assert "is it a binary file?" in problem.message


def test_a_folder_is_reported(tmp_path: Path) -> None:
    assert validate_file(tmp_path) == [
        Problem(str(tmp_path), None, "this is a folder; give the path of a flow or stages file")
    ]


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "stages.yaml"
    os.mkfifo(path)

    problems, seconds = timed(load_stages, path)

    assert seconds < 1
    assert problems == [
        Problem(str(path), None, "not a regular file (a device, a pipe or a socket)")
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "stages: []\n")
    path.chmod(0)

    assert validate_file(path) == [
        Problem(str(path), None, "cannot read the file (Permission denied); check its permissions")
    ]


# --- values PyYAML cannot build ---------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!int abc", "'abc' cannot be read as int"),
        ("!!float x", "'x' cannot be read as float"),
        ("!!bool maybe", "'maybe' cannot be read as bool"),
        ("1" * 5000, f"'{'1' * 37}...' cannot be read as int"),  # over Python's 4300 digits
    ],
    ids=["int", "float", "bool", "5000-digit"],
)
def test_a_value_its_type_cannot_read_is_located(tmp_path: Path, value: str, message: str) -> None:
    path = write(tmp_path, f"stages:\n  - code: a\n    city: {value}\n")

    assert [(p.line, p.where, p.message) for p in validate_file(path)] == [
        (3, "stage 'a'", f"{message}; quote it if it is meant as text")
    ]


def test_a_list_as_a_key_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "stages:\n  - {code: a, city: A, ? [x, y] : 1}\n")

    assert [(p.line, p.message) for p in validate_file(path)] == [
        (2, "invalid YAML: found unhashable key")
    ]


YAML_PIECES = st.sampled_from(
    [
        "&a ",
        "*a",
        "&b ",
        "*b",
        "[",
        "]",
        "{",
        "}",
        ", ",
        ": ",
        "- ",
        "? ",
        "<<: ",
        "!!int ",
        "!!float ",
        "!!binary ",
        "!!set ",
        "!!timestamp ",
        "stages",
        "code",
        "city",
        "x",
        "1",
        "2019-02-30",
        "'",
        '"',
        "\n",
        "  ",
        "\t",
        "#",
        "\xe9",
        "\x00",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(YAML_PIECES, max_size=60))
def test_hostile_yaml_is_reported_never_raised(
    tmp_path_factory: pytest.TempPathFactory, pieces: list[str]
) -> None:
    path = tmp_path_factory.mktemp("hostile") / "file.yaml"
    path.write_text("".join(pieces), encoding="utf-8")
    for problem in validate_file(path):
        assert problem.file == str(path)
        assert problem.message
