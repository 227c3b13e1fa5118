"""`surveybot run` as someone setting it up for the first time meets it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.telegram import build_application
from flows import bundled_path, load_flow


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.chdir(tmp_path)  # no stray .env file
    for name in ("SURVEYBOT_TOKEN", "SURVEYBOT_API_URL", "SURVEYBOT_DB", "SURVEYBOT_ADMINS"):
        monkeypatch.delenv(name, raising=False)
    # `run` sets up the process's logging (a handler that hides the token): undo it after.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield CliRunner()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_without_a_token_one_line_says_how_to_get_one(runner: CliRunner) -> None:
    result = runner.invoke(main, ["run"])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "@BotFather" in result.stderr
    assert "SURVEYBOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr
    assert not Path("surveybot.sqlite3").exists()


def test_the_token_flag_still_works_but_warns_of_the_process_list(runner: CliRunner) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on: no call leaves the machine
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = runner.invoke(
        main, ["run", "--token", "1:flag-token", "--api-url", f"http://127.0.0.1:{port}/bot"]
    )

    # The token was taken (the bot tried the API with it), with a word on where it belongs.
    assert result.exit_code == 1
    assert "cannot reach the Bot API" in result.stderr
    assert "warning: --token shows the bot token to every user of this machine" in result.stderr
    assert "SURVEYBOT_TOKEN" in result.stderr and "--token-file PATH" in result.stderr
    assert "1:flag-token" not in result.stderr
    assert "--token " not in runner.invoke(main, ["run", "--help"]).stdout
    assert "--token-file" in runner.invoke(main, ["run", "--help"]).stdout


def test_malformed_admin_ids_are_named(runner: CliRunner) -> None:
    result = runner.invoke(main, ["run", "--admins", "12,abc"], env={"SURVEYBOT_TOKEN": "1:x"})

    assert result.exit_code == 2
    # Named as given, the flag, once: not "--admins: SURVEYBOT_ADMINS must be ..." any more.
    assert result.stderr.startswith("error: --admins: give Telegram user ids separated by commas")
    assert "Traceback" not in result.stderr


def test_a_self_hosted_api_url_is_used_for_calls_and_files() -> None:
    application = build_application(
        token="1:x",
        flow=load_flow(bundled_path("questionnaire.yaml")),
        stages=[],
        api_url="http://127.0.0.1:8081/bot",
    )
    assert application.bot.base_url == "http://127.0.0.1:8081/bot1:x"
    assert application.bot.base_file_url == "http://127.0.0.1:8081/file/bot1:x"


def test_an_unreachable_api_is_one_clear_line_without_the_token(
    runner: CliRunner, tmp_path: Path
) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = "987654:never-print-me"
    result = runner.invoke(
        main,
        ["run", "--api-url", f"http://127.0.0.1:{port}/bot", "--db", "x.sqlite3"],
        env={"SURVEYBOT_TOKEN": token},
    )

    assert result.exit_code == 1
    assert "cannot reach the Bot API" in result.stderr
    assert token not in result.stderr
    assert token not in result.stdout
    assert "Traceback" not in result.stderr


def test_the_log_filter_hides_the_token_in_messages_and_tracebacks() -> None:
    import io
    import logging

    from bot.logs import RedactToken

    token = "555:very-secret"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactToken(token))
    log = logging.getLogger("test.redact")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("POST https://api.telegram.org/bot%s/getUpdates failed", token)
        try:
            raise OSError(f"cannot connect to https://api.telegram.org/bot{token}/sendMessage")
        except OSError:
            log.exception("network error")
    finally:
        log.removeHandler(handler)
    output = stream.getvalue()
    assert token not in output
    assert output.count("<token>") == 2
