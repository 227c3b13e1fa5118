"""The bot token and the webhook secret, as someone setting up a server meets them.

An empty or invalid webhook secret is refused at start, one line, exit 1, before
anything is created; an unset one is made up, registered with setWebhook and
required. The token comes from SURVEYBOT_TOKEN or a file; the old flags work,
with a warning about the list of processes.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from bot.telegram.webhook import SECRET_HEADER, secret_problem
from tests.bot.test_webhook import start_update, tap_update
from tests.support.bot_api_server import BotAPIServer
from tests.support.sqlite import open_sqlite

HOOK = "https://bot.example.org/hook"
WEBHOOK_COMMANDS = {
    "run": ["run", "--webhook-url", HOOK],
    "serve": ["serve", "--telegram-webhook", "--webhook-url", HOOK],
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.chdir(tmp_path)  # no stray .env file; the database would land here
    for name in [n for n in os.environ if n.startswith("SURVEYBOT_")]:
        monkeypatch.delenv(name)
    # A Bot API nobody answers at: reaching it would say "cannot reach", never leave the machine.
    monkeypatch.setenv("SURVEYBOT_API_URL", f"http://127.0.0.1:{free_port()}/bot")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield CliRunner()
    root.handlers[:] = handlers
    root.setLevel(level)


def refused_at_start(result: Result) -> None:
    """Exit 1 with one clear line, before the API is called or the database created."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith("error: ")
    assert "Traceback" not in result.stderr
    assert "cannot reach the Bot API" not in result.stderr
    assert not Path("surveybot.sqlite3").exists()


# --- the webhook secret -------------------------------------------------------------


@pytest.mark.parametrize("command", WEBHOOK_COMMANDS.values(), ids=WEBHOOK_COMMANDS.keys())
@pytest.mark.parametrize("way", ["variable", "dotenv", "flag", "file"])
def test_an_empty_webhook_secret_is_refused_at_start(
    runner: CliRunner, command: list[str], way: str
) -> None:
    args, env = list(command), {"SURVEYBOT_TOKEN": "1:x"}
    if way == "variable":
        env["SURVEYBOT_WEBHOOK_SECRET"] = ""  # as `export SURVEYBOT_WEBHOOK_SECRET=$UNSET` does
    elif way == "dotenv":
        Path(".env").write_text("SURVEYBOT_WEBHOOK_SECRET=\n", encoding="utf-8")
    elif way == "flag":
        args += ["--webhook-secret", ""]
    else:
        Path("secret.txt").write_text("\n", encoding="utf-8")
        args += ["--webhook-secret-file", "secret.txt"]

    result = runner.invoke(main, args, env=env)

    refused_at_start(result)
    assert "webhook secret" in result.stderr
    assert "is empty" in result.stderr


@pytest.mark.parametrize("command", WEBHOOK_COMMANDS.values(), ids=WEBHOOK_COMMANDS.keys())
@pytest.mark.parametrize(
    "secret",
    ["two words", "sécret-accentué", "slash/in-it", "x" * 257],
    ids=["space", "accent", "slash", "too-long"],
)
def test_a_secret_telegram_would_refuse_is_refused_at_start_without_showing_it(
    runner: CliRunner, command: list[str], secret: str
) -> None:
    result = runner.invoke(
        main, command, env={"SURVEYBOT_TOKEN": "1:x", "SURVEYBOT_WEBHOOK_SECRET": secret}
    )

    refused_at_start(result)
    assert "1 to 256 characters of A-Z, a-z, 0-9, _ and -" in result.stderr
    assert "Unset it to have one made up at each start" in result.stderr
    assert secret not in result.stderr


def test_the_secret_rule_is_telegrams() -> None:
    assert secret_problem("x") is None
    assert secret_problem("Ab_-09" * 42 + "abcd") is None  # 256 characters
    assert secret_problem("") == "is empty"
    assert secret_problem("x" * 257) == "has 257 characters"
    assert secret_problem("a=b") == "holds characters Telegram does not allow"


def test_the_secret_flag_still_works_with_a_warning(runner: CliRunner) -> None:
    result = runner.invoke(
        main,
        [*WEBHOOK_COMMANDS["run"], "--webhook-secret", "Good_secret-1", "--port", str(free_port())],
        env={"SURVEYBOT_TOKEN": "1:x"},
    )

    # Taken: the bot went on to call the (unreachable) API.
    assert result.exit_code == 1
    assert "cannot reach the Bot API" in result.stderr
    assert "warning: --webhook-secret shows the webhook secret to every user" in result.stderr
    assert "SURVEYBOT_WEBHOOK_SECRET" in result.stderr
    assert "Good_secret-1" not in result.stderr


