"""What Telegram refuses is said in one line naming the setting at fault, never a traceback.

Two refusals operators met:

- another program polling with the same token: getUpdates answers 409 Conflict.
  The poller stops on it on purpose (two consumers would split the updates),
  and it came out as a 70-line traceback, at start and later alike, repeated
  every 5 s under systemd. One line now says who else takes the updates.
- setWebhook answered 400 ("bad webhook: ..."): BadRequest is a NetworkError in
  python-telegram-bot's tree, so the line said "cannot reach the Bot API; check
  SURVEYBOT_API_URL" while Telegram had answered: the fault is the webhook URL.

Real `surveybot` processes against the fake Bot API (tests/support/bot_api_server.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.bot_api_server import BotAPIServer
from tests.support.postgres import free_port

TOKEN = "123456:TEST-token-never-real"
CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
OTHER_PROGRAM = "another program is taking this bot's updates with the same token"
HOOK = "https://enquete.example.org:8000/telegram"


@pytest.fixture
def api() -> Iterator[BotAPIServer]:
    with BotAPIServer() as running:
        yield running


def answer(api: BotAPIServer, how: Callable[[str, dict[str, Any]], tuple[int, Any] | None]) -> None:
    """Answer the calls `how` answers (not None) that way, the rest as the fake API does."""
    usual = api.state.call

    def call(method: str, params: dict[str, Any]) -> tuple[int, Any]:
        answered = how(method, params)
        if answered is None:
            return usual(method, params)
        with api.state.lock:
            api.state.calls.append((method, params))
        return answered

    api.state.call = call  # type: ignore[method-assign]


def surveybot(api: BotAPIServer, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYBOT_")}
    env |= {
        "SURVEYBOT_TOKEN": TOKEN,
        "SURVEYBOT_API_URL": api.url,
        "SURVEYBOT_DB": str(tmp_path / "bot.sqlite3"),
        "SURVEYBOT_RETENTION_DAYS": "keep",
        "SURVEYBOT_WEBHOOK_SECRET": "hook_secret",
        "SURVEYBOT_WEB_SECRET": "w" * 40,
        "SURVEYBOT_PORT": str(free_port()),
        "HOME": str(tmp_path),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The error line, after checking it is the only word of the failure."""
    assert result.returncode != 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: "), result.stderr
    assert TOKEN not in result.stderr
    return last


def test_another_poller_at_start_is_one_line_naming_who_takes_the_updates(
    api: BotAPIServer, tmp_path: Path
) -> None:
    answer(api, lambda method, _: (409, CONFLICT) if method == "getUpdates" else None)

    line = one_line(surveybot(api, tmp_path, "run"))

    assert OTHER_PROGRAM in line
    assert "a laptop left running" in line
    assert "serve --telegram-webhook" in line
    assert "terminated by other getUpdates request" in line  # Telegram's own words too
    assert "cannot reach" not in line


def test_another_poller_after_a_while_is_the_same_line(api: BotAPIServer, tmp_path: Path) -> None:
    fetched = {"n": 0}

    def later(method: str, _: dict[str, Any]) -> tuple[int, Any] | None:
        if method != "getUpdates":
            return None
        fetched["n"] += 1
        return (409, CONFLICT) if fetched["n"] > 2 else None  # two rounds run as usual

    answer(api, later)

    result = surveybot(api, tmp_path, "run")

    line = one_line(result)
    assert OTHER_PROGRAM in line
    assert "surveybot is running as @" in result.stderr  # it had started
    assert fetched["n"] == 3


REFUSALS = [
    "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443",
    "Bad Request: bad webhook: Failed to resolve host: Name or service not known",
]
WEBHOOK_COMMANDS = [
    ["serve", "--telegram-webhook", "--webhook-url", HOOK],
    ["run", "--webhook-url", HOOK],
]


@pytest.mark.parametrize("refusal", REFUSALS)
@pytest.mark.parametrize("command", WEBHOOK_COMMANDS, ids=lambda command: command[0])
def test_a_webhook_address_telegram_refuses_is_said_so_with_its_reason(
    api: BotAPIServer, tmp_path: Path, command: list[str], refusal: str
) -> None:
    answer(api, lambda method, _: (400, refusal) if method == "setWebhook" else None)

    line = one_line(surveybot(api, tmp_path, *command))

    assert line.startswith(f"error: Telegram refused the webhook address {HOOK}: ")
    assert refusal.split("Bad Request: ", 1)[1].lower() in line.lower()  # Telegram's reason
    assert "check SURVEYBOT_WEBHOOK_URL" in line
    assert "cannot reach" not in line
    assert "SURVEYBOT_API_URL" not in line
    assert "hook_secret" not in line


@pytest.mark.parametrize(
    ("status", "description"),
    [(400, "Bad Request: chat not found"), (403, "Forbidden: bot was blocked by the user")],
)
def test_other_refusals_at_start_are_not_called_unreachable(
    api: BotAPIServer, tmp_path: Path, status: int, description: str
) -> None:
    # deleteWebhook comes before polling: refused, as a Bot API server of one's own might.
    answer(api, lambda method, _: (status, description) if method == "deleteWebhook" else None)

    line = one_line(surveybot(api, tmp_path, "run"))

    assert "the Bot API was reached but refused a request" in line
    assert description.split(": ", 1)[1].lower() in line.lower()
    assert "cannot reach" not in line
