"""A flow's version fits the database's INTEGER column, or `validate` says so at its line.

`version: 999999999999999999999999999999` passed `surveybot validate`, and `surveybot
chat --flow` then ended in "OverflowError: Python int too large to convert to SQLite
INTEGER" when it kept the flow's version.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from tests.conftest import MINI
from tests.support.sqlite import open_sqlite

LARGEST = 2**31 - 1  # PostgreSQL's integer; SQLite's is 64 bits
HUGE = 999999999999999999999999999999


def invoke(*args: str, input: str = "") -> Result:
    return CliRunner().invoke(main, list(args), input=input)


def mini_at(version: int) -> Path:
    """The mini flow, in the working folder, at `version`; its `version:` is on line 3."""
    text = MINI.read_text(encoding="utf-8")
    assert text.splitlines()[2] == "version: 1"
    path = Path(f"mini-{version}.yaml")
    path.write_text(text.replace("version: 1\n", f"version: {version}\n", 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("version", [HUGE, LARGEST + 1])
def test_validate_reports_a_version_too_large_at_its_line(work: Path, version: int) -> None:
    path = mini_at(version)

    result = invoke("validate", str(path))

    assert result.exit_code == 1, result.output
    assert result.stdout == (
        f"{path}:3: 'version': input should be less than or equal to {LARGEST} (got {version})\n"
    )
    assert result.stderr == f"{path}: 1 problem\n"


def test_chat_refuses_it_before_the_database_and_runs_the_largest(work: Path) -> None:
    refused = invoke("chat", "--flow", str(mini_at(HUGE)), input="quit\n")

    assert isinstance(refused.exception, SystemExit), refused.exception
    assert refused.exit_code == 1
    assert re.search(r"mini-\d+\.yaml:3: 'version': input should be less than", refused.output)
    assert "Traceback" not in refused.output
    assert not Path("surveybot.sqlite3").exists()

    largest = mini_at(LARGEST)
    assert invoke("validate", str(largest)).exit_code == 0
    # Past the welcome, a company name, then quit: an unfinished response, kept.
    chatted = invoke("chat", "--flow", str(largest), input="\nACME\nquit\n")
    assert chatted.exit_code == 0, chatted.output
    with open_sqlite("surveybot.sqlite3") as db:
        assert db.execute("SELECT version FROM flow_versions").fetchall() == [(LARGEST,)]
        assert db.execute("SELECT flow_version FROM responses").fetchall() == [(LARGEST,)]

    exported = invoke("export", "--flow", str(largest), "--status", "all", "-o", "responses.csv")
    assert exported.exit_code == 0, exported.stderr
    with Path("responses.csv").open(encoding="utf-8", newline="") as file:
        assert [row["flow_version"] for row in csv.DictReader(file)] == [str(LARGEST)]
