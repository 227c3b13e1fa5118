"""Mistakes an organiser makes writing `.env`, said rather than silently ignored.

Through the real command line, in a folder holding the organiser's `.env` as a
non-developer writes it: saved by Windows Notepad (a byte-order mark first), a
name misspelt, a template's line left blank.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from flows import bundled_path
from tests.bot.test_cli_validate import notice_written

STAGES = "stages:\n  - code: lyon\n    city: Lyon\n"


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args], env=env)


@pytest.fixture
def organiser(work: Path) -> Path:
    """The organiser's folder: a questionnaire of their own and their stages file."""
    text = bundled_path("questionnaire.yaml").read_text("utf-8")
    # A questionnaire of their own, its notice written (not the template's, which is warned of).
    mine = text.replace("id: tour_innovation_2019", "id: fab", 1)
    (work / "fablabs.yaml").write_text(notice_written(mine))
    (work / "etapes.yaml").write_text(STAGES, encoding="utf-8")
    return work


def test_a_settings_file_saved_with_a_byte_order_mark_keeps_its_first_line(
    organiser: Path,
) -> None:
    # Windows Notepad's "UTF-8" writes EF BB BF first: the first name was "\ufeffSURVEYBOT_FLOW".
    text = "SURVEYBOT_FLOW=fablabs.yaml\nSURVEYBOT_STAGES=etapes.yaml\n"
    Path(".env").write_bytes(text.encode("utf-8-sig"))

    result = invoke("validate")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == "fablabs.yaml: ok\netapes.yaml: ok\n"


def test_a_misspelt_name_in_the_settings_file_is_warned_of_with_the_likely_one(
    organiser: Path,
) -> None:
    Path(".env").write_text(
        "# the tour\nSURVEYBOT_FLOW=fablabs.yaml\nSURVEYBOT_STAGE=etapes.yaml\n", encoding="utf-8"
    )

    result = invoke("validate")

    assert result.exit_code == 0, result.stderr  # warned, still runs
    assert result.stderr == (
        "warning: .env, line 3: SURVEYBOT_STAGE is not a surveybot setting; ignored "
        f"(did you mean SURVEYBOT_STAGES?)\nfablabs.yaml: ok\n{bundled_path('stages.yaml')}: ok\n"
    )


def test_a_misspelt_variable_is_warned_of_once_and_the_command_runs(organiser: Path) -> None:
    # `stats --flow FILE` reads the settings twice: the warning is said once all the same.
    result = invoke("stats", "--flow", "fablabs.yaml", env={"SURVEYBOT_STAGS": "etapes.yaml"})

    assert "no database" in result.stderr  # got past the settings, to the missing database
    assert result.stderr.startswith(
        "warning: environment variable SURVEYBOT_STAGS is not a surveybot setting; ignored "
        "(did you mean SURVEYBOT_STAGES?)\n"
    )
    assert result.stderr.count("SURVEYBOT_STAGS") == 1


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("SURVEYBOT_DATABASE_URL", "SURVEYBOT_DB"),  # by letters: SURVEYBOT_API_URL, Telegram's
        ("SURVEYBOT_POSTGRES_DSN", "SURVEYBOT_DB"),
        ("SURVEYBOT_TZ", "SURVEYBOT_TIMEZONE"),
    ],
)
def test_a_name_other_tools_use_is_pointed_to_the_setting_it_means(
    organiser: Path, name: str, meant: str
) -> None:
    result = invoke("stats", "--flow", "fablabs.yaml", env={name: "postgresql://x@127.0.0.1/db"})
    assert result.stderr.startswith(
        f"warning: environment variable {name} is not a surveybot setting; ignored "
        f"(did you mean {meant}?)\n"
    )


def test_the_bot_still_starts_with_a_name_it_does_not_know(organiser: Path) -> None:
    # No token: `run` stops at the token, past the settings, having warned of the name.
    Path(".env").write_text("SURVEYBOT_ADMIN=123\n", encoding="utf-8")

    result = invoke("run")

    assert result.stderr.splitlines()[0] == (
        "warning: .env, line 1: SURVEYBOT_ADMIN is not a surveybot setting; ignored "
        "(did you mean SURVEYBOT_ADMINS?)"
    )
    assert "SURVEYBOT_TOKEN" in result.stderr


