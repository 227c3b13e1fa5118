"""`surveybot validate` through click's test runner: exit codes, stdout vs stderr.

The golden files of `tests/flows/golden/` are run from their own directory, so
the file names in the reports are the same on every machine.
"""

from __future__ import annotations

import os
import re
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


MARK = "[modèle à adapter par l’organisateur]"


def template_notice(*names: str) -> str:
    """validate's warning for each bundled questionnaire `names`: its notice is the template's,
    to be rewritten by the organiser (run and serve say it at start too)."""
    said = []
    for name in names:
        path = bundled_path(name)
        lines = path.read_text(encoding="utf-8").splitlines()
        line = next(n for n, text in enumerate(lines, 1) if MARK in text)
        said.append(
            f"{path}:{line}: warning: the notice still holds '{MARK}': write the one your "
            "respondents will read before they do (docs/privacy.md)\n"
        )
    return "".join(said)


def notice_written(flow_text: str) -> str:
    """A bundled questionnaire's text as an organiser has it once its notice is written: no
    template mark left, in any of its languages (validate then says nothing of it)."""
    return re.sub(r" \[(?:modèle à adapter|template to be adapted)[^\]]*\]", "", flow_text)


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
    assert result.stdout == template_notice("questionnaire.yaml")
    assert result.stderr.splitlines() == [
        f"{bundled_path('questionnaire.yaml')}: ok, 1 warning",
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


GIVE_ONE = "(give one of their ids, or leave 'flow:' out)"
# A stages file checked alone: the author's own flow file may simply not have been given.
GIVE_THE_FLOW = (
    "(the configured ones: give your flow file too, surveybot validate FLOW.yaml "
    "STAGES.yaml, or set SURVEYBOT_FLOW or SURVEYBOT_FLOWS)"
)


def unknown_flow(flows: str, hint: str = GIVE_ONE) -> str:
    """The report of ST_FLOW's stage evreux, when the flows are `flows`."""
    return (
        "st_flow.yaml:6: stage 'evreux': unknown flow 'nonexistent_flow'; the flows are: "
        f"{flows} {hint}\n"
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
    assert result.stdout == unknown_flow("tour_innovation_2019", GIVE_THE_FLOW)
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
    bundled = ("questionnaire.yaml", "acteurs.yaml") if flows else ("questionnaire.yaml",)
    assert result.stdout == template_notice(*bundled) + unknown_flow(ids)
    assert "st_flow.yaml: 1 problem" in result.stderr.splitlines()


def test_the_chat_refuses_a_stage_naming_no_flow(
    st_flow: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SURVEYBOT_STAGES", "st_flow.yaml")
    result = invoke("chat", "--stage", "evreux", "--db", "chat.sqlite3")
    assert result.exit_code == 1
    assert result.stderr == unknown_flow("tour_innovation_2019")
    assert not Path("chat.sqlite3").exists()


# --- every problem at once: a stage naming no flow, in a file with other problems ---------

ST_BROKEN = (
    "stages:\n"
    "  - code: pithiviers\n"
    "    city: Pithiviers\n"
    "    date: 2019-02-30\n"
    "  - code: saint étienne\n"
    "    city: Saint-Étienne\n"
    "    flow: nope\n"
)
BROKEN_REPORT = [
    "st_broken.yaml:4: stage 'pithiviers': date '2019-02-30' is not a real date "
    "(day is out of range for month)",
    "st_broken.yaml:5: stage 'saint étienne': code 'saint étienne' must be letters, digits, "
    "'_' and '-' only (no spaces, no accents), at most 64 characters: a space and 'é' are not "
    "allowed",
    "st_broken.yaml:7: stage 'saint étienne': unknown flow 'nope'; the flows are: "
    "tour_innovation_2019 (give one of their ids, or leave 'flow:' out)",
]


@pytest.fixture
def st_broken(st_flow: Path) -> Path:
    """ST_BROKEN beside ST_FLOW: two problems of its own, and a stage naming no flow."""
    path = st_flow.with_name("st_broken.yaml")
    path.write_text(ST_BROKEN, encoding="utf-8")
    return path


@pytest.mark.usefixtures("st_broken")
def test_validate_says_a_stage_names_no_flow_beside_the_files_other_problems() -> None:
    result = invoke("validate", "st_broken.yaml")
    assert result.exit_code == 1
    alone = BROKEN_REPORT[-1].replace(GIVE_ONE, GIVE_THE_FLOW)
    assert result.stdout.splitlines() == [*BROKEN_REPORT[:-1], alone]
    assert result.stderr == "st_broken.yaml: 3 problems\n"


@pytest.mark.usefixtures("st_broken")
def test_the_configured_files_are_checked_at_once_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SURVEYBOT_STAGES", "st_broken.yaml")
    result = invoke("validate")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        *template_notice("questionnaire.yaml").splitlines(),
        *BROKEN_REPORT,
    ]


@pytest.mark.usefixtures("st_broken")
def test_the_chat_says_every_problem_of_the_stages_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # run, serve and chat load their files with the same function.
    monkeypatch.setenv("SURVEYBOT_STAGES", "st_broken.yaml")
    result = invoke("chat", "--db", "chat.sqlite3")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == BROKEN_REPORT
    assert not Path("chat.sqlite3").exists()


def test_a_flow_file_with_problems_still_names_its_stages_flow(
    st_broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stage naming a flow whose file has errors is not said to name no flow: the file's
    `id:` counts; a stage naming another is, in the same run."""
    flow = Path("flow.yaml")
    flow.write_text(
        MINI.read_text(encoding="utf-8").replace("id: mini", "id: mini\ncolour: red", 1),
        encoding="utf-8",
    )
    stages = ST_BROKEN.replace("flow: nope", "flow: mini") + (
        "  - code: evreux\n    city: Évreux\n    flow: nope\n"
    )
    st_broken.write_text(stages, encoding="utf-8")
    result = invoke("validate", "flow.yaml", "st_broken.yaml")
    assert result.exit_code == 1
    assert "unknown key 'colour'" in result.stdout
    assert [line for line in result.stdout.splitlines() if "unknown flow" in line] == [
        "st_broken.yaml:10: stage 'evreux': unknown flow 'nope'; the flows are: mini "
        "(give one of their ids, or leave 'flow:' out)"
    ]
    monkeypatch.setenv("SURVEYBOT_FLOW", "flow.yaml")
    monkeypatch.setenv("SURVEYBOT_STAGES", "st_broken.yaml")
    chat = invoke("chat", "--db", "chat.sqlite3")
    assert chat.exit_code == 1
    assert [line for line in chat.stderr.splitlines() if "unknown flow" in line] == [
        "st_broken.yaml:10: stage 'evreux': unknown flow 'nope'; the flows are: mini "
        "(give one of their ids, or leave 'flow:' out)"
    ]


def test_a_configured_database_out_of_reach_is_a_note_that_hides_its_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """validate compares the flows with the configured database when it can; a PostgreSQL
    server that cannot be reached leaves the files' own check standing, and its URL is
    named without the password."""
    from tests.web.test_serve_command import free_port

    url = f"postgresql://surveybot:s3cret-example@127.0.0.1:{free_port()}/tour"
    monkeypatch.setenv("SURVEYBOT_DB", url)
    result = invoke("validate")
    assert result.exit_code == 0, result.output
    assert "note: the flows were not compared with postgresql://surveybot@127.0.0.1:" in (
        result.stderr
    )
    assert "s3cret" not in result.output


@pytest.mark.parametrize("value", ["", "mysql://tour.example/answers"])
def test_a_database_setting_validate_cannot_use_does_not_stop_it(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """The files are what validate checks: a bad SURVEYBOT_DB is for the commands that
    need the database to refuse (it compares the flows with it only when it can)."""
    monkeypatch.setenv("SURVEYBOT_DB", value)
    result = invoke("validate")
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(
        "questionnaire.yaml: ok, 1 warning\n" + f"{bundled_path('stages.yaml')}: ok\n"
    )
