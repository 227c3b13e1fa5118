"""The process an `/export` or a big `/stats` runs in dies with the bot, even one killed outright.

Real processes: a parent runs work in another process exactly as the bot does
(`bot.telegram.worker_process.in_another_process`), then is killed with SIGKILL,
which gives it no chance to stop its worker. An orphaned export would go on
reading the database and taking a core beside the restarted bot, which
starts the same job again.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")

REPO = Path(__file__).resolve().parents[2]

PARENT = textwrap.dedent(
    """
    import asyncio, functools, os, sys, time
    from bot.telegram.worker_process import in_another_process

    def work(path):
        with open(path + ".tmp", "w") as f:
            f.write(f"{os.getpid()} {os.nice(0)}")
        os.replace(path + ".tmp", path)
        time.sleep(120)  # a long export
        return "done"

    if __name__ == "__main__":
        print(asyncio.run(in_another_process(functools.partial(work, sys.argv[1]))))
    """
)


def alive(pid: int) -> bool:
    """Running (a zombie, finished and waiting to be reaped, counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_a_worker_dies_soon_after_its_bot_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    started = tmp_path / "worker.pid"
    parent = subprocess.Popen(
        [sys.executable, str(script), str(started)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        start_new_session=True,
    )
    try:
        assert wait_for(started.exists, 60), "the worker never started"
        worker, niceness = map(int, started.read_text().split())
        assert worker != parent.pid
        assert niceness >= 10, "the worker should give way to respondents' updates"
        assert alive(worker)

        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)

        assert wait_for(lambda: not alive(worker), 5), "the worker outlived its bot"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(parent.pid, signal.SIGKILL)  # the worker too, were it still running


def test_work_in_another_process_returns_its_result(tmp_path: Path) -> None:
    """The worker's guard does not get in the way of a normal run."""
    script = tmp_path / "quick.py"
    script.write_text(
        textwrap.dedent(
            """
            import asyncio, functools, operator
            from bot.telegram.worker_process import in_another_process

            if __name__ == "__main__":
                print(asyncio.run(in_another_process(functools.partial(operator.mul, 6, 7))))
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "42"
