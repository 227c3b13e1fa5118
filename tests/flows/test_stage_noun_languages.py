"""`validate` asks for a stage noun only in the languages the flows run with it offer.

A made-up English-only survey (tests/support/one_language.py), whose stages file says
"meetup" in English only, was told "no fr noun: respondents reading fr read 'atelier'".
Its stages file checked alone is still checked against the configured flows (the
bundled French tour here), which do read French.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.support.one_language import write_flow, write_stages


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No SURVEYBOT_* variable nor .env: the configured flows are the bundled ones."""
    for name in list(os.environ):
        if name.startswith("SURVEYBOT_"):
            monkeypatch.delenv(name)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)


def test_an_english_only_survey_is_not_asked_for_a_french_noun(tmp_path: Path) -> None:
    flow, stages = write_flow(tmp_path), write_stages(tmp_path)
    result = CliRunner().invoke(main, ["validate", str(flow), str(stages)])
    assert result.exit_code == 0, result.output
    assert "noun" not in result.stdout
    assert result.stderr.splitlines()[-1] == f"{stages}: ok"


def test_a_stages_file_with_a_mistake_gets_no_french_noun_asked_either(tmp_path: Path) -> None:
    # Its mistake is said; the English-only flow still loads, so its languages are known.
    flow, stages = write_flow(tmp_path), write_stages(tmp_path)
    stages.write_text(stages.read_text().replace("2027-03-10", "10/03/2027"), encoding="utf-8")

    result = CliRunner().invoke(main, ["validate", str(flow), str(stages)])

    assert result.exit_code == 1
    assert "must be written YYYY-MM-DD" in result.stdout
    assert "noun" not in result.output


def test_stages_alone_are_checked_with_the_configured_french_flows(tmp_path: Path) -> None:
    stages = write_stages(tmp_path)
    result = CliRunner().invoke(main, ["validate", str(stages)])
    assert result.exit_code == 0, result.output
    assert "warning: no fr noun: respondents reading fr read 'atelier'" in result.stdout
