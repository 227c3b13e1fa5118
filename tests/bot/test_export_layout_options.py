"""`surveybot export --layout long --joined` is refused: the long layout has no column to add.

Its `value` already holds a multiple choice's codes joined by ";", so the flag
would be silently ignored: the command says so in one line and exits 2, as for
its other option conflicts (--since after --until), writing no file.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from bot.cli import main
from flows import Flow
from storage import Store
from tests.conftest import MINI, Clock
from tests.exports.conftest import STAGES, STAGES_FILE, Survey, fill, read_csv


async def filled(db_path: Path, mini: Flow) -> None:
    """The export tests' four respondents, in a real SQLite file."""
    store = await Store.open(db_path)
    try:
        await store.sync_stages(STAGES)
        await fill(Survey(store, Clock()), mini)
    finally:
        await store.close()


def export(db_path: Path, *args: str | Path) -> Result:
    flags = ["--db", db_path, "--flow", MINI, "--stages", STAGES_FILE, *args]
    return CliRunner().invoke(main, ["export", *(str(flag) for flag in flags)])


async def test_joined_with_the_long_layout_is_refused_in_one_line(
    tmp_path: Path, mini_flow: Flow
) -> None:
    db_path = tmp_path / "survey.sqlite3"
    await filled(db_path, mini_flow)
    out, book = tmp_path / "long.csv", tmp_path / "codebook.csv"

    result = export(db_path, "--layout", "long", "--joined", "-o", out, "--codebook", book)

    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert "--joined" in errors[0] and "wide layout" in errors[0]
    assert "long" in errors[0] and "joined by ';'" in errors[0]
    assert not out.exists() and not book.exists()


async def test_each_alone_is_accepted(tmp_path: Path, mini_flow: Flow) -> None:
    db_path = tmp_path / "survey.sqlite3"
    await filled(db_path, mini_flow)

    long = export(db_path, "--layout", "long")
    assert long.exit_code == 0, long.stderr
    # The long layout's value of a multiple choice: its codes joined, without --joined.
    rows = read_csv(long.stdout_bytes)
    assert "eu;other" in set(rows[rows["question_id"] == "markets"]["value"])

    wide = export(db_path, "--layout", "wide", "--joined")
    assert wide.exit_code == 0, wide.stderr
    assert "markets" in read_csv(wide.stdout_bytes).columns
