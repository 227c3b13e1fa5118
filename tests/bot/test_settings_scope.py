"""Each command checks only the settings it uses: a bot-only typo does not stop the analysts.

An analyst handed the bot's `.env` (or a shell with its variables) must still be
able to chat, export, count, validate, print the links, erase and purge; the
commands that run the bot or serve still refuse the same typo, in one line.
"""

from __future__ import annotations

import csv
import io
import os
import re
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from flows import bundled_path, load_flow
from tests.support.scripts import script_for

BAD_PORT = {"SURVEYBOT_PORT": "notaport"}
# A typo in every setting only the bot or the web server reads, as a handed .env might hold.
BOT_ONLY_TYPOS = """\
SURVEYBOT_PORT=notaport
SURVEYBOT_ADMINS=12;34
SURVEYBOT_TIMEZONE=Europe/Pariss
SURVEYBOT_REMINDER_HOURS=-1
SURVEYBOT_ABANDON_AFTER_DAYS=two weeks
SURVEYBOT_RETENTION_DAYS=0
SURVEYBOT_TOKEN_FILE=
SURVEYBOT_WEBHOOK_SECRET_FILE=
"""


def invoke(*args: str | Path, env: dict[str, str] | None = None, input: str = "") -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args], env=env, input=input)


def answered(env: dict[str, str] | None = None) -> Result:
    """One respondent completes the bundled questionnaire in the terminal chat."""
    lines, _ = script_for(load_flow(bundled_path("questionnaire.yaml")), "fr")
    return invoke(
        "chat", "--stage", "pithiviers", "--lang", "fr", env=env, input="\n".join(lines) + "\n"
    )


