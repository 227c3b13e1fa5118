"""SURVEYBOT_LISTEN set but empty, through the real command line: refused, as other blanks.

An empty address is every interface to the socket: `serve` said "the web chat is
at http://0.0.0.0:…/" and answered on every network the machine is on, where the
docs put it behind a reverse proxy on 127.0.0.1. Every other empty setting is
refused; this one is now, with the address to give.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main

REFUSAL = (
    "is empty: give an address, 127.0.0.1 behind a reverse proxy "
    "(0.0.0.0 to listen on every interface, said on purpose)"
)


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture
def held_port() -> Iterator[int]:
    """A port this test listens on (127.0.0.1): a server that got past the settings could not
    take it, on any interface, and stops at once rather than serving."""
    with socket.create_server(("127.0.0.1", 0)) as held:
        yield held.getsockname()[1]


@pytest.mark.parametrize("blank", ["", "  "])
@pytest.mark.parametrize("command", ["serve", "run"])
def test_an_empty_address_is_refused_naming_the_setting(
    work: Path, held_port: int, command: str, blank: str
) -> None:
    env = {"SURVEYBOT_LISTEN": blank, "SURVEYBOT_TOKEN": "1234:listen-test"}
    env["SURVEYBOT_WEBHOOK_URL"] = "https://enquete.example.org/telegram"  # run listens too

    result = invoke(command, "--port", str(held_port), env=env)

    assert result.exit_code == 2, result.stderr
    assert result.stderr == f"error: SURVEYBOT_LISTEN: {REFUSAL}\n"


def test_an_empty_flag_or_line_of_the_settings_file_is_refused_too(
    work: Path, held_port: int
) -> None:
    from_flag = invoke("serve", "--listen", "", "--port", str(held_port))
    Path(".env").write_text("SURVEYBOT_LISTEN=\n", encoding="utf-8")
    from_file = invoke("serve", "--port", str(held_port))

    assert from_flag.exit_code == 2
    assert from_flag.stderr == f"error: --listen: {REFUSAL}\n"
    assert from_file.exit_code == 2
    assert from_file.stderr == f"error: SURVEYBOT_LISTEN (.env, line 1): {REFUSAL}\n"
