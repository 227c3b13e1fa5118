"""A long-polling `surveybot run` started while a webhook is set says so before removing it.

Polling and a webhook exclude each other, so the poller deletes the webhook at
start. Started against the PostgreSQL database of webhook instances (`serve
--telegram-webhook`), it used to do so without a line: from then on those
instances received nothing from Telegram, and no log anywhere said why. It
asks Telegram (getWebhookInfo) first now, and warns, naming the webhook's
address without its secrets. Warned rather than refused: a webhook stays set
after its instances stop, so going back to polling meets one too.

Real processes, the Bot API faked at the HTTP boundary (tests/support/bot_api_server.py).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.bot.test_shared_secrets_warned import TOKEN, Instance, environment
from tests.support.bot_api_server import BotAPIServer
from tests.support.bot_process import BotProcess

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")

WARNED = "WARNING bot.telegram.poller: a webhook is set, at "
NOTHING = "receive nothing from Telegram while this poller runs"


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


def poller(api: BotAPIServer, db: str, home: Path) -> BotProcess:
    env = environment(api, db, home)
    del env["SURVEYBOT_WEBHOOK_URL"]
    process = BotProcess(api, Path(db), token=TOKEN)
    process.db = db  # type: ignore[assignment]  # a PostgreSQL URL, not a file
    process.start(env)
    return process


def test_a_poller_beside_webhook_instances_warns_that_they_receive_nothing(
    api: BotAPIServer, postgres_url: str, tmp_path: Path, started: list[Instance]
) -> None:
    hooked = Instance(
        environment(api, postgres_url, tmp_path / "web", SURVEYBOT_WEBHOOK_SECRET="hook_secret")
    )
    started.append(hooked)
    hooked.wait_ready()

    polling = poller(api, postgres_url, tmp_path / "bot")
    log = polling.stop()

    warned = [line for line in log.splitlines() if WARNED in line]
    assert len(warned) == 1, log
    assert "at https://bot.example.org/telegram: polling removes it" in warned[0]
    assert NOTHING in warned[0]
    assert "hook_secret" not in log
    methods = [method for method, _ in api.state.calls]
    asked = methods.index("getWebhookInfo")
    assert methods.index("deleteWebhook", asked) > asked  # asked first, then deleted, as before


def test_the_webhook_address_is_shown_without_its_secrets(
    api: BotAPIServer, tmp_path: Path
) -> None:
    # Set by hand once, say, with a password, the token in the path and a key in the query.
    url = f"https://ops:pa55word@bot.example.org/hook/{TOKEN}?key=qu3ry-secret#frag"
    reply = httpx.post(f"{api.url}{TOKEN}/setWebhook", data={"url": url}, timeout=10)
    assert reply.status_code == 200

    home = tmp_path / "bot"
    polling = poller(api, str(home / "survey.sqlite3"), home)
    log = polling.stop()

    warned = [line for line in log.splitlines() if WARNED in line]
    assert len(warned) == 1, log
    assert "at https://bot.example.org/hook/<token>: polling removes it" in warned[0]
    for secret in ("pa55word", "qu3ry-secret", TOKEN.split(":")[1], "frag"):
        assert secret not in log


def test_no_webhook_no_word(api: BotAPIServer, tmp_path: Path) -> None:
    home = tmp_path / "bot"
    polling = poller(api, str(home / "survey.sqlite3"), home)
    log = polling.stop()

    assert WARNED not in log, log
    assert " WARNING " not in log, log
    assert "getWebhookInfo" in [method for method, _ in api.state.calls]
