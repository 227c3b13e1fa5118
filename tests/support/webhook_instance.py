"""A `surveybot` process serving Telegram's webhook on a port of its own, for tests of
several instances: started with the environment given, ready once its webhook answers,
stopped (or killed) with its standard error kept."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Sequence

import httpx

from tests.support.postgres import free_port


class WebhookInstance:
    """`surveybot <args>` on its own port (SURVEYBOT_PORT set here), its webhook at `hook`."""

    def __init__(
        self,
        env: dict[str, str],
        args: Sequence[str],
        *,
        hook: str,
        name: str = "",
        cwd: str | None = None,
    ) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}{hook}"
        self.process: subprocess.Popen[str] | None = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            env={**env, "SURVEYBOT_PORT": str(self.port)},
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.errors = ""

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.stop()
            try:
                # Served (405 to a GET) only once the store is open and the bot started.
                if httpx.get(self.url, timeout=1).status_code == 405:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"instance {self.name} did not start: {self.stop()}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.errors = self.process.communicate(timeout=10)[1]
        self.process = None

    def stop(self) -> str:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.errors = self.process.communicate(timeout=30)[1]
            self.process = None
        return self.errors
