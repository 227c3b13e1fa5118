"""Answering no to `links` replacing an earlier kit, at a terminal: a choice, not an error.

It said "error: nothing written; ... left as them were" and exited 1, as if
something had gone wrong. Through the real command, at a real terminal.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main

STAGES = "stages:\n  - code: lyon\n    city: Lyon\n"
LINKS = ["links", "--bot-username", "fablab_tour_bot", "--stages", "etapes.yaml", "--out", "kit"]


def test_declining_to_replace_the_kit_is_a_plain_note_and_exit_0(work: Path) -> None:
    Path("etapes.yaml").write_text(STAGES, encoding="utf-8")
    first = CliRunner().invoke(main, LINKS)
    assert first.exit_code == 0, first.stderr
    before = Path("kit/links.csv").read_bytes()

    leader, follower = pty.openpty()
    try:
        os.write(leader, b"non\n")
        done = subprocess.run(
            [sys.executable, "-m", "bot", *LINKS, "--web-url", "https://enquete.example.org"],
            cwd=work,
            stdin=follower,
            capture_output=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(leader)
        os.close(follower)

    stderr = done.stderr.decode()
    assert done.returncode == 0, stderr
    assert "error" not in stderr
    assert stderr.endswith(
        "nothing written; kit/links.csv, kit/links.html, kit/qr/lyon.png and 1 more "
        "left as they were\n"
    )
    assert Path("kit/links.csv").read_bytes() == before
