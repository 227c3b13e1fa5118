"""`erase` and `purge` pointed at a path holding no surveybot database leave it as it was.

SQLite takes a missing or 0-byte file for a new database: opening it read-write
would make it an empty surveybot database (106 KB, and -wal and -shm files),
silently, for a path that was most likely a typo. The commands refuse in one
line instead, with the exit status of their other refusals, and touch nothing.
"""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from bot.cli.privacy import erase
from bot.cli.purge import purge


@click.group()
def group() -> None:
    """A stand-in for the `surveybot` group."""


group.add_command(erase)
group.add_command(purge)

COMMANDS = {
    "erase": ["erase", "--telegram-id", "111", "--yes"],
    "erase by key": ["erase", "--response", "3f9c2a7b10d84e61", "--yes"],
    "purge": ["purge", "--older-than", "30"],
    "purge dry run": ["purge", "--older-than", "30", "--abandon-after-days", "2", "--dry-run"],
}


def invoke(args: list[str], db: Path) -> Result:
    return CliRunner().invoke(group, [*args, "--db", str(db)])


@pytest.mark.parametrize("args", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_0_byte_file_is_refused_and_left_as_it_was(work: Path, args: list[str]) -> None:
    db = work / "surveybot.sqlite3"
    db.touch()

    result = invoke(args, db)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: cannot read database {db}: the file is empty (0 bytes), not a surveybot "
        "database; check the path (SURVEYBOT_DB or --db)\n"
    )
    assert db.stat().st_size == 0
    assert sorted(path.name for path in work.iterdir()) == ["surveybot.sqlite3"]


@pytest.mark.parametrize("args", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_missing_file_is_refused_and_not_created(work: Path, args: list[str]) -> None:
    db = work / "typo.sqlite3"

    result = invoke(args, db)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: no database at {db}")
    assert list(work.iterdir()) == []
