"""`surveybot validate` with two questionnaires: a stage whose code is too long for a link
with an audience (`<code>__territoire`) is said against the stages file, at its line.

It was printed after the file had been called ok ("stages.yaml: ok", then
"SURVEYBOT_FLOWS: stage '…' with audience …"), unlocated. A stage tied to one
questionnaire (`flow:`) has one link, its code alone: no audience makes it longer.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from tests.bot.test_cli_validate import template_notice

LONG = "saint-remy-en-bouzemont-saint-genest-et-isson-portes-ouvertes"  # 61 characters
STAGES = f"""\
stages:
  - code: pithiviers
    city: Pithiviers
  - code: {LONG}
    city: Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson
  - code: {LONG}-x
    city: Saint-Genest-et-Isson
    flow: tour_innov_2019_acteurs
"""


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder with no SURVEYBOT_* variable, both bundled flows configured, and
    the stages above."""
    for name in [n for n in os.environ if n.startswith("SURVEYBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SURVEYBOT_FLOWS", "bundled")
    (tmp_path / "stages.yaml").write_text(STAGES, encoding="utf-8")
    return tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def said(audience: str) -> str:
    return (
        f"stages.yaml:4: stage '{LONG}' with audience '{audience}' makes a link longer than "
        "Telegram's 64 characters: shorten the stage code or the audience code"
    )


@pytest.mark.parametrize("configured", [False, True], ids=["given", "configured"])
def test_the_stage_is_located_and_the_file_not_called_ok(
    desk: Path, monkeypatch: pytest.MonkeyPatch, configured: bool
) -> None:
    if configured:
        monkeypatch.setenv("SURVEYBOT_STAGES", "stages.yaml")
    result = invoke("validate") if configured else invoke("validate", "stages.yaml")
    assert result.exit_code == 1
    notices = template_notice("questionnaire.yaml", "acteurs.yaml") if configured else ""
    assert result.stdout.splitlines() == [
        *notices.splitlines(),
        said("entreprise"),
        said("territoire"),
    ]
    assert "stages.yaml: 2 problems" in result.stderr.splitlines()
    assert "stages.yaml: ok" not in result.stderr
    assert "SURVEYBOT_FLOWS" not in result.output


def test_links_says_it_at_the_line_too(desk: Path) -> None:
    result = invoke("links", "--bot-username", "tour_innovation_bot", "--stages", "stages.yaml")
    assert result.exit_code == 1
    assert said("entreprise") in result.stderr.splitlines()
    assert said("territoire") in result.stderr.splitlines()


# --- a code holding "__" -----------------------------------------------------------------

TWO_PARTS = "stages:\n  - code: pithiviers__nord\n    city: Pithiviers\n"
TOLD = (
    "stages.yaml:2: {warning}stage code 'pithiviers__nord' contains '__', which separates the "
    "workshop from the audience in links{later}: rename the stage ('pithiviers_nord', say)"
)


def test_a_code_with_two_underscores_is_a_warning_while_one_questionnaire_runs(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It works today, and breaks the day a second questionnaire is added: said now."""
    monkeypatch.delenv("SURVEYBOT_FLOWS")
    (desk / "stages.yaml").write_text(TWO_PARTS, encoding="utf-8")

    result = invoke("validate", "stages.yaml")

    assert result.exit_code == 0, result.output
    later = " once a second questionnaire runs"
    assert result.stdout.splitlines() == [TOLD.format(warning="warning: ", later=later)]
    assert "stages.yaml: ok, 1 warning" in result.stderr
    # The bot and its links still run with it, as they did.
    links = invoke("links", "--bot-username", "tour_innovation_bot", "--stages", "stages.yaml")
    assert links.exit_code == 0, links.output


def test_a_code_with_two_underscores_is_an_error_with_two_questionnaires(desk: Path) -> None:
    (desk / "stages.yaml").write_text(TWO_PARTS, encoding="utf-8")

    result = invoke("validate", "stages.yaml")

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [TOLD.format(warning="", later="")]