def test_known_names_in_any_case_and_with_export_are_not_warned_of(organiser: Path) -> None:
    Path(".env").write_text(
        "export SURVEYBOT_FLOW=fablabs.yaml\nsurveybot_stages=etapes.yaml\n", encoding="utf-8"
    )

    result = invoke("validate")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == "fablabs.yaml: ok\netapes.yaml: ok\n"


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("FLOW", "flow file, or leave it out to use the bundled questionnaire"),
        ("STAGES", "stages file, or leave it out to use the bundled stages file"),
    ],
)
def test_a_blank_flow_or_stages_line_names_the_setting_and_the_way_back(
    organiser: Path, name: str, said: str
) -> None:
    # A template's line left blank: Path("") was ".", "this is a folder", naming nothing.
    Path(".env").write_text(f"SURVEYBOT_{name}=\n", encoding="utf-8")

    for command in (["validate"], ["links", "--bot-username", "fablab_tour_bot"]):
        result = invoke(*command)
        assert result.exit_code == 2, command
        assert result.stderr == (
            f"error: SURVEYBOT_{name} (.env, line 1): is empty: give the path of your {said}\n"
        )


def test_a_home_folder_written_with_a_tilde_in_the_settings_file_is_the_home_folder(
    organiser: Path,
) -> None:
    # No shell reads .env: "~" was taken for a folder named "~" in the working directory.
    home = organiser / "home"
    (home / "tour").mkdir(parents=True)
    (home / "tour" / "etapes.yaml").write_text(STAGES, encoding="utf-8")
    Path(".env").write_text(
        "SURVEYBOT_STAGES=~/tour/etapes.yaml\nSURVEYBOT_DB=~/tour/tour.sqlite3\n", encoding="utf-8"
    )

    checked = invoke("validate", env={"HOME": str(home)})
    counted = invoke("stats", env={"HOME": str(home)})

    assert checked.exit_code == 0, checked.stderr
    assert f"{home}/tour/etapes.yaml: ok\n" in checked.stderr
    assert counted.stderr.startswith(f"error: no database at {home}/tour/tour.sqlite3:")


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        (
            "SURVEYBOT_RETENTION_DAYS=abc",
            "SURVEYBOT_RETENTION_DAYS (.env, line 2): 'abc' is not a whole number of days, nor keep",
        ),
        (
            "SURVEYBOT_RETENTION_DAYS=",
            "SURVEYBOT_RETENTION_DAYS (.env, line 2): is empty: give a number of "
            "days, or keep to keep responses",
        ),
        (
            "SURVEYBOT_ADMINS=12;34",
            "SURVEYBOT_ADMINS (.env, line 2): give Telegram user ids separated by "
            "commas, like 123456789, 987654321; got '12;34'",
        ),
    ],
    ids=["retention-word", "retention-empty", "admins"],
)
def test_a_bad_bot_setting_is_said_once_in_plain_words(
    organiser: Path, setting: str, said: str
) -> None:
    Path(".env").write_text(f"SURVEYBOT_TOKEN=1:x\n{setting}\n", encoding="utf-8")

    result = invoke("run")

    assert result.exit_code == 2
    assert result.stderr == f"error: {said}\n"


@pytest.mark.parametrize(
    "command", [["validate"], ["chat"], ["links", "--bot-username", "fablabs_bot"]]
)
def test_a_file_not_found_names_the_line_of_the_settings_file_that_gave_it(
    organiser: Path, command: list[str]
) -> None:
    # "etapes.yml: file not found" alone sends the organiser looking for a file, not a typo.
    Path(".env").write_text("SURVEYBOT_FLOW=fablabs.yaml\nSURVEYBOT_STAGES=etapes.yml\n")

    result = invoke(*command)

    assert result.exit_code == 1
    said = result.stdout + result.stderr
    assert "etapes.yml: file not found" in said
    assert (
        "etapes.yml: its path is given by SURVEYBOT_STAGES (.env, line 2); correct it there"
    ) in said


def test_a_file_not_found_from_the_environment_or_a_flag_is_said_so(organiser: Path) -> None:
    result = invoke("chat", env={"SURVEYBOT_FLOW": "fablab.yaml"})
    assert "fablab.yaml: its path is given by the environment variable SURVEYBOT_FLOW" in (
        result.stderr
    )

    # Typed on the command line: the person knows where it came from; nothing more said.
    result = invoke("chat", "--stages", "etape.yaml")
    assert result.exit_code == 1
    assert result.stderr == "etape.yaml: file not found\n"
