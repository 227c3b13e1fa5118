"""`export` and `stats` refuse a flow file changed under a version the database holds.

`chat`, `run`, `serve` and `validate --db` refused it; `export` and `stats` read it
without a word, so the codebook described the answers given on that version with
the edited questions (a 4 given on a 1–5 scale documented as on 0–10).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from conversation import keep_flow_versions
from flows import load_flow
from storage import open_store
from tests.conftest import MINI


def _ran_on(db: Path, flow_file: Path) -> None:
    """The database as a start with `flow_file` leaves it: its version kept."""

    async def start() -> None:
        store = await open_store(db)
        try:
            await keep_flow_versions(store, [load_flow(flow_file)])
        finally:
            await store.close()

    asyncio.run(start())


@pytest.fixture
def edited(tmp_path: Path) -> tuple[Path, Path]:
    """A database that ran mini.yaml, and the file since edited, its version unchanged."""
    flow_file = tmp_path / "mini.yaml"
    flow_file.write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "tour.sqlite3"
    _ran_on(db, flow_file)
    text = flow_file.read_text(encoding="utf-8")
    flow_file.write_text(text.replace('"Marchés ?"', '"Marchés visés ?"'), encoding="utf-8")
    return db, flow_file


@pytest.mark.parametrize("command", [["stats"], ["export", "--out", "{tmp}/out.csv"]])
def test_a_file_changed_under_its_version_is_refused(
    edited: tuple[Path, Path], command: list[str], tmp_path: Path
) -> None:
    db, flow_file = edited
    args = [part.replace("{tmp}", str(tmp_path)) for part in command]
    result = CliRunner().invoke(main, [*args, "--db", str(db), "--flow", str(flow_file)])
    assert result.exit_code == 1
    assert result.output.startswith(
        "error: flow mini: the questions changed but `version` is still 1: bump `version` to 2"
    ), result.output
    assert not (tmp_path / "out.csv").exists()


def test_the_same_file_or_a_new_version_passes(edited: tuple[Path, Path], tmp_path: Path) -> None:
    db, flow_file = edited
    text = flow_file.read_text(encoding="utf-8")
    flow_file.write_text(text.replace("version: 1", "version: 2", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["stats", "--db", str(db), "--flow", str(flow_file)])
    assert "questions changed" not in result.output
    assert result.exit_code == 0, result.output
