"""A stage's `flow:` naming a questionnaire by its audience code, or an unknown one, when the
flows are configured: the message says what to write.

`flow: territoire` reads naturally (the links end in `__territoire`), but `flow:` takes
a flow's id. And a stages file checked alone against the flows `.env` configures was
told to "give your flow file too, or set SURVEYBOT_FLOW or SURVEYBOT_FLOWS", which
the organiser had done. Through the real command line, from a folder with a `.env`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from flows import bundled_path

ACTORS = "tour_innov_2019_acteurs"
COMPANIES = "tour_innovation_2019"
STAGES = (
    "stages:\n"
    "  - code: pithiviers\n"
    "    city: Pithiviers\n"
    "  - code: issoudun\n"
    "    city: Issoudun\n"
    "    flow: {flow}\n"
)


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


@pytest.fixture(autouse=True)
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An organiser's folder, its `.env` naming both bundled questionnaires and the stages
    file; no variable."""
    for name in [name for name in os.environ if name.startswith("SURVEYBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        "SURVEYBOT_FLOWS=bundled\nSURVEYBOT_STAGES=stages.yaml\n", encoding="utf-8"
    )
    return tmp_path


def stages(flow: str) -> Path:
    path = Path("stages.yaml")
    path.write_text(STAGES.format(flow=flow), encoding="utf-8")
    return path


def unknown_flow(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if "unknown flow" in line]


def test_an_audience_code_is_told_the_flow_id_it_means() -> None:
    told = [
        "stages.yaml:6: stage 'issoudun': unknown flow 'territoire'; 'territoire' is the "
        f"audience of {ACTORS}: write flow: {ACTORS}"
    ]
    stages("territoire")
    questionnaires = (bundled_path("questionnaire.yaml"), bundled_path("acteurs.yaml"))
    for args in (
        ("validate", "stages.yaml"),  # alone, against the flows .env configures
        ("validate", *questionnaires, "stages.yaml"),
        ("validate",),  # .env's flows, and the stages file given to them
        ("links", "--bot-username", "tour_innovation_bot"),  # every command loading them
    ):
        result = invoke(*args)
        assert result.exit_code == 1, args
        assert unknown_flow(result) == told, args


def test_a_stages_file_alone_is_told_to_give_an_id_of_the_flows_configured() -> None:
    stages("nope")

    result = invoke("validate", "stages.yaml")

    assert result.exit_code == 1
    assert unknown_flow(result) == [
        f"stages.yaml:6: stage 'issoudun': unknown flow 'nope'; the flows are: {COMPANIES}, "
        f"{ACTORS} (give one of their ids, or leave 'flow:' out)"
    ]
    Path(".env").unlink()  # the bundled flow, by default: perhaps not the author's
    alone = invoke("validate", "stages.yaml")
    assert unknown_flow(alone) == [
        f"stages.yaml:6: stage 'issoudun': unknown flow 'nope'; the flows are: {COMPANIES} "
        "(the configured ones: give your flow file too, surveybot validate FLOW.yaml "
        "STAGES.yaml, or set SURVEYBOT_FLOW or SURVEYBOT_FLOWS)"
    ]
