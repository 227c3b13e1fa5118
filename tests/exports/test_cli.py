"""`surveybot export` through click's runner: streams, files, exit codes, progress."""

from __future__ import annotations

import io
import os
import pty
import select
import shlex
import sqlite3
import time
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from bot.cli.export import progress_reporter
from exports import ExportOptions, run_export
from storage import Store
from tests.conftest import MINI
from tests.exports.conftest import Filled, invoke, read_csv

GUIDE = Path(__file__).parents[2] / "docs" / "analysts.md"


def test_registered_on_the_surveybot_group(filled: Filled) -> None:
    from bot.cli import main
    from bot.cli.export import export

    group = click.Group(commands={**main.commands, "export": export})
    runner = CliRunner()
    assert "export" in runner.invoke(group, ["--help"]).output
    help_text = runner.invoke(group, ["export", "-h"]).output
    assert "Example: surveybot export" in help_text
    for flag in ("--layout", "--stage", "--untagged", "--status", "--since", "--until"):
        assert flag in help_text
    for flag in ("--flow-version", "--labels", "--lang", "--joined", "--excel", "--codebook"):
        assert flag in help_text
    assert "--xlsx" in help_text and "--out" in help_text
    result = runner.invoke(group, ["export", "--db", str(filled.path), "--flow", str(MINI)])
    assert result.exit_code == 0 and read_csv(result.stdout_bytes).shape[0] == 3


def test_data_to_stdout_messages_to_stderr(filled: Filled) -> None:
    result = invoke("--db", filled.path, "--flow", MINI)
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"response_key,")
    assert "exported 3 responses (3 completed)" in result.stderr
    assert "exporting:" not in result.stderr  # not a terminal: no progress


def test_dash_is_standard_output(filled: Filled) -> None:
    result = invoke("--db", filled.path, "--flow", MINI, "-o", "-")
    assert result.exit_code == 0 and read_csv(result.stdout_bytes).shape[0] == 3
    assert not Path("-").exists()


