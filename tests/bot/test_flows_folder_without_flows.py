"""SURVEYBOT_FLOWS naming a folder that holds no flow file, through the real command line.

An empty folder, the wrong one, or one whose files end in `.YAML` (the suffix was
compared case-sensitively) gave every command a traceback, "ValueError: a catalogue
needs at least one flow", and `validate` checked the stages alone and said ok.
Now it is one line naming the setting, the folder and what was looked for, exit 2
as any other bad setting; and `.YAML`, `.Yml`... are flow files.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from flows import bundled_path


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args], env=env)


def refusal(setting: str, given: str, where: Path) -> str:
    shown = given if given == str(where) else f"{given} ({where})"
    return (
        f"error: {setting}: the folder {shown} holds no flow file (no name ending in .yaml "
        "or .yml): give the folder of your questionnaires, or their files separated by commas\n"
    )


@pytest.fixture
def folder(work: Path) -> Path:
    """A folder of the organiser's with no flow file in it: their notes, a flow saved as .txt."""
    (work / "questionnaires").mkdir()
    (work / "questionnaires" / "notes.txt").write_text("to do\n", encoding="utf-8")
    (work / "questionnaires" / "fablabs.yaml.txt").write_text("id: x\n", encoding="utf-8")
    return work / "questionnaires"


@pytest.mark.parametrize(
    "command",
    [("validate",), ("stats",), ("export",), ("chat",), ("links",), ("serve",), ("run",)],
)
def test_a_folder_without_a_flow_file_is_one_line_naming_it(
    folder: Path, command: tuple[str, ...]
) -> None:
    result = invoke(*command, env={"SURVEYBOT_FLOWS": "questionnaires"})

    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr == refusal("SURVEYBOT_FLOWS", "questionnaires", folder)


def test_the_folder_given_by_the_settings_file_or_a_flag_is_said_so(folder: Path) -> None:
    Path(".env").write_text("# the tour\nSURVEYBOT_FLOWS=questionnaires\n", encoding="utf-8")
    from_file = invoke("validate")
    from_flag = invoke("stats", "--flows", folder)

    assert from_file.exit_code == 2
    assert from_file.stderr == refusal("SURVEYBOT_FLOWS (.env, line 2)", "questionnaires", folder)
    assert from_flag.exit_code == 2
    assert from_flag.stderr == refusal("--flows", str(folder), folder)


def test_an_empty_folder_among_flow_files_is_refused_too(folder: Path, work: Path) -> None:
    flows = f"{bundled_path('questionnaire.yaml')}, questionnaires"
    result = invoke("validate", env={"SURVEYBOT_FLOWS": flows})

    assert result.exit_code == 2
    assert result.stderr == refusal("SURVEYBOT_FLOWS", "questionnaires", folder)


@pytest.mark.parametrize("name", ["entreprises.YAML", "entreprises.Yml"])
def test_flow_files_named_in_capitals_are_flow_files(folder: Path, name: str) -> None:
    text = bundled_path("questionnaire.yaml").read_text("utf-8")
    (folder / name).write_text(text, encoding="utf-8")

    result = invoke("validate", env={"SURVEYBOT_FLOWS": "questionnaires"})

    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"questionnaires/{name}: ok, 1 warning",  # the bundled notice, still the template
        f"{bundled_path('stages.yaml')}: ok",
    ]
