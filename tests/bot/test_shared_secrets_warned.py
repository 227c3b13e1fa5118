"""Instances on one PostgreSQL database with different secrets: said, not silent.

The README asks every instance sharing a database for the same
SURVEYBOT_WEB_SECRET and SURVEYBOT_WEBHOOK_SECRET. A second machine set up
without them used to start with secrets of its own, said in one INFO line: its
forms were refused by the others, and its setWebhook gave Telegram a secret
the first instance then refused at every update (403), with nothing in either
log and /health still 200. Now, on PostgreSQL, a made-up secret is a WARNING
saying what breaks and what to set (on SQLite, one machine, it stays INFO), and
an instance refusing webhook calls that carry another secret says so, once a
minute with a count, never quoting the secret or the update.

Real `surveybot serve --telegram-webhook` processes, the Bot API faked at the
HTTP boundary (tests/support/bot_api_server.py).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.bot_api_server import BotAPIServer
from tests.support.webhook_instance import WebhookInstance

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")

TOKEN = "1234:shared-secrets"
SECRET_A = "instance-a-secret-0123456789"
HOOK = "/telegram"
FLOW = (
    "id: tiny\nversion: 1\ntitle: {fr: Petit}\nlanguages: [fr]\nsections:\n"
    "  - id: all\n    title: {fr: Tout}\n    steps:\n"
    "      - {id: q1, type: text, text: {fr: 'Q1 ?'}}\n"
)
WEB_MADE_UP = "WARNING bot.cli.serve: no SURVEYBOT_WEB_SECRET: using one made up for this run"
HOOK_MADE_UP = (
    "WARNING bot.cli.credentials: no SURVEYBOT_WEBHOOK_SECRET: using one made up for this run"
)
REFUSED = "WARNING bot.telegram.webhook: refused a webhook call (403): it carries another secret"


class Instance(WebhookInstance):
    """One `surveybot serve --telegram-webhook` on its own port; stderr kept when stopped."""

    def __init__(self, env: dict[str, str]) -> None:
        # In its HOME: no .env of the machine's.
        super().__init__(env, ["serve", "--telegram-webhook"], hook=HOOK, cwd=env["HOME"])


@pytest.fixture
def api() -> Iterator[BotAPIServer]:
    with BotAPIServer() as running:
        yield running


@pytest.fixture
def started() -> Iterator[list[Instance]]:
    instances: list[Instance] = []
    yield instances
    for instance in instances:
        instance.stop()


def environment(api: BotAPIServer, db: str, home: Path, **extra: str) -> dict[str, str]:
    home.mkdir(exist_ok=True)
    flow = home / "tiny.yaml"
    flow.write_text(FLOW, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYBOT_")}
    return clean | {
        "HOME": str(home),
        "SURVEYBOT_TOKEN": TOKEN,
        "SURVEYBOT_API_URL": api.url,
        "SURVEYBOT_DB": db,
        "SURVEYBOT_FLOW": str(flow),
        "SURVEYBOT_WEBHOOK_URL": f"https://bot.example.org{HOOK}",
        "SURVEYBOT_REMINDER_HOURS": "0",
        **extra,
    }


def secret_given_to_telegram(api: BotAPIServer) -> str:
    """The secret_token of the last setWebhook: what Telegram sends from then on."""
    with api.state.lock:
        calls = [params for method, params in api.state.calls if method == "setWebhook"]
    return str(calls[-1]["secret_token"])


def update(update_id: int) -> str:
    message = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": 81_000, "type": "private", "first_name": "T"},
        "from": {"id": 81_000, "is_bot": False, "first_name": "T", "language_code": "fr"},
        "text": f"a private answer {update_id}",
    }
    return json.dumps({"update_id": update_id, "message": message})


def test_a_second_instance_without_the_secrets_is_warned_of_and_its_calls_said_refused(
    api: BotAPIServer, postgres_url: str, tmp_path: Path, started: list[Instance]
) -> None:
    web_secret = "0123456789abcdef0123456789abcdef"
    first = Instance(
        environment(
            api,
            postgres_url,
            tmp_path / "a",
            SURVEYBOT_WEBHOOK_SECRET=SECRET_A,
            SURVEYBOT_WEB_SECRET=web_secret,
        )
    )
    started.append(first)
    first.wait_ready()
    # The second machine, set up without the secrets: it gives Telegram its own.
    second = Instance(environment(api, postgres_url, tmp_path / "b"))
    started.append(second)
    second.wait_ready()
    made_up = secret_given_to_telegram(api)
    assert made_up != SECRET_A

    # Telegram posts to the first instance with the second's secret: every call refused.
    for update_id in (1, 2, 3):
        reply = httpx.post(
            first.url,
            content=update(update_id),
            headers={
                "X-Telegram-Bot-Api-Secret-Token": made_up,
                "content-type": "application/json",
            },
            timeout=10,
        )
        assert reply.status_code == 403
    # A call without the header at all is not Telegram's: refused, not said.
    assert httpx.post(first.url, content=update(4), timeout=10).status_code == 403
    assert httpx.get(f"http://127.0.0.1:{first.port}/health", timeout=10).status_code == 200

    first_log, second_log = first.stop(), second.stop()
    warnings = [line for line in second_log.splitlines() if " WARNING " in line]
    assert any(WEB_MADE_UP in line for line in warnings), second_log
    assert any(HOOK_MADE_UP in line for line in warnings), second_log
    hook_warning = next(line for line in warnings if HOOK_MADE_UP in line)
    assert "set the same SURVEYBOT_WEBHOOK_SECRET on every instance" in hook_warning
    web_warning = next(line for line in warnings if WEB_MADE_UP in line)
    assert "set the same SURVEYBOT_WEB_SECRET on every server" in web_warning

    refused = [line for line in first_log.splitlines() if REFUSED in line]
    assert len(refused) == 1, first_log  # three calls, one line: once a minute at most
    assert "times more since it was last said" not in refused[0]  # the first: no count
    assert "different SURVEYBOT_WEBHOOK_SECRET" in refused[0]
    for secret in (made_up, SECRET_A, web_secret):
        assert secret not in first_log + second_log
    assert "private answer" not in first_log
    assert not any(" WARNING " in line for line in first_log.splitlines() if line not in refused)


def test_on_sqlite_a_made_up_secret_stays_a_note(
    api: BotAPIServer, tmp_path: Path, started: list[Instance]
) -> None:
    home = tmp_path / "one"
    instance = Instance(environment(api, str(home / "survey.sqlite3"), home))
    started.append(instance)
    instance.wait_ready()
    lines = instance.stop().splitlines()
    assert any("INFO bot.cli.serve: no SURVEYBOT_WEB_SECRET" in line for line in lines), lines
    assert any("INFO bot.cli.credentials: no SURVEYBOT_WEBHOOK_SECRET" in line for line in lines)
    assert not any(" WARNING " in line for line in lines), lines
