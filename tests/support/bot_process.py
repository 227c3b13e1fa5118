"""`surveybot run` as a real process against the fake Bot API, to kill and restart at will.

One process at a time on the same database, as a supervisor restarts a bot.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.support.bot_api_server import BotAPIServer

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    """Start, kill, stop; `module` is what `python -m` runs (`bot`, or a test's wrapper)."""

    def __init__(self, server: BotAPIServer, db: Path, *, token: str, module: str = "bot") -> None:
        self.server = server
        self.db = db
        self.token = token
        self.module = module
        self.process: subprocess.Popen[str] | None = None

    def launch(self, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
        """Start the process without waiting for it to run."""
        settings = {
            **os.environ,
            "PYTHONPATH": str(ROOT),  # for a wrapper module under tests/
            "SURVEYBOT_TOKEN": self.token,
            "SURVEYBOT_API_URL": self.server.url,
            "SURVEYBOT_DB": str(self.db),
            **(env or {}),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.module, "run"],
            env=settings,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        return self.process

    def start(self, env: Mapping[str, str] | None = None) -> None:
        """Start and wait until it polls: running, its signal handlers in place."""
        polls = len(self.server.state.fetches)
        self.launch(env)
        self.server.state.wait_for(lambda: len(self.server.state.fetches) > polls)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.communicate(timeout=10)  # also closes the pipe
        self.process = None

    def stop(self) -> str:
        """SIGTERM, as a supervisor stops it; it must exit cleanly. Its log (stderr)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        _, errors = self.process.communicate(timeout=20)
        code, self.process = self.process.returncode, None
        assert code == 0, errors
        return errors
