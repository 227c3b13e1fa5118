"""`surveybot validate` takes --flow, --flows and --stages, as the commands that run them do.

An organiser who runs `surveybot serve --flows bundled` checked that setup with
`validate --flows bundled` and got "no such option": only the environment said what
to check. The options now name it, on top of SURVEYBOT_FLOW(S) and SURVEYBOT_STAGES.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from flows import bundled_path
from tests.bot.test_cli_validate import template_notice


@pytest.fixture(autouse=True)
def nothing_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # away from any .env
    for name in ("SURVEYBOT_FLOW", "SURVEYBOT_FLOWS", "SURVEYBOT_STAGES"):
        monkeypatch.delenv(name, raising=False)


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["validate", *map(str, args)])


def test_flows_bundled_checks_both_questionnaires_together() -> None:
    result = invoke("--flows", "bundled")

    assert result.exit_code == 0, result.output
    assert result.stdout == template_notice("questionnaire.yaml", "acteurs.yaml")
    assert result.stderr.splitlines() == [
        f"{bundled_path('questionnaire.yaml')}: ok, 1 warning",
        f"{bundled_path('acteurs.yaml')}: ok, 1 warning",
        f"{bundled_path('stages.yaml')}: ok",
        "2 flows: ok together",
    ]


def test_stages_names_the_stages_file_checked(tmp_path: Path) -> None:
    stages = tmp_path / "etapes.yaml"
    stages.write_text(
        "stages:\n  - code: vierzon\n    city: Vierzon\n    date: 2019-13-01\n", encoding="utf-8"
    )

    result = invoke("--stages", stages)

    assert result.exit_code == 1
    assert str(stages) in result.stdout and "vierzon" in result.stdout
    assert f"{stages}: 1 problem" in result.stderr


def test_flow_names_the_flow_file_checked(tmp_path: Path) -> None:
    flow = tmp_path / "mine.yaml"
    flow.write_text("id: mine\nversion: 1\ntitle: Mine\nsections: []\n", encoding="utf-8")

    result = invoke("--flow", flow)

    assert result.exit_code == 1
    assert f"{flow}:4: 'sections' needs at least 1 section, not 0" in result.stdout