def test_a_secret_given_twice_is_refused(runner: CliRunner) -> None:
    Path("secret.txt").write_text("From_file\n", encoding="utf-8")
    result = runner.invoke(
        main,
        [*WEBHOOK_COMMANDS["run"], "--webhook-secret-file", "secret.txt"],
        env={"SURVEYBOT_TOKEN": "1:x", "SURVEYBOT_WEBHOOK_SECRET": "From_env"},
    )

    refused_at_start(result)
    assert "given twice" in result.stderr


# --- the token ----------------------------------------------------------------------


def write_file(kind: str) -> Path:
    """A token file that is wrong in the way `kind` says."""
    path = Path("token.txt")
    if kind == "missing":
        return path
    if kind == "folder":
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "blank":
        path.write_bytes(b" \n\n")
    elif kind == "huge":
        path.write_bytes(b"1:" + b"x" * 10_000)
    elif kind == "binary":
        path.write_bytes(b"\xff\xfe\x00\x01")
    return path


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("missing", "does not exist"),
        ("folder", "is a folder, not a file"),
        ("empty", "is empty"),
        ("blank", "is empty"),
        ("huge", "is over 4096 bytes: it holds more than a bot token"),
        ("binary", "is not text"),
    ],
)
@pytest.mark.parametrize("way", ["flag", "variable"])
def test_a_token_file_that_cannot_serve_says_why(
    runner: CliRunner, kind: str, says: str, way: str
) -> None:
    path = write_file(kind)
    if way == "flag":
        result = runner.invoke(main, ["run", "--token-file", str(path)])
    else:
        result = runner.invoke(main, ["run"], env={"SURVEYBOT_TOKEN_FILE": str(path)})

    refused_at_start(result)
    assert f"the bot token file {path} {says}" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_token_file_says_so(runner: CliRunner) -> None:
    path = Path("token.txt")
    path.write_text("1:x\n", encoding="utf-8")
    path.chmod(0)

    result = runner.invoke(main, ["run", "--token-file", str(path)])

    refused_at_start(result)
    assert "permission denied" in result.stderr


def test_an_empty_token_file_variable_is_named(runner: CliRunner) -> None:
    result = runner.invoke(main, ["run"], env={"SURVEYBOT_TOKEN_FILE": ""})

    assert result.exit_code == 2
    assert "SURVEYBOT_TOKEN_FILE" in result.stderr and "is empty" in result.stderr


def test_a_token_given_twice_is_refused(runner: CliRunner) -> None:
    Path("token.txt").write_text("1:from-file\n", encoding="utf-8")
    result = runner.invoke(
        main, ["run", "--token-file", "token.txt"], env={"SURVEYBOT_TOKEN": "1:from-env"}
    )

    refused_at_start(result)
    assert "given twice" in result.stderr
    assert "1:from-env" not in result.stderr and "1:from-file" not in result.stderr


@pytest.mark.parametrize(
    "token", ["garbage", "987654", ":XYZ", "987654:XYZ x", '"987654:XYZ"', "98a:XYZ"]
)
def test_a_token_of_the_wrong_shape_is_refused_before_any_call(
    runner: CliRunner, token: str
) -> None:
    result = runner.invoke(main, ["run"], env={"SURVEYBOT_TOKEN": token})

    refused_at_start(result)
    assert "the bot token (SURVEYBOT_TOKEN) is not one: @BotFather gives a number" in (
        result.stderr
    )
    assert token not in result.stderr  # a mistyped real token is still a secret


