"""A command typed wrong is said as every other error: one line, `error: ...`, exit 2.

click's own block was four lines ("Usage: surveybot stats [OPTIONS]", "Try 'surveybot
stats --help' for help.", a blank line, "Error: Invalid value for ..."), beside our
one-line `error: ...` of everything else; and `surveybot qr fablab_gien`, the Telegram
command an organiser knows, answered "No such command 'qr'." with no way on. Run as the
operator runs it, in a process of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

PROG = "python -m bot"
"""How click names the program run as `python -m bot` (`surveybot` from the installed script)."""


def surveybot(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`surveybot ARGS` in an empty folder, with none of the machine's SURVEYBOT_ settings."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("SURVEYBOT_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    """The one line a usage error is said in, checked: on standard error, exit 2."""
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.endswith("\n") and done.stderr.count("\n") == 1, done.stderr
    line = done.stderr.rstrip("\n")
    assert line.startswith("error: ") and not line[7].isupper(), line
    assert "Usage:" not in line and "Try '" not in line
    return line


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("purge", "--before", "2999-12-05"), ("invalid value for '--before'", "2999-12-05")),
        (("erase", "--response", "nothex"), ("--response", "'nothex'")),
        (
            ("links", "--bot-username", "tour_bot", "--web-url", "http://enquete.example.org"),
            ("invalid value for '--web-url'", "'http://enquete.example.org'"),
        ),
        (("chat", "--lang", "de"), ("invalid value for '--lang'", "'de'", "'fr', 'en'")),
        (("export", "--layout", "tall"), ("invalid value for '--layout'", "'tall'")),
        (("run", "--port", "abc"), ("invalid value for '--port'", "'abc'")),
    ],
)
def test_a_value_refused_is_one_line_naming_the_option_and_the_value(
    tmp_path: Path, args: tuple[str, ...], named: tuple[str, ...]
) -> None:
    line = one_error_line(surveybot(tmp_path, *args))

    for part in named:
        assert part in line, line


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ("stats", "--bogus"),
            "error: no such option '--bogus' (see 'python -m bot stats --help')",
        ),
        (
            ("stats", "--stage"),
            "error: option '--stage' requires an argument (see 'python -m bot stats --help')",
        ),
        (("migrate-db",), "error: missing option '--to' (see 'python -m bot migrate-db --help')"),
        (
            ("chat", "pithiviers"),
            "error: got unexpected extra argument (pithiviers) (see 'python -m bot chat --help')",
        ),
        (("--bogus",), "error: no such option '--bogus' (see 'python -m bot --help')"),
    ],
)
def test_a_command_typed_wrong_is_one_line_pointing_to_its_help(
    tmp_path: Path, args: tuple[str, ...], said: str
) -> None:
    assert one_error_line(surveybot(tmp_path, *args)) == said.replace("python -m bot", PROG)


def test_qr_points_to_links_out_and_lists_the_commands(tmp_path: Path) -> None:
    line = one_error_line(surveybot(tmp_path, "qr", "fablab_gien"))

    assert line.startswith("error: no command 'qr'; "), line
    assert "'surveybot links --bot-username NAME --out DIR' (or --web-url URL)" in line
    listed = line.split("; the commands are: ", 1)[1].split(", ")
    assert sorted(listed) == sorted(main.commands)


def test_a_misspelt_command_is_guessed(tmp_path: Path) -> None:
    line = one_error_line(surveybot(tmp_path, "exprot"))

    assert line.startswith("error: no command 'exprot'; the commands are: "), line
    assert line.endswith(", erase; did you mean 'export'?"), line
    assert "the commands are: validate, " in line


def test_a_misspelt_option_is_guessed_in_our_words(tmp_path: Path) -> None:
    line = one_error_line(surveybot(tmp_path, "export", "--bomm"))
    assert line == (
        "error: no such option '--bomm'; did you mean '--bom' or '--db'? "
        "(see 'python -m bot export --help')".replace("python -m bot", PROG)
    )
