"""What a real `surveybot serve` does with connections that misbehave, on real sockets.

A phone that drops mid-answer is one INFO line, not a server error with its traceback.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import time
from pathlib import Path

from bot.web.identity import new_id
from tests.web.served import serving


def cut_short(port: int, path: str, cookie: str = "") -> None:
    """A form post that declares 200 bytes, sends 20, and goes away (the phone lost its network)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as phone:
        phone.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n"
            f"{cookie}\r\ntoken=abcdefghijklmn".encode()
        )
        time.sleep(0.2)  # the server is reading the body when the phone goes


def stopped(process: subprocess.Popen[str]) -> str:
    """What the server logged, once stopped with SIGTERM (as systemd stops it)."""
    process.send_signal(signal.SIGTERM)
    _, errors = process.communicate(timeout=20)
    assert process.returncode == 0, errors
    return errors


def test_a_phone_that_drops_mid_answer_is_one_line_not_an_error(tmp_path: Path) -> None:
    someone = new_id()
    with serving(tmp_path) as (process, _, port):
        cut_short(port, "/chat?stage=pithiviers")
        cut_short(port, "/handover", f"Cookie: surveybot_id={someone}\r\n")
        time.sleep(0.3)
        errors = stopped(process)
    assert "Traceback" not in errors and "ERROR" not in errors, errors
    gone = [line for line in errors.splitlines() if "went away" in line]
    assert len(gone) == 2, errors
    assert "INFO" in gone[0] and gone[0].endswith("POST /chat")
    assert gone[1].endswith("POST /handover")
    assert someone not in errors


# --- a body that stops arriving, and a crowd of them ----------------------------------

ONE_SECOND = "import bot.http.guards\nbot.http.guards.BODY_SECONDS = 1\n"
TWO_SECONDS = ONE_SECOND.replace("= 1", "= 2")
FEW_FILES = "import resource\nresource.setrlimit(resource.RLIMIT_NOFILE, (160, 160))\n"
"""160 open files: 60 connections allowed (`FILES_KEPT` less), and soon none left."""


def slow_body(port: int) -> socket.socket:
    """A form post that declares 60,000 bytes, sends 6, then says nothing more."""
    stalled = socket.create_connection(("127.0.0.1", port), timeout=5)
    stalled.sendall(
        f"POST /chat HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\n"
        "token=".encode()
    )
    return stalled


def answer_of(connection: socket.socket, wait: float = 5) -> bytes:
    """What the server answers on `connection` until it closes it (b"": closed unanswered)."""
    connection.settimeout(wait)
    received = b""
    with contextlib.suppress(TimeoutError, ConnectionError):
        while chunk := connection.recv(65536):
            received += chunk
    return received


def test_a_body_that_stops_arriving_is_given_up_with_a_page_and_one_line(tmp_path: Path) -> None:
    # Two seconds: the trickle below (0.6 s) keeps a wide margin on a loaded machine.
    with serving(tmp_path, patch=TWO_SECONDS) as (process, _, port):
        began = time.monotonic()
        with slow_body(port) as stalled:
            answer = answer_of(stalled)
        waited = time.monotonic() - began
        # A body in pieces that all arrive within the time is taken (a phone on a slow network).
        with socket.create_connection(("127.0.0.1", port), timeout=5) as phone:
            phone.sendall(
                f"POST /chat HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 12\r\n\r\n".encode()
            )
            for piece in (b"toke", b"n=ab", b"cdef"):
                time.sleep(0.2)
                phone.sendall(piece)
            taken = answer_of(phone)
        errors = stopped(process)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"connection: close" in answer.lower()
    page = answer.decode("utf-8", "replace")  # the site's page, in French
    assert "La connexion était trop lente" in page and "rien n’a été enregistré" in page
    assert 1.9 < waited < 6
    assert taken.startswith(b"HTTP/1.1 303 "), taken[:200]  # no cookie: "out of date", shown
    assert "Traceback" not in errors and "ERROR" not in errors, errors
    late = [line for line in errors.splitlines() if "had not arrived" in line]
    assert len(late) == 1 and late[0].endswith("POST /chat"), errors


def test_a_crowd_of_stalled_connections_gets_503_and_running_out_of_files_is_said_once(
    tmp_path: Path,
) -> None:
    with serving(tmp_path, patch=TWO_SECONDS + FEW_FILES) as (process, _, port):
        stalled = []
        for _ in range(100):  # one after the other, as a script would: 200 a second
            stalled.append(slow_body(port))
            time.sleep(0.005)
        answers = [answer_of(s, wait=3) for s in stalled]
        # Connections that never say anything use up the open files; asyncio complains.
        silent = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(200)]
        time.sleep(2.5)
        for connection in [*stalled, *silent]:
            connection.close()
        time.sleep(1.5)  # asyncio accepts again a second after running out
        with socket.create_connection(("127.0.0.1", port), timeout=5) as visitor:
            visitor.sendall(
                f"GET /s/pithiviers HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            card = answer_of(visitor)
        errors = stopped(process)
    # Those let in are given up after two seconds, the rest refused at once; how many of
    # each depends on how fast the server takes them (all refused if it took them together).
    statuses = [a[:12].decode() for a in answers]
    assert set(statuses) <= {"HTTP/1.1 408", "HTTP/1.1 503"}, sorted(set(statuses))
    assert "HTTP/1.1 503" in statuses
    assert card.startswith(b"HTTP/1.1 200 "), card[:200]
    out_of_files = [line for line in errors.splitlines() if "cannot accept connections" in line]
    assert len(out_of_files) == 1, errors[-3000:]
    assert "Too many open files" in out_of_files[0]
    # uvicorn warns of every request it refuses: said once, with a count.
    refused = [line for line in errors.splitlines() if "Exceeded concurrency" in line]
    assert refused == []
    past_limit = [line for line in errors.splitlines() if "answering 503" in line]
    assert len(past_limit) == 1, errors[-3000:]
    assert "Traceback" not in errors
    assert len(errors.splitlines()) < 150