class RecordingAPI:
    """A Bot API on 127.0.0.1 that refuses every token, remembering the paths it was called at."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        paths = self.paths

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                paths.append(self.path)
                body = json.dumps(
                    {"ok": False, "error_code": 401, "description": "Unauthorized"}
                ).encode()
                self.send_response(401)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/bot"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("way", ["flag", "variable"])
def test_the_token_file_is_read_without_its_trailing_newline(runner: CliRunner, way: str) -> None:
    Path("token.txt").write_text("123:from-the-file\n", encoding="utf-8")
    api = RecordingAPI()
    try:
        env = {"SURVEYBOT_API_URL": api.url}
        if way == "flag":
            result = runner.invoke(main, ["run", "--token-file", "token.txt"], env=env)
        else:
            result = runner.invoke(main, ["run"], env={**env, "SURVEYBOT_TOKEN_FILE": "token.txt"})
    finally:
        api.close()

    assert api.paths and api.paths[0] == "/bot123:from-the-file/getMe"
    assert result.exit_code == 1
    assert "Telegram refused the token" in result.stderr
    assert "from-the-file" not in result.stderr
    # No warning about the token (the bundled notice's, a template's, is said all the same).
    assert not [
        line for line in result.stderr.splitlines() if "token" in line.lower() and "warning" in line
    ]


@pytest.mark.parametrize("refused", [True, False], ids=["token refused", "no network"])
def test_serve_with_the_webhook_says_what_stops_it_in_one_line_without_the_token(
    runner: CliRunner, refused: bool
) -> None:
    api = RecordingAPI() if refused else None
    env = {
        "SURVEYBOT_TOKEN": "123:kept-secret",
        "SURVEYBOT_WEBHOOK_URL": "https://enquete.example.org/telegram",
        "SURVEYBOT_PORT": str(free_port()),
        **({"SURVEYBOT_API_URL": api.url} if api else {}),  # else: nobody answers there
    }
    try:
        result = runner.invoke(main, ["serve", "--telegram-webhook"], env=env)
    finally:
        if api:
            api.close()

    assert result.exit_code == 1, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    said = "Telegram refused the token" if refused else "cannot reach the Bot API"
    assert last.startswith(f"error: {said}")
    assert "kept-secret" not in result.stderr and "Traceback" not in result.stderr


# --- no secret configured: one made up, registered, required (a real process) ---------


def wait_until(predicate: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("not in time")
        time.sleep(0.05)


@pytest.fixture
def webhook_bot(tmp_path: Path) -> Iterator[tuple[BotAPIServer, subprocess.Popen[str], str]]:
    """`surveybot run -v --webhook-url` without a secret, against a Bot API on 127.0.0.1."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    with BotAPIServer() as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYBOT_")}
        env |= {
            "SURVEYBOT_TOKEN": "1234:webhook-test",
            "SURVEYBOT_API_URL": server.url,
            "SURVEYBOT_DB": str(tmp_path / "hook.sqlite3"),
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "-v", "--webhook-url", url, "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            yield server, process, url
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=10)


def test_without_a_secret_one_is_made_up_registered_and_required(
    webhook_bot: tuple[BotAPIServer, subprocess.Popen[str], str], tmp_path: Path
) -> None:
    server, process, url = webhook_bot
    calls = server.state.calls
    wait_until(lambda: any(method == "setWebhook" for method, _ in calls))
    registered = next(params for method, params in calls if method == "setWebhook")
    secret = registered["secret_token"]
    assert secret_problem(secret) is None and len(secret) >= 32
    assert registered["url"] == url

    with httpx.Client(timeout=20) as client:
        wait_until(lambda: _listening(client, url))
        forged = json.dumps(start_update(1, "/start pithiviers", user_id=88))
        for headers in ({}, {SECRET_HEADER: "guess"}, {SECRET_HEADER: ""}):
            assert client.post(url, content=forged, headers=headers).status_code == 403
        assert server.state.chat(88) == []  # nothing was answered, nothing applied

        def post(update: dict[str, Any]) -> None:
            reply = client.post(url, content=json.dumps(update), headers={SECRET_HEADER: secret})
            assert reply.status_code == 200

        update = start_update(2, "/start pithiviers", user_id=88)
        update["message"]["from"]["first_name"] = "Zéphyrine"
        post(update)
        notice = server.state.chat(88)[-1]
        agree = notice["reply_markup"]["inline_keyboard"][0][0]
        post(tap_update(3, agree["callback_data"], notice["message_id"], user_id=88))
        post(start_update(4, "Fromagerie Quintessence", user_id=88))

    process.send_signal(signal.SIGTERM)
    _, log = process.communicate(timeout=20)
    assert process.returncode == 0, log
    with open_sqlite(tmp_path / "hook.sqlite3") as connection:
        answers = connection.execute("SELECT value_json FROM answers").fetchall()
    assert answers == [('"Fromagerie Quintessence"',)]
    # -v logged the updates, but neither the name nor the answer, nor the secret.
    assert "update_id=4" in log
    assert "Zéphyrine" not in log
    assert "Fromagerie Quintessence" not in log
    assert secret not in log


def _listening(client: httpx.Client, url: str) -> bool:
    try:
        client.get(url)
    except httpx.ConnectError:
        return False
    return True
