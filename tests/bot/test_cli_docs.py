"""Every command of `surveybot` explains itself: help with an example, and a line in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"
COMMANDS = sorted(main.commands)


def test_the_group_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["-h"])

    assert result.exit_code == 0
    for name in COMMANDS:
        assert re.search(rf"^  {name}\b", result.output, re.M), name
    assert {"chat", "run", "validate", "links", "stats", "export"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_each_command_has_help_ending_with_an_example(name: str, flag: str) -> None:
    result = CliRunner().invoke(main, [name, flag])

    assert result.exit_code == 0, result.output
    assert f"Example: surveybot {name}" in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_is_in_the_readme_command_table(name: str) -> None:
    table_rows = [
        line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("|")
    ]

    assert any(re.match(rf"\| `surveybot {name}\b", row) for row in table_rows), (
        f"README.md's command table has no row for `surveybot {name}`"
    )


@pytest.mark.parametrize("name", COMMANDS)
def test_the_readme_lists_only_options_the_command_takes(name: str) -> None:
    """A row naming an option the command does not take sends a reader to an error."""
    row = next(
        line
        for line in README.read_text(encoding="utf-8").splitlines()
        if line.startswith(f"| `surveybot {name}` |")
    )
    listed = set(re.findall(r"(--[a-z][a-z-]*|-[a-z]\b)", row.split(" | ")[1]))
    taken = {opt for param in main.commands[name].params for opt in param.opts}

    assert sorted(listed - taken) == [], f"README lists options `surveybot {name}` does not take"
