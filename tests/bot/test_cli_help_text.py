"""`surveybot --help` and each command's, as an organiser reads them at 80 columns.

The commands' summaries were cut mid-phrase ("links  One invitation link and QR code
per stage, and a printable..."), listed alphabetically; `chat --help` said what
--flow does for export and stats; `run --help` showed `--timezone TEXT` beside
`--timezone ZONE` elsewhere. Run as the operator runs it, in a process of its own.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bot.cli import main

DAY = ["validate", "schema", "chat", "links", "stats", "export"]
"""The first commands of an organiser's day, in its order; the bot's and the upkeep's follow."""


def surveybot(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`surveybot ARGS` at 80 columns, in an empty folder, with none of the machine's settings."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("SURVEYBOT_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env={**env, "COLUMNS": "80"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def command_lines(help_text: str) -> list[str]:
    """The lines of the "Commands:" section."""
    section = help_text.split("\nCommands:\n", 1)[1]
    return [line for line in section.splitlines() if line.strip()]


def test_every_summary_fits_in_full_at_80_columns(tmp_path: Path) -> None:
    done = surveybot(tmp_path, "--help")

    assert done.returncode == 0, done.stderr
    lines = command_lines(done.stdout)
    # One line a command: no summary wrapped onto a line of its own, nor cut ("...").
    assert len(lines) == len(main.commands), lines
    for line in lines:
        assert len(line) <= 80, line
        assert not line.endswith("..."), line
        assert re.fullmatch(r"  [a-z-]+ +[A-Z].*\.", line), line


def test_the_commands_are_listed_in_the_order_of_an_organisers_day(tmp_path: Path) -> None:
    done = surveybot(tmp_path)  # no command: the help, as before

    assert "Usage: " in done.stdout + done.stderr
    names = [line.split()[0] for line in command_lines(done.stdout + done.stderr)]
    assert names[: len(DAY)] == DAY
    assert names.index("run") < names.index("purge")
    assert sorted(names) == sorted(main.commands)


def test_chat_help_does_not_speak_of_export(tmp_path: Path) -> None:
    done = surveybot(tmp_path, "chat", "--help")

    assert done.returncode == 0, done.stderr
    assert "--flow " in done.stdout
    assert "export" not in done.stdout.lower()


def test_export_and_stats_say_what_flow_picks_among_several(tmp_path: Path) -> None:
    for command, picks in (("export", "the one to export"), ("stats", "the one to report on")):
        done = surveybot(tmp_path, command, "--help")

        assert done.returncode == 0, done.stderr
        said = " ".join(done.stdout.split())
        assert "--flow FILE|ID Flow file" in said
        assert f"With several flows (--flows), {picks}: its file, id or audience code." in said


def test_every_option_says_what_it_wants(tmp_path: Path) -> None:
    vague = {}
    for command in main.commands:
        done = surveybot(tmp_path, command, "--help")
        assert done.returncode == 0, done.stderr
        found = re.findall(
            r"^\s+(-[-\w, ]+?) (TEXT|INTEGER|FLOAT|PATH)(?![|\w])", done.stdout, re.M
        )
        if found:
            vague[command] = found

    assert vague == {}
