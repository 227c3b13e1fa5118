"""A tour's database filled as respondents fill it, through the real terminal chat, for the
tests of the organisers' and analysts' commands; and an organiser's folder holding a copy.

Both bundled questionnaires run (`SURVEYBOT_FLOWS=bundled`); each respondent answers the
whole flow of their link's audience, or its first steps only.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from flows import bundled_path, load_flow
from tests.support.scripts import script_for

ACTORS = "tour_innov_2019_acteurs"
COMPANIES = "tour_innovation_2019"
BOTH = {"SURVEYBOT_FLOWS": "bundled"}
FLOW_FILES = {"entreprise": "questionnaire.yaml", "territoire": "acteurs.yaml"}

Respondent = tuple[str, str, int | None]
"""The link's code (`pithiviers__territoire`), who, and how many steps (None: all)."""


def invoke(*args: str | Path, env: dict[str, str] | None = None, input: str = "") -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args], env=env, input=input)


def answer(db: Path, code: str, who: str, limit: int | None = None) -> None:
    """One respondent answers through the link `code` in the terminal chat."""
    flow_file = FLOW_FILES[code.rpartition("__")[2]]
    lines, _ = script_for(load_flow(bundled_path(flow_file)), "fr", limit)
    result = invoke(
        *("chat", "--db", db, "--stage", code, "--respondent", who, "--lang", "fr"),
        env=BOTH,
        input="\n".join(lines) + "\n",
    )
    assert result.exit_code == 0, result.stderr


def fill(db: Path, respondents: Sequence[Respondent]) -> Path:
    """`db` with these respondents' answers, whatever SURVEYBOT_* this process has set."""
    saved = {n: os.environ.pop(n) for n in list(os.environ) if n.startswith("SURVEYBOT_")}
    try:
        for code, who, limit in respondents:
            answer(db, code, who, limit)
    finally:
        os.environ.update(saved)
    return db


def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, filled: Path) -> Iterator[Path]:
    """A folder with a copy of `filled`, SURVEYBOT_DB naming it and no other setting."""
    for name in list(os.environ):
        if name.startswith("SURVEYBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    shutil.copy(filled, tmp_path / "tour.sqlite3")
    monkeypatch.setenv("SURVEYBOT_DB", "tour.sqlite3")
    yield tmp_path
