"""What a real `surveybot serve` does with connections that misbehave, on real sockets.

A phone that drops mid-answer is one INFO line, not a server error with its traceback.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from pathlib import Path

from bot.web.identity import new_id
from tests.web.served import serving


def cut_short(port: int, path: str, cookie: str = "") -> None:
    """A form post that declares 200 bytes, sends 20, and goes away (the phone lost its network)."""
    with socket.create_connection(("127.0.0.1", port)) as phone:
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
