"""A town typed where a stage code goes is named back with its code.

Organisers think in towns: `surveybot stats --stage Pont-à-Mousson` said only
"unknown stage … known stages: " and forty codes, and `surveybot chat` answered in
a respondent's words that the invitation link matched no workshop, leaving the
organiser wondering which link was wrong. Now stats and export ask "did you mean
'pont-a-mousson' (Pont-à-Mousson)?", and the chat says so in a note. The real
commands, on a stages file of accented and hyphenated towns.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main

STAGES = """\
stages:
  - {code: saint-die, city: Saint-Dié-des-Vosges, date: 2027-03-09}
  - {code: pont-a-mousson, city: Pont-à-Mousson, date: 2027-03-16}
  - {code: isle-abeau, city: L’Isle-d’Abeau, date: 2027-03-23}
"""


@pytest.fixture
def files(tmp_path: Path) -> list[str]:
    stages = tmp_path / "etapes.yaml"
    stages.write_text(STAGES, encoding="utf-8")
    return ["--db", str(tmp_path / "tour.sqlite3"), "--stages", str(stages)]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Pont-à-Mousson", "'pont-a-mousson' (Pont-à-Mousson)"),
        ("saint die des vosges", "'saint-die' (Saint-Dié-des-Vosges)"),
        ("L'Isle-d'Abeau", "'isle-abeau' (L’Isle-d’Abeau)"),
        ("pont-a-mouson", "'pont-a-mousson' (Pont-à-Mousson)"),  # a letter off
    ],
)
def test_stats_and_export_ask_whether_the_town_was_meant(
    files: list[str], tmp_path: Path, typed: str, meant: str
) -> None:
    runner = CliRunner()
    runner.invoke(main, ["chat", *files, "--stage", "saint-die"], input="quitter\n")

    stats = runner.invoke(main, ["stats", *files, "--stage", typed])
    out = tmp_path / "x.csv"
    export = runner.invoke(main, ["export", *files, "--stage", typed, "-o", str(out)])

    for result in (stats, export):
        assert result.exit_code != 0
        assert f"unknown stage '{typed}'" in result.stderr
        assert f"did you mean {meant}? known stages: " in result.stderr
    assert not out.exists()


def test_a_code_like_no_town_gets_the_list_alone(files: list[str]) -> None:
    CliRunner().invoke(main, ["chat", *files, "--stage", "saint-die"], input="quitter\n")
    result = CliRunner().invoke(main, ["stats", *files, "--stage", "cholet"])
    assert result.exit_code != 0
    assert "did you mean" not in result.stderr
    assert "known stages: saint-die, pont-a-mousson, isle-abeau" in result.stderr


def test_the_terminal_chat_notes_the_town_typed_and_still_runs(files: list[str]) -> None:
    result = CliRunner().invoke(
        main, ["chat", *files, "--stage", "Pont-à-Mousson"], input="quitter\n"
    )
    assert result.exit_code == 0, result.output
    assert (
        "note: --stage 'Pont-à-Mousson' is no stage of the stages file: did you mean "
        "'pont-a-mousson' (Pont-à-Mousson)? The chat asks which workshop"
    ) in result.stderr
    # The chat itself is the respondent's: the list of workshops to pick from.
    assert "Pont-à-Mousson" in result.stdout

    known = CliRunner().invoke(main, ["chat", *files, "--stage", "pont-a-mousson"], input="q\n")
    assert "note: --stage" not in known.stderr
