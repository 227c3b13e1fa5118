"""Where the web server listens (`--listen`, `--port`): a mistake is said for what it is."""

from __future__ import annotations

import socket

import pytest

from bot.http import bind

ADDRESS_HINT = "--listen (SURVEYBOT_LISTEN) takes an address of this machine"


@pytest.mark.parametrize(
    ("listen", "shown"),
    [
        ("not an ip", "not an ip"),
        ("192.0.2.1", "192.0.2.1"),  # for documentation: on no machine
        # Not text: the byte 0xff of a variable that is not UTF-8, as Python reads it, and
        # a NUL. Shown escaped, printable on any terminal.
        ("\udcff127.0.0.1", "'\\udcff127.0.0.1'"),
        ("127.0.0.1\x00", "'127.0.0.1\\x00'"),
    ],
)
def test_an_address_that_is_not_this_machines_says_what_listen_takes(
    listen: str, shown: str
) -> None:
    with pytest.raises(OSError) as raised:
        bind(listen, 0)

    message = str(raised.value)
    assert message.startswith(f"cannot listen on {shown}:0: ")
    assert ADDRESS_HINT in message
    assert "while attempting to bind" not in message
    assert "another program" not in message
    message.encode("ascii")


def test_a_port_in_use_says_so() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(OSError) as raised:
            bind("127.0.0.1", port)

    assert "is another program using that port? Choose another with --port" in str(raised.value)
    assert ADDRESS_HINT not in str(raised.value)


def test_replies_are_not_held_back_waiting_for_an_acknowledgement() -> None:
    """Every connection the server accepts sends as it writes (TCP_NODELAY): without it, a
    page after the first on a kept-alive connection (a reverse proxy's) waited ~40 ms."""
    with bind("127.0.0.1", 0) as listening, socket.create_connection(listening.getsockname()[:2]):
        accepted, _ = listening.accept()
        with accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
