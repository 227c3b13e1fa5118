"""A name alone on a line of `.env`, without `=`: warned of as any line that is not NAME=value.

python-dotenv reads `SURVEYBOT_FLOW` alone as no setting, without a word: the
bundled questionnaire ran in place of the organiser's. `SURVEYBOT_FLOW fablabs.yaml`
was warned of ("not NAME=value"); the bare name is now, the same way, and each
such line once a command (`validate` reads the settings twice, and said it twice).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from flows import bundled_path

# The bundled notice is the organiser's to rewrite: validate warns of it (test_cli_validate.py).
BUNDLED_OK = [
    f"{bundled_path('questionnaire.yaml')}: ok, 1 warning",
    f"{bundled_path('stages.yaml')}: ok",
]


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


@pytest.mark.parametrize(
    "line", ["SURVEYBOT_FLOW", "SURVEYBOT_FLOW  # to fill in", "export SURVEYBOT_FLOW"]
)
def test_a_name_alone_is_warned_of_with_its_line(work: Path, line: str) -> None:
    Path(".env").write_text(f"# the tour\n{line}\n", encoding="utf-8")

    result = invoke("validate")

    assert result.exit_code == 0, result.stderr  # warned, still runs, as before
    assert result.stderr.splitlines() == [
        "warning: .env, line 2: SURVEYBOT_FLOW alone, not NAME=value; ignored",
        *BUNDLED_OK,
    ]


def test_a_line_without_equals_sign_is_warned_of_once_a_command(work: Path) -> None:
    Path(".env").write_text("SURVEYBOT_FLOW fablabs.yaml\n", encoding="utf-8")

    result = invoke("validate")

    assert result.stderr.splitlines() == [
        "warning: .env, line 1: not NAME=value (a # starts a comment); ignored",
        *BUNDLED_OK,
    ]


def test_names_of_other_programs_alone_and_empty_values_are_not_warned_of(work: Path) -> None:
    # Another program's name alone is its business; NAME= is a value, empty (refused or not
    # by the setting itself); comments and blank lines are nothing.
    Path(".env").write_text("PGPASSFILE\n# SURVEYBOT_FLOW\n\nSURVEYBOT_ADMINS=\n", encoding="utf-8")

    result = invoke("validate")

    assert result.stderr.splitlines() == BUNDLED_OK
