"""docs/analysts.md's pandas recipe runs as printed, in a folder holding a tour's
`surveybot.sqlite3` and the `invitations/` that `surveybot links` writes, and gives what
its comments say: a share per city and per region, the actors' responses apart, and
each response's workshop date."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.support.terminal_tour import BOTH, fill, invoke

PAGE = Path(__file__).resolve().parents[2] / "docs" / "analysts.md"


def recipe() -> str:
    """The first Python block under "In Python (pandas)"."""
    section = PAGE.read_text(encoding="utf-8").split("## In Python (pandas)", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found is not None, "docs/analysts.md has no Python block under its pandas heading"
    return found.group(1)


def test_the_pandas_recipe_runs_as_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("SURVEYBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    fill(
        tmp_path / "surveybot.sqlite3",
        [
            ("pithiviers__entreprise", "ana", None),
            ("exemple_nord__entreprise", "bruno", None),
            ("pithiviers__territoire", "chloe", None),
        ],
    )
    made = invoke("links", "--bot-username", "ExempleTourBot", "--out", "invitations", env=BOTH)
    assert made.exit_code == 0, made.stderr

    names: dict[str, object] = {}
    exec(compile(recipe(), str(PAGE), "exec"), names)  # the page's own code

    companies, actors = names["df"], names["actors"]
    assert isinstance(companies, pd.DataFrame) and isinstance(actors, pd.DataFrame)
    assert sorted(companies.stage_city) == ["Dunkerque", "Pithiviers"]
    assert list(actors.stage_code) == ["pithiviers"]
    assert companies.date.notna().all(), "each response gets its workshop's date"
    shares = companies.groupby("stage_city")["innovation_kinds__product"].mean()
    assert set(shares.index) == {"Dunkerque", "Pithiviers"}
    assert shares.between(0, 1).all()
