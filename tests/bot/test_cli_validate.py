"""`surveybot validate` through click's test runner: exit codes, stdout vs stderr.

The golden files of `tests/flows/golden/` are run from their own directory, so
the file names in the reports are the same on every machine.
"""

from __future__ import annotations

import os
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from flows import bundled_path
from tests.conftest import MINI

GOLDEN = Path(__file__).parents[1] / "flows" / "golden"
CASES = sorted(path.stem for path in GOLDEN.glob("*.yaml"))


@pytest.fixture
def in_golden(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the golden directory, with no flow or stages configured."""
    monkeypatch.chdir(GOLDEN)
    monkeypatch.delenv("SURVEYBOT_FLOW", raising=False)
    monkeypatch.delenv("SURVEYBOT_STAGES", raising=False)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def report(name: str) -> str:
    return (GOLDEN / f"{name}.expected").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", CASES)
@pytest.mark.usefixtures("in_golden")
def test_validate_prints_the_golden_report(name: str) -> None:
    result = invoke("validate", f"{name}.yaml")
    assert result.stdout == report(name)
    assert result.exit_code == 1
    count = len(report(name).splitlines())
    assert result.stderr == f"{name}.yaml: {count} problem{'s' if count > 1 else ''}\n"


def test_validate_without_files_checks_the_bundled_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # away from any .env
    monkeypatch.delenv("SURVEYBOT_FLOW", raising=False)
    monkeypatch.delenv("SURVEYBOT_STAGES", raising=False)
    result = invoke("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{bundled_path('questionnaire.yaml')}: ok",
        f"{bundled_path('stages.yaml')}: ok",
    ]


@pytest.mark.usefixtures("in_golden")
def test_validate_without_files_checks_the_configured_flow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SURVEYBOT_FLOW", "unknown_key.yaml")
    result = invoke("validate")
    assert result.exit_code == 1
    assert result.stdout == report("unknown_key")


@pytest.mark.usefixtures("in_golden")
def test_validate_lists_only_the_bad_files_problems() -> None:
    result = invoke("validate", str(MINI), "duplicate_question_id.yaml", "stages_bad_codes.yaml")
    assert result.exit_code == 1
    assert result.stdout == report("duplicate_question_id") + report("stages_bad_codes")
    assert result.stderr.splitlines() == [
        f"{MINI}: ok",
        "duplicate_question_id.yaml: 1 problem",
        "stages_bad_codes.yaml: 2 problems",
    ]


@pytest.mark.usefixtures("in_golden")
def test_validate_goes_on_past_a_bad_file() -> None:
    result = invoke("validate", "unknown_key.yaml", str(MINI))
    assert result.exit_code == 1
    assert result.stdout == report("unknown_key")
    assert result.stderr.splitlines()[-1] == f"{MINI}: ok"


def test_validate_good_file_exits_0() -> None:
    result = invoke("validate", str(MINI))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"{MINI}: ok\n"


@pytest.mark.usefixtures("in_golden")
def test_validate_missing_file_is_a_problem_not_a_crash() -> None:
    result = invoke("validate", "nope.yaml")
    assert result.exit_code == 1
    assert result.stdout == "nope.yaml: file not found\n"


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_the_commands(flag: str) -> None:
    result = invoke(flag)
    assert result.exit_code == 0
    commands = result.stdout.split("Commands:", 1)[1].split()
    for command in ("chat", "schema", "validate"):
        assert command in commands


def test_validate_help_ends_with_an_example() -> None:
    result = invoke("validate", "--help")
    assert result.exit_code == 0
    assert "Example: surveybot validate" in result.stdout


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"surveybot {version('surveybot')}\n"


# --- a stage naming a flow that does not exist --------------------------------------

ST_FLOW = (
    "stages:\n"
    "  - code: pithiviers\n"
    "    city: Pithiviers\n"
    "  - code: evreux\n"
    "    city: Évreux\n"
    "    flow: nonexistent_flow\n"
)


def unknown_flow(flows: str) -> str:
    """The report of ST_FLOW's stage evreux, when the flows are `flows`."""
    return (
        "st_flow.yaml:6: stage 'evreux': unknown flow 'nonexistent_flow'; the flows are: "
        f"{flows} (give one of their ids, or leave 'flow:' out)\n"
    )


@pytest.fixture
def st_flow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """ST_FLOW in an empty folder (no .env), with no SURVEYBOT_* variable set."""
    for name in [name for name in os.environ if name.startswith("SURVEYBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "st_flow.yaml"
    path.write_text(ST_FLOW, encoding="utf-8")
    return path


@pytest.mark.usefixtures("st_flow")
def test_a_stage_naming_no_flow_is_located_checked_alone() -> None:
    result = invoke("validate", "st_flow.yaml")  # against the configured (bundled) flow
    assert result.exit_code == 1
    assert result.stdout == unknown_flow("tour_innovation_2019")
    assert result.stderr == "st_flow.yaml: 1 problem\n"


@pytest.mark.usefixtures("st_flow")
def test_a_stage_naming_no_flow_is_located_beside_the_flow_given() -> None:
    result = invoke("validate", str(MINI), "st_flow.yaml")
    assert result.exit_code == 1
    assert result.stdout == unknown_flow("mini")
    assert result.stderr.splitlines() == [f"{MINI}: ok", "st_flow.yaml: 1 problem"]
    (Path("good.yaml")).write_text(ST_FLOW.replace("nonexistent_flow", "mini"), "utf-8")
    good = invoke("validate", str(MINI), "good.yaml")
    assert good.exit_code == 0, good.output


@pytest.mark.parametrize(
    ("flows", "ids"),
    [(None, "tour_innovation_2019"), ("bundled", "tour_innovation_2019, tour_innov_2019_acteurs")],
    ids=["one flow", "two flows"],
)
def test_a_stage_naming_no_flow_is_located_in_the_configured_stages(
    st_flow: Path, monkeypatch: pytest.MonkeyPatch, flows: str | None, ids: str
) -> None:
    monkeypatch.setenv("SURVEYBOT_STAGES", "st_flow.yaml")
    if flows is not None:
        monkeypatch.setenv("SURVEYBOT_FLOWS", flows)
    result = invoke("validate")
    assert result.exit_code == 1
    assert result.stdout == unknown_flow(ids)
    assert result.stderr.splitlines()[-1] == "st_flow.yaml: 1 problem"


def test_the_chat_refuses_a_stage_naming_no_flow(
    st_flow: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SURVEYBOT_STAGES", "st_flow.yaml")
    result = invoke("chat", "--stage", "evreux", "--db", "chat.sqlite3")
    assert result.exit_code == 1
    assert result.stderr == unknown_flow("tour_innovation_2019")
    assert not Path("chat.sqlite3").exists()