@pytest.mark.parametrize("flag", ["--codebook", "--xlsx"])
def test_dash_for_the_codebook_or_workbook_is_refused_not_a_file_called_dash(
    filled: Filled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flag: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = invoke("--db", filled.path, "--flow", MINI, "-o", work / "r.csv", flag, "-")
    assert result.exit_code == 2
    assert f"Invalid value for '{flag}': give a file name" in result.stderr
    assert list(work.iterdir()) == []  # neither the responses nor a file called "-"


def test_out_file_and_environment(
    filled: Filled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SURVEYBOT_DB", str(filled.path))
    monkeypatch.setenv("SURVEYBOT_FLOW", str(MINI))
    out = tmp_path / "responses.csv"
    result = invoke("-o", out, "--status", "all")
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == b""
    assert read_csv(out.read_bytes()).shape[0] == 4
    assert str(out) in result.stderr
    assert not list(tmp_path.glob(".*.part"))


def test_missing_database_exits_1(tmp_path: Path) -> None:
    result = invoke("--db", tmp_path / "nope.sqlite3", "--flow", MINI)
    assert result.exit_code == 1
    assert "nope.sqlite3" in result.stderr and "no such file" in result.stderr
    assert result.stdout_bytes == b""


def test_unknown_language_is_misuse(filled: Filled) -> None:
    result = invoke("--db", filled.path, "--flow", MINI, "--labels", "--lang", "de")
    assert result.exit_code == 2 and "'de'" in result.stderr


def test_broken_flow_file_exits_1_with_located_errors(filled: Filled, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: mini\nversion: 1\n", encoding="utf-8")
    result = invoke("--db", filled.path, "--flow", broken)
    assert result.exit_code == 1 and "broken.yaml" in result.stderr


def test_newer_schema_exits_1(filled: Filled, tmp_path: Path) -> None:
    conn = sqlite3.connect(filled.path)
    with conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    out = tmp_path / "responses.csv"
    result = invoke("--db", filled.path, "--flow", MINI, "-o", out)
    assert result.exit_code == 1 and "upgrade surveybot" in result.stderr
    assert not out.exists()


def test_an_export_failing_midway_leaves_no_file(filled: Filled, tmp_path: Path) -> None:
    out, book = tmp_path / "responses.csv", tmp_path / "codebook.csv"
    out.write_text("the previous export\n", encoding="utf-8")

    def fail(done: int, total: int) -> None:
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        run_export(
            filled.path, MINI, ExportOptions(batch_size=1), csv=out, codebook=book, progress=fail
        )
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert not book.exists()
    assert not list(tmp_path.glob(".*.part"))


def test_unwritable_output_is_a_clear_error(filled: Filled, tmp_path: Path) -> None:
    result = invoke("--db", filled.path, "--flow", MINI, "-o", tmp_path / "no" / "dir.csv")
    assert result.exit_code == 1 and "directory exists" in result.stderr


def test_progress_only_on_a_terminal() -> None:
    leader, follower = pty.openpty()
    try:
        with os.fdopen(follower, "w", closefd=False) as terminal:
            report = progress_reporter(terminal, at_least=10)
            assert report is not None
            report(5, 10)
            report(10, 10)
        # A pty hands over what was written in pieces: read until the end arrives.
        shown = ""
        deadline = time.monotonic() + 5
        while "10/10" not in shown and time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.1)
            if ready:
                shown += os.read(leader, 1000).decode()
    finally:
        os.close(leader)
        os.close(follower)
    assert "exporting: 5/10 responses (50 %)" in shown
    assert "10/10" in shown

    with open(os.devnull, "w") as not_a_terminal:
        assert progress_reporter(not_a_terminal) is None


def test_progress_stays_quiet_for_small_exports() -> None:
    leader, follower = pty.openpty()
    try:
        with os.fdopen(follower, "w", closefd=False) as terminal:
            report = progress_reporter(terminal, at_least=100)
            report(5, 10)
            report(10, 10)
        os.write(follower, b"end")
        # A pty hands over what was written in pieces: read until the end arrives.
        shown = ""
        deadline = time.monotonic() + 5
        while not shown.endswith("end") and time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.1)
            if ready:
                shown += os.read(leader, 1000).decode()
    finally:
        os.close(leader)
        os.close(follower)
    assert shown == "end"


def _guide_to_stdout() -> list[list[str]]:
    """The guide's first examples that write the CSV to standard output, as arguments."""
    block = GUIDE.read_text(encoding="utf-8").split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in block.splitlines()]
    return [shlex.split(c.split("|", 1)[0])[1:] for c in commands if "| head" in c]


def test_the_guides_standard_output_example_works_with_both_questionnaires(
    store: Store, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With both bundled questionnaires configured, `surveybot export | head` stops (which
    questionnaire?); the guide says so and shows the command that works instead."""
    from bot.cli import main

    for name in [n for n in os.environ if n.startswith("SURVEYBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SURVEYBOT_FLOWS", "bundled")
    monkeypatch.setenv("SURVEYBOT_DB", str(db_path))
    guide = " ".join(GUIDE.read_text(encoding="utf-8").split())
    examples = _guide_to_stdout()
    picked = [args for args in examples if "--flow" in args]
    assert picked, "the guide shows no standard-output export for several questionnaires"

    plain = CliRunner().invoke(main, next(a for a in examples if "--flow" not in a))
    assert plain.exit_code == 1
    said = plain.stderr.removeprefix("error: ").split(" (")[0]
    assert said == "several flows are configured: name a file with -o"
    assert said in guide and "pick one with --flow" in guide

    for args in picked:
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        table = pd.read_csv(io.BytesIO(result.stdout_bytes), dtype=str)
        assert list(table.columns[:2]) == ["response_key", "stage_code"]
        assert "exported 0 responses" in result.stderr