def test_with_a_bad_port_an_analyst_still_chats_exports_and_counts(work: Path) -> None:
    chatted = answered(BAD_PORT)
    assert chatted.exit_code == 0, chatted.stderr
    assert Path("surveybot.sqlite3").is_file()

    exported = invoke("export", "-o", "responses.csv", env=BAD_PORT)
    assert exported.exit_code == 0, exported.stderr
    assert "SURVEYBOT_PORT" not in exported.stderr
    with Path("responses.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(row["stage_code"], row["status"]) for row in rows] == [("pithiviers", "completed")]

    counted = invoke("stats", env=BAD_PORT)
    assert counted.exit_code == 0, counted.stderr
    assert "pithiviers" in counted.stdout


def test_with_a_bad_port_the_other_desk_commands_run(work: Path) -> None:
    assert answered().exit_code == 0
    key = _response_keys()[0]

    for args in (
        ["validate"],
        ["links", "--bot-username", "tour_innovation_bot"],
        ["purge", "--older-than", "365", "--dry-run"],
        ["migrate-db", "--to", "copy.sqlite3"],
        ["erase", "--response", key, "--yes"],
    ):
        result = invoke(*args, env=BAD_PORT)
        assert result.exit_code == 0, (args, result.stderr)
        assert "SURVEYBOT_PORT" not in result.stderr, args
    assert _response_keys() == []  # erased


def test_a_handed_env_file_with_bot_only_typos_still_exports(work: Path) -> None:
    assert answered().exit_code == 0
    (work / ".env").write_text(BOT_ONLY_TYPOS, encoding="utf-8")

    exported = invoke("export", "--excel", "-o", "responses.csv")

    assert exported.exit_code == 0, exported.stderr
    assert "error" not in exported.stderr
    text = Path("responses.csv").read_text(encoding="utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text), delimiter=";"))) == 2  # header and one row


@pytest.mark.parametrize("command", [["run"], ["serve"], ["serve", "--telegram-webhook"]])
def test_the_bot_and_the_server_still_refuse_a_bad_port_in_one_line(
    work: Path, command: list[str]
) -> None:
    env = {**BAD_PORT, "SURVEYBOT_TOKEN": "123:abc", "SURVEYBOT_WEBHOOK_URL": "https://x.org/h"}

    result = invoke(*command, env=env)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: SURVEYBOT_PORT: should be a whole number from 1 to 65535, got 'notaport'\n"
    )
    assert not Path("surveybot.sqlite3").exists()  # refused before anything started


def test_the_bot_still_refuses_every_bot_only_typo_of_the_env_file(work: Path) -> None:
    (work / ".env").write_text(BOT_ONLY_TYPOS, encoding="utf-8")

    result = invoke("run")

    assert result.exit_code == 2
    # Each named with its line of .env, the file the organiser has to open.
    lines = {line.split(":")[1].strip() for line in result.stderr.splitlines()}
    assert all(re.fullmatch(r"SURVEYBOT_\w+ \(\.env, line \d+\)", name) for name in lines), lines
    named = sorted(name.split(" (")[0] for name in lines)
    assert named == [
        "SURVEYBOT_ABANDON_AFTER_DAYS",
        "SURVEYBOT_ADMINS",
        "SURVEYBOT_PORT",
        "SURVEYBOT_REMINDER_HOURS",
        "SURVEYBOT_RETENTION_DAYS",
        "SURVEYBOT_TIMEZONE",
        "SURVEYBOT_TOKEN_FILE",
        "SURVEYBOT_WEBHOOK_SECRET_FILE",
    ]
    assert "Traceback" not in result.stderr


def test_the_web_chat_alone_does_not_read_the_telegram_settings(work: Path) -> None:
    # Bound here, so `serve` stops at binding, after its settings were taken.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {"SURVEYBOT_ADMINS": "12;34", "SURVEYBOT_TOKEN_FILE": ""}
        result = invoke("serve", "--port", str(port), env=env)

    assert result.exit_code == 1
    assert "SURVEYBOT_" not in result.stderr
    # The bundled notice is a template, which serve says first; then the one error.
    lines = [line for line in result.stderr.splitlines() if "still holds" not in line]
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(port) in lines[0]


def test_a_telegram_flag_given_to_the_web_chat_alone_is_said_to_do_nothing(work: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke("serve", "--port", str(port), "--admins", "12")

    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "warning: --admins is only used with --telegram-webhook; ignored"
    )


def test_a_bad_setting_a_command_uses_is_still_refused(work: Path) -> None:
    result = invoke("export", env={"SURVEYBOT_DB": "ftp://files.example.org/s.db"})
    assert result.exit_code == 2
    assert result.stderr == (
        "error: SURVEYBOT_DB: unknown database scheme 'ftp': give a file path (SQLite) or a "
        "postgresql://user@host/db URL\n"
    )

    result = invoke("purge", "--older-than", "365", env={"SURVEYBOT_DB": ""})
    assert result.exit_code == 2
    assert result.stderr.startswith("error: SURVEYBOT_DB: is empty")

    result = invoke("validate", env={"SURVEYBOT_FLOW": "a.yaml", "SURVEYBOT_FLOWS": "bundled"})
    assert result.exit_code == 2
    assert result.stderr.startswith("error: SURVEYBOT_FLOW and SURVEYBOT_FLOWS are both set")


def test_a_bad_flag_is_named_with_what_was_given(work: Path) -> None:
    result = invoke("run", "--port", "0", env={"SURVEYBOT_TOKEN": "123:never-print-me"})
    assert result.exit_code == 2
    assert result.stderr == "error: --port: should be a whole number from 1 to 65535, got 0\n"


@pytest.mark.parametrize(
    "command", [["stats"], ["chat"], ["export"], ["serve"], ["run"]], ids=lambda c: c[0]
)
def test_a_settings_file_not_in_utf8_is_one_line_naming_it(work: Path, command: list[str]) -> None:
    # Saved by an editor in Latin-1: "ê" is the byte 0xEA, not UTF-8.
    Path(".env").write_bytes("# Tour\nSURVEYBOT_DB=enquête.sqlite3\n".encode("latin-1"))
    result = invoke(*command)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: cannot read the settings in {work / '.env'}: it is not UTF-8 text "
        "(line 2: byte 0xea); save it as UTF-8\n"
    )


@pytest.mark.parametrize("zone", ["Europe/Pariss", "Europe", "../../etc/passwd"])
def test_a_time_zone_that_is_none_is_named_as_such(work: Path, zone: str) -> None:
    # "Europe" is a folder of the zone database, not a zone: not a file to blame on .env.
    result = invoke("run", env={"SURVEYBOT_TOKEN": "1:x", "SURVEYBOT_TIMEZONE": zone})
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: SURVEYBOT_TIMEZONE: unknown time zone {zone!r}; for example Europe/Paris\n"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_a_settings_file_the_user_cannot_read_is_one_line_naming_it(work: Path) -> None:
    # A service's .env (mode 600, its user's), and a command run as someone else.
    Path(".env").write_text("SURVEYBOT_DB=tour.sqlite3\n", encoding="utf-8")
    Path(".env").chmod(0)
    result = invoke("stats")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: cannot read the settings in {work / '.env'}: Permission denied; make it "
        "readable by the user running surveybot, or run from another folder\n"
    )


def _response_keys() -> list[str]:
    from tests.support.sqlite import open_sqlite

    with open_sqlite("surveybot.sqlite3") as connection:
        return [key for (key,) in connection.execute("SELECT key FROM responses")]
