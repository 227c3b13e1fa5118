"""A service stopped while it starts ends at once and cleanly, whichever way it runs.

The server (or the poller) catches SIGTERM and SIGINT once it runs. Before, a
SIGTERM from a service manager stopping a bot it had just started killed the
process outright (status -15, its database not closed), and a Ctrl+C while
Telegram did not answer waited for the start to end. The start is cancelled
now: the process says so in one line and exits 0.

Real `surveybot` processes against the fake Bot API, which holds the call the
start waits on, so the signal comes at a known point of it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.bot_api_server import BotAPIServer
from tests.support.postgres import free_port

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")

TOKEN = "123456:TEST-token-never-real"
STOPPED = "surveybot stopped before it had started: nothing was served."
HOOK = ["--webhook-url", "https://enquete.example.org/telegram"]

MODES = {
    # Long polling waits on getMe first (python-telegram-bot's initialisation).
    "run": (["run"], "getMe"),
    # Then on deleteWebhook: until it is answered the poller has not started.
    "run (deleteWebhook)": (["run"], "deleteWebhook"),
    "run --webhook-url": (["run", *HOOK], "setWebhook"),
    "serve --telegram-webhook": (["serve", "--telegram-webhook", *HOOK], "setWebhook"),
}


@pytest.fixture
def bot_api() -> Iterator[BotAPIServer]:
    with BotAPIServer() as running:
        yield running
        running.state.release()  # a call still held must not outlive the test


def start(bot_api: BotAPIServer, tmp_path: Path, args: list[str]) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYBOT_")}
    env |= {
        "HOME": str(tmp_path),
        "SURVEYBOT_TOKEN": TOKEN,
        "SURVEYBOT_API_URL": bot_api.url,
        "SURVEYBOT_DB": str(tmp_path / "bot.sqlite3"),
        "SURVEYBOT_WEB_SECRET": "w" * 40,
        "SURVEYBOT_PORT": str(free_port()),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@contextlib.contextmanager
def held_at(
    bot_api: BotAPIServer, tmp_path: Path, args: list[str], waited_on: str
) -> Iterator[subprocess.Popen[str]]:
    """A `surveybot` process waiting on the Bot API's `waited_on`, killed if the test
    leaves it running."""
    bot_api.state.hold(waited_on)
    process = start(bot_api, tmp_path, args)
    try:
        bot_api.state.wait_for(
            lambda: bot_api.state.waiting_in_hold.get(waited_on) == 1 or process.poll() is not None
        )
        assert process.poll() is None, process.communicate()[1]
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("mode", MODES)
def test_a_signal_during_the_start_stops_it_at_once_and_cleanly(
    bot_api: BotAPIServer, tmp_path: Path, mode: str, signum: signal.Signals
) -> None:
    args, waited_on = MODES[mode]
    with held_at(bot_api, tmp_path, args, waited_on) as process:
        process.send_signal(signum)
        process.send_signal(signum)  # a second one does not cut the clean-up short
        errors = process.communicate(timeout=15)[1]

    assert process.returncode == 0, errors
    assert errors.rstrip().endswith(STOPPED), errors
    assert "Traceback" not in errors


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_late_second_signal_while_the_process_ends_does_not_kill_it(
    bot_api: BotAPIServer, tmp_path: Path, signum: signal.Signals
) -> None:
    # The second signal comes once the start has unwound and said so: the event loop
    # is closed by then, and closing it used to give the signals their default back.
    with held_at(bot_api, tmp_path, ["run"], "getMe") as process:
        process.send_signal(signum)
        assert process.stderr is not None
        said = []
        for line in process.stderr:
            said.append(line)
            if line.startswith("surveybot stopped"):
                process.send_signal(signum)
                break
        errors = "".join(said) + process.communicate(timeout=15)[1]

    assert process.returncode == 0, errors
    assert errors.rstrip().endswith(STOPPED), errors


# What runs after the server has stopped: the caller's clean-up (the store closed),
# which a second Ctrl+C or a service manager's second SIGTERM must not cut short.
AFTER_SERVING = """
import asyncio, os, signal
from starlette.applications import Starlette
from bot.http.server import bind, serve

async def main():
    stop = asyncio.Event()
    stop.set()  # served, then asked to stop
    await serve(Starlette(), bind("127.0.0.1", 0), stop)
    for signum in (signal.SIGTERM, signal.SIGINT):
        os.kill(os.getpid(), signum)
    await asyncio.sleep(0.3)  # the clean-up, while the signals arrive
    print("cleaned up")

asyncio.run(main())
"""


def test_signals_while_a_server_stops_do_not_cut_its_clean_up_short() -> None:
    done = subprocess.run(
        [sys.executable, "-c", AFTER_SERVING], capture_output=True, text=True, timeout=30
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout == "cleaned up\n", done.stderr
