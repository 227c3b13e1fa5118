"""Hostile flow and stages files through the real commands: located, prompt, no traceback.

`surveybot validate` reports each file's problems and goes on to the next; the
commands that load the stages file (`links` here, `run` and `export` through
the same function) stop at once with the same lines.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from tests.conftest import MINI
from tests.flows.test_hostile_files import flow_bomb, stages_bomb

LOOP = "stages:\n  - code: x\n    city: X\n    region: &r [*r]\n"
LOOP_REPORT = [
    "loop.yaml:4: stage 'x': YAML alias '*r' is not accepted: write the value out here",
    "loop.yaml:4: stage 'x': YAML anchor '&r' is not accepted: remove it, and write the value "
    "out wherever it is used",
]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty folder (no .env), with no flow or stages configured."""
    monkeypatch.chdir(tmp_path)
    for name in ("SURVEYBOT_FLOW", "SURVEYBOT_STAGES", "SURVEYBOT_DB", "SURVEYBOT_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_validate_refuses_both_alias_bombs_at_once(folder: Path) -> None:
    Path("stages.yaml").write_text(stages_bomb(), encoding="utf-8")
    Path("flow.yaml").write_text(flow_bomb(), encoding="utf-8")

    start = time.perf_counter()
    result = invoke("validate", "stages.yaml", "flow.yaml")
    seconds = time.perf_counter() - start

    assert seconds < 1
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stdout.splitlines()
    assert all(line.startswith(("stages.yaml:", "flow.yaml:")) for line in lines)
    assert (
        "stages.yaml:13: stage 'pithiviers': YAML alias '*i' is not accepted: "
        "write the value out here"
    ) in lines
    assert any("flow.yaml:" in line and "question 'welcome'" in line for line in lines)
    assert result.stderr.splitlines() == ["stages.yaml: 18 problems", "flow.yaml: 18 problems"]


def test_validate_reports_the_alias_loop_without_a_traceback(folder: Path) -> None:
    Path("loop.yaml").write_text(LOOP, encoding="utf-8")

    result = invoke("validate", "loop.yaml")

    assert result.exit_code == 1
    assert result.stdout.splitlines() == LOOP_REPORT
    assert result.stderr == "loop.yaml: 2 problems\n"


def test_validate_reports_what_is_not_a_yaml_file_and_goes_on(folder: Path) -> None:
    Path("latin1.yaml").write_bytes(b"stages:\n  - {code: a, city: Orl\xe9ans}\n")
    Path("logo.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    Path("big.yaml").write_text("stages:\n" + "#" * 1_000_000 + "\n", encoding="utf-8")
    Path("folder").mkdir()

    result = invoke(
        "validate", "latin1.yaml", "logo.yaml", "big.yaml", "folder", "nope.yaml", str(MINI)
    )

    assert result.exit_code == 1
    binary = "is it a binary file? Save the flow or stages file as UTF-8 text"
    assert result.stdout.splitlines() == [
        "latin1.yaml:2: saved as Windows-1252 (Latin-1) text, not UTF-8 (as the 'é' on "
        "this line shows): save the flow or stages file again, choosing the encoding UTF-8",
        f"logo.yaml:1: not UTF-8 text (byte 0x89 cannot be read): {binary}",
        "big.yaml: the file is larger than 1 MB, the most a flow or stages file may be: "
        "is it the right file?",
        "folder: this is a folder; give the path of a flow or stages file",
        "nope.yaml: file not found",
    ]
    assert result.stderr.splitlines()[-1] == f"{MINI}: ok"


def test_links_stops_at_once_with_the_same_lines(folder: Path) -> None:
    Path("loop.yaml").write_text(LOOP, encoding="utf-8")
    Path("bomb.yaml").write_text(stages_bomb(), encoding="utf-8")

    loop = invoke("links", "--bot-username", "tour_bot", "--stages", "loop.yaml")
    start = time.perf_counter()
    bomb = invoke("links", "--bot-username", "tour_bot", "--stages", "bomb.yaml")
    seconds = time.perf_counter() - start

    assert (loop.exit_code, loop.stdout) == (1, "")
    assert loop.stderr.splitlines() == LOOP_REPORT
    assert (bomb.exit_code, bomb.stdout) == (1, "")
    assert bomb.stderr == invoke("validate", "bomb.yaml").stdout
    assert seconds < 1


def test_the_installed_command_never_shows_a_traceback(folder: Path) -> None:
    Path("loop.yaml").write_text(LOOP, encoding="utf-8")
    Path("bomb.yaml").write_text(stages_bomb(), encoding="utf-8")
    os.mkfifo("pipe.yaml")  # reading it would wait for a writer forever
    Path("deep.yaml").write_text("stages: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("SURVEYBOT_")}

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "validate",
            "loop.yaml",
            "bomb.yaml",
            "pipe.yaml",
            "deep.yaml",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Error" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == LOOP_REPORT
    assert lines[-2:] == [
        "pipe.yaml: not a regular file (a device, a pipe or a socket)",
        "deep.yaml:1: nested more than 50 levels deep; a flow or stages file needs far fewer: "
        "is it the right file?",
    ]
    assert done.stderr.splitlines() == [
        "loop.yaml: 2 problems",
        "bomb.yaml: 18 problems",
        "pipe.yaml: 1 problem",
        "deep.yaml: 1 problem",
    ]
