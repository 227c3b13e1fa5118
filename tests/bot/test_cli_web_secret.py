"""SURVEYBOT_WEB_SECRET through the real `surveybot serve`: set but empty is refused at start.

Two servers on one database must sign forms with one key. An empty value (a
blank line in one server's .env) used to be replaced by a key made up for that
process alone, and the other server refused its forms with no word why; it is
refused at start now, as an empty webhook secret is. Unset, a key is still
made up at each start, for one server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REFUSAL = (
    "error: SURVEYBOT_WEB_SECRET is set but empty: give it a long random value (such as the "
    "output of `openssl rand -hex 32`), the same on every server sharing the database, or "
    "unset it to have one made up at each start (one server only)"
)
MADE_UP = "no SURVEYBOT_WEB_SECRET: using one made up for this run"
LISTENING = "the web chat is at http://127.0.0.1:"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The environment of a server in `tmp_path`, with no SURVEYBOT_* of the machine's."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYBOT_")}
    # A Bot API nobody answers at: reaching it would fail here, never leave the machine.
    return clean | {
        "SURVEYBOT_DB": str(tmp_path / "survey.sqlite3"),
        "SURVEYBOT_API_URL": f"http://127.0.0.1:{free_port()}/bot",
    }


def serve(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(free_port()), *args],
        env=env,
        cwd=tmp_path,  # where a .env file is read from
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[str]]]:
    """The servers a test started, stopped (by their own handle) when it ends."""
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)


WEBHOOK = ("--telegram-webhook", "--webhook-url", "https://example.org/telegram")


@pytest.mark.parametrize("way", ["variable", "blank", "dotenv"])
@pytest.mark.parametrize("mode", [(), WEBHOOK], ids=["web", "web-and-bot"])
def test_an_empty_web_secret_is_refused_at_start(
    tmp_path: Path,
    env: dict[str, str],
    started: list[subprocess.Popen[str]],
    way: str,
    mode: tuple[str, ...],
) -> None:
    if way == "variable":
        env["SURVEYBOT_WEB_SECRET"] = ""  # as `export SURVEYBOT_WEB_SECRET=$UNSET` does
    elif way == "blank":
        env["SURVEYBOT_WEB_SECRET"] = "   "
    else:
        (tmp_path / ".env").write_text("SURVEYBOT_WEB_SECRET=\n", encoding="utf-8")
    if mode:
        env["SURVEYBOT_TOKEN"] = "1234:web-secret-test"
        env["SURVEYBOT_WEBHOOK_SECRET"] = "hook_secret"
    started.append(process := serve(tmp_path, env, *mode))
    try:
        _, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("the server started with an empty SURVEYBOT_WEB_SECRET")

    assert process.returncode == 1, stderr
    assert stderr.splitlines() == [REFUSAL]  # one line, before anything else


def _wait_for(process: subprocess.Popen[str], text: str) -> list[str]:
    """The lines the server wrote up to the one holding `text` (it has started)."""
    assert process.stderr is not None
    lines: list[str] = []
    for line in process.stderr:
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f"the server stopped before saying {text!r}: {''.join(lines)}")


def test_an_unset_web_secret_is_made_up_and_the_server_starts(
    tmp_path: Path, env: dict[str, str], started: list[subprocess.Popen[str]]
) -> None:
    started.append(process := serve(tmp_path, env))
    lines = _wait_for(process, LISTENING)
    assert any(MADE_UP in line for line in lines), lines


def test_a_web_secret_set_is_used_without_a_word(
    tmp_path: Path, env: dict[str, str], started: list[subprocess.Popen[str]]
) -> None:
    (tmp_path / ".env").write_text(
        "SURVEYBOT_WEB_SECRET=0123456789abcdef0123456789abcdef\n", encoding="utf-8"
    )
    started.append(process := serve(tmp_path, env))
    lines = _wait_for(process, LISTENING)
    assert not any("WEB_SECRET" in line for line in lines), lines
