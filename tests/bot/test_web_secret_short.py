"""A short SURVEYBOT_WEB_SECRET, through the real `surveybot serve`: warned of at start.

It signs every form of the web chat; `abc` was taken without a word. A key shorter
than 32 characters is warned of now, saying how to make one; it is still used, as
servers already running with one must keep starting.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main


def warning(length: int) -> str:
    return (
        f"warning: SURVEYBOT_WEB_SECRET is {length} characters long: a short key can be "
        "guessed, and whoever guesses it can forge the web chat's forms; give it at least 32 "
        "random characters, such as the output of `openssl rand -hex 32` (the same on every "
        "server sharing the database)"
    )


@pytest.fixture
def held_port() -> Iterator[int]:
    """A port this test listens on: the server stops at it once its start checks are done."""
    with socket.create_server(("127.0.0.1", 0)) as held:
        yield held.getsockname()[1]


WEBHOOK = ("--telegram-webhook", "--webhook-url", "https://enquete.example.org/telegram")


def serve(port: int, secret: str | None, *args: str) -> Result:
    env = {"SURVEYBOT_RETENTION_DAYS": "keep", "SURVEYBOT_TOKEN": "1234:web-secret-test"}
    env["SURVEYBOT_API_URL"] = f"http://127.0.0.1:{port}/bot"  # never reached
    if secret is not None:
        env["SURVEYBOT_WEB_SECRET"] = secret
    return CliRunner().invoke(main, ["serve", "--port", str(port), *args], env=env)


@pytest.mark.parametrize("mode", [(), WEBHOOK], ids=["web", "web-and-bot"])
@pytest.mark.parametrize("secret", ["k3y", " 0123456789abcdef0123456789abcde "])
def test_a_short_web_secret_is_warned_of_and_used(
    work: Path, held_port: int, secret: str, mode: tuple[str, ...]
) -> None:
    result = serve(held_port, secret, *mode)

    assert warning(len(secret.strip())) in result.stderr.splitlines(), result.stderr
    assert "cannot listen on 127.0.0.1" in result.stderr  # not refused: went on to the port
    assert secret.strip() not in result.stderr


@pytest.mark.parametrize("secret", ["0123456789abcdef" * 2, None])
def test_a_long_or_made_up_web_secret_is_not_warned_of(
    work: Path, held_port: int, secret: str | None
) -> None:
    result = serve(held_port, secret)

    assert "cannot listen on 127.0.0.1" in result.stderr
    assert "characters long" not in result.stderr
