"""SURVEYBOT_CLOSED and `--closed`: read by `run` and `serve` (the upkeep settings both load),
carried to the policy, the conversation and the web chat; a real `serve --closed` says so."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.cli.loading import load_settings
from bot.cli.telegram import policy_of
from bot.settings import RunSettings, UpkeepSettings, WebAndBotSettings, WebSettings
from tests.web.driver import Visitor
from tests.web.test_serve_command import free_port, wait_until_serving

CLOSED = "Le questionnaire est clos"


@pytest.mark.parametrize("group", [RunSettings, WebSettings, WebAndBotSettings])
@pytest.mark.parametrize("said", ["1", "true", "yes", "oui", " Oui "])
def test_the_variable_closes_what_run_and_serve_load(
    work: Path, monkeypatch: pytest.MonkeyPatch, group: type[UpkeepSettings], said: str
) -> None:
    assert load_settings(group).closed is False  # open unless said
    monkeypatch.setenv("SURVEYBOT_CLOSED", said)

    settings = load_settings(group)

    assert settings.closed is True
    assert policy_of(settings).closed is True


@pytest.mark.parametrize("said", ["0", "false", "non"])
def test_a_no_in_either_language_keeps_it_open(
    work: Path, monkeypatch: pytest.MonkeyPatch, said: str
) -> None:
    monkeypatch.setenv("SURVEYBOT_CLOSED", said)

    assert load_settings(RunSettings).closed is False


@pytest.mark.parametrize(
    ("said", "told"),
    [
        ("2", "'2' is neither yes nor no: write 1 (or true, oui) to close the questionnaire"),
        ("", "is empty: write 1 to close the questionnaire, or remove the line"),
    ],
)
def test_a_value_neither_yes_nor_no_says_what_to_write(work: Path, said: str, told: str) -> None:
    env = {"SURVEYBOT_CLOSED": said, "SURVEYBOT_TOKEN": "1:x"}

    refused = CliRunner().invoke(main, ["run"], env=env)

    assert refused.exit_code == 2
    assert f"error: SURVEYBOT_CLOSED: {told}" in refused.stderr
    assert "valid boolean" not in refused.stderr


def test_the_flag_closes_and_no_flag_leaves_the_variable(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_settings(RunSettings, closed=True).closed is True
    monkeypatch.setenv("SURVEYBOT_CLOSED", "1")
    # A flag not given is None: the variable stands (click's False would reopen it).
    assert load_settings(RunSettings, closed=None).closed is True


@pytest.mark.parametrize("command", ["run", "serve"])
def test_both_commands_take_the_flag(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])

    assert "--closed" in result.output and "SURVEYBOT_CLOSED" in result.output


def test_a_bad_value_is_refused_by_run_and_ignored_by_export(work: Path) -> None:
    env = {"SURVEYBOT_CLOSED": "perhaps", "SURVEYBOT_TOKEN": "1:x"}

    refused = CliRunner().invoke(main, ["run"], env=env)
    exported = CliRunner().invoke(main, ["export", "-o", "responses.csv"], env=env)

    assert refused.exit_code == 2
    assert "SURVEYBOT_CLOSED" in refused.stderr and "Traceback" not in refused.stderr
    assert "SURVEYBOT_CLOSED" not in exported.stderr


@pytest.mark.parametrize("how", ["flag", "variable"])
async def test_serve_closed_says_so_on_its_cards_and_in_its_log(tmp_path: Path, how: str) -> None:
    port = free_port()
    process = _serve(tmp_path, port, closed_by=how)
    try:
        url = wait_until_serving(process, port)
        async with httpx.AsyncClient(base_url=url) as client:
            bea = Visitor(client)
            card = await bea.get("/s/pithiviers")
            assert CLOSED in card and "Répondre ici" not in card
            page = await bea.get("/chat?stage=pithiviers")
            assert CLOSED in page and page.forms == []
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
    assert process.returncode == 0, errors
    assert errors.count("the questionnaire is closed: respondents are told so") == 1


def _serve(tmp_path: Path, port: int, *, closed_by: str) -> subprocess.Popen[str]:
    """`surveybot serve`, closed by `--closed` or by SURVEYBOT_CLOSED=1, in an empty folder
    with no other surveybot setting (as `tests/web/test_serve_command.py` starts it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYBOT_")}
    env["SURVEYBOT_DB"] = str(tmp_path / "served.sqlite3")
    env["SURVEYBOT_RETENTION_DAYS"] = "keep"
    args = ["serve", "--port", str(port)]
    if closed_by == "flag":
        args.append("--closed")
    else:
        env["SURVEYBOT_CLOSED"] = "1"
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
