"""A real `surveybot serve` for the tests of what stands in front of it: its settings, and
a few of its limits made small (`patch`, Python run before it starts) so a test is quick."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.web.test_serve_command import free_port, wait_until_serving

__all__ = ["free_port", "serving"]


@contextmanager
def serving(
    tmp_path: Path, *, env: dict[str, str] | None = None, patch: str = ""
) -> Iterator[tuple[subprocess.Popen[str], str, int]]:
    """`surveybot serve` on a free port of 127.0.0.1: the process, its address, its port.

    Its standard error is read when it has stopped (killed at the end, if still running).
    """
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYBOT_")}
    clean["SURVEYBOT_DB"] = str(tmp_path / "served.sqlite3")
    for name, value in (env or {}).items():
        clean[name] = value.replace("{port}", str(port))
    start = f"{patch}\nimport sys\nfrom bot.cli import main\nsys.argv[0] = 'surveybot'\nmain()"
    process = subprocess.Popen(
        [sys.executable, "-c", start, "serve", "--port", str(port)],
        cwd=tmp_path,
        env=clean,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process, wait_until_serving(process, port), port
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
