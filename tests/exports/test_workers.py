"""A CSV export made by worker processes (`run_export(workers=…)`, `export --jobs`).

The same file, byte for byte, as one process writes, on both backends and in
every layout; the same summary. A failing or killed worker is a clear error;
Ctrl+C, SIGTERM or a killed export leave no process behind. Real processes
throughout: the pool is the standard library's, spawned as in production.
"""

from __future__ import annotations

import array
import contextlib
import fcntl
import io
import multiprocessing
import os
import signal
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO

import pytest

import exports.export
from exports import ExportError, ExportOptions, Interrupted, Layout, run_export
from exports.csv import PLAIN
from exports.workers import ChunkMaker, csv_chunks
from flows import Flow
from storage import EncodedBatch, ResponseBatch, ResponseFilter, open_snapshot
from tests.exports import test_postgres_exports
from tests.exports.conftest import bench_database
from tests.exports.test_postgres_exports import Both

ROOT = Path(__file__).resolve().parents[2]
# The PostgreSQL export tests' respondents, in a SQLite file and a PostgreSQL database.
both = test_postgres_exports.both
pg_store = test_postgres_exports.pg_store

OPTIONS = {
    "wide": ExportOptions(status="all", batch_size=1),
    "wide-labels-excel": ExportOptions(
        status="all", labels=True, joined=True, excel=True, batch_size=1
    ),
    "long": ExportOptions(layout=Layout.LONG, status="all", batch_size=1),
    "long-labels-bom": ExportOptions(layout=Layout.LONG, labels=True, bom=True, batch_size=1),
}


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of batches each export gave to worker processes (none: it made them alone)."""
    made: list[int] = []
    real = exports.export.csv_chunks

    def counted(*args: object, **kwargs: object) -> Iterator[object]:
        made.append(0)
        for chunk in real(*args, **kwargs):  # type: ignore[arg-type]
            made[-1] += 1
            yield chunk

    monkeypatch.setattr(exports.export, "csv_chunks", counted)
    return made


def exported(db: Path | str, flow: Flow, options: ExportOptions, workers: int) -> tuple:
    data = io.BytesIO()
    result = run_export(db, flow, options, csv=data, workers=workers)
    return data.getvalue(), result


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
@pytest.mark.parametrize("name", list(OPTIONS))
def test_workers_write_the_same_file_as_one_process(
    both: Both, mini_v2: Flow, pooled: list[int], name: str, backend: str
) -> None:
    """Five responses, one on version 2 of the flow, read a batch at a time: every layout and
    dialect, from SQLite and from PostgreSQL."""
    db = both.path if backend == "sqlite" else both.url
    alone, alone_result = exported(db, mini_v2, OPTIONS[name], workers=1)
    assert pooled == []
    together, together_result = exported(db, mini_v2, OPTIONS[name], workers=3)
    assert pooled and pooled[0] >= 3
    assert together == alone
    assert together_result == alone_result  # responses, rows, by status, by channel


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """4,200 responses × 40 questions (the benchmark's database): more than two batches of
    the command's 2,000, so `export` gives them to worker processes."""
    return bench_database(tmp_path_factory, 4200)


def export_command(db: Path, flow: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "bot", "export", "--db", str(db), "--flow", str(flow), *args]


def test_the_command_with_jobs_writes_the_same_file(big: tuple[Path, Path], tmp_path: Path) -> None:
    db, flow = big
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}.csv"
        done = subprocess.run(
            [*export_command(db, flow, "-o", str(out), "--jobs", jobs), "--excel"],
            cwd=ROOT,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
        assert done.stderr.decode().startswith(
            "exported 4200 responses (4200 completed): 4200 rows"
        )
        outputs[jobs] = out.read_bytes()
    assert outputs["2"] == outputs["1"]
    assert outputs["2"].count(b"\r\n") == 4201


def test_jobs_must_be_one_or_more(big: tuple[Path, Path], tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.cli.export import export

    db, flow = big
    result = CliRunner().invoke(
        export, ["--db", str(db), "--flow", str(flow), "-o", str(tmp_path / "r.csv"), "--jobs", "0"]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--jobs': 0 is not in the range x>=1." in result.stderr
    assert list(tmp_path.iterdir()) == []


# --- a worker that fails ---------------------------------------------------------------


def fails(batch: ResponseBatch) -> dict[str, list[object]]:
    raise ValueError(f"cannot make the batch of response {batch.ids[0]}")


def dies(batch: ResponseBatch) -> dict[str, list[object]]:
    os._exit(9)  # as the kernel's out-of-memory killer would end it


def batches_of(db: Path, size: int) -> Iterator[EncodedBatch]:
    with open_snapshot(db) as snapshot:
        yield from snapshot.encoded_batches(ResponseFilter(flow_id="bench"), size=size)


def test_an_error_in_a_worker_is_raised_by_the_export(big: tuple[Path, Path]) -> None:
    chunks = csv_chunks(batches_of(big[0], 500), ChunkMaker(fails, (), PLAIN), workers=2)
    with pytest.raises(ValueError, match=r"cannot make the batch of response 1$"):
        next(chunks)
    assert multiprocessing.active_children() == []


def test_a_worker_killed_is_a_clear_error(big: tuple[Path, Path]) -> None:
    chunks = csv_chunks(batches_of(big[0], 500), ChunkMaker(dies, (), PLAIN), workers=2)
    with pytest.raises(ExportError, match="a worker process of the export stopped unexpectedly"):
        list(chunks)
    assert multiprocessing.active_children() == []


class FullDisk(io.BytesIO):
    """A file whose disk fills up after its first writes."""

    def write(self, data: object) -> int:
        if self.tell() > 100_000:
            raise OSError(28, "No space left on device")
        return super().write(data)  # type: ignore[arg-type]


def test_a_failed_write_stops_the_workers_at_once(
    big: tuple[Path, Path], pooled: list[int]
) -> None:
    db, flow = big
    with pytest.raises(OSError, match="No space left") as failed:
        run_export(db, flow, ExportOptions(batch_size=500), csv=FullDisk(), workers=2)
    # The error, and the frames it holds, still about: the workers are not left to them.
    assert failed.value is not None
    assert pooled and pooled[0] >= 1  # made by workers
    assert multiprocessing.active_children() == []


def test_ctrl_c_is_ignored_only_while_a_worker_starts(
    big: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    running_when_ignored = []  # the export's workers running each time Ctrl+C was made ignored
    others = set(multiprocessing.active_children())  # an earlier test's, still ending
    real = signal.signal

    def watched(signum: int, handler: object) -> object:
        if signum == signal.SIGINT and handler == signal.SIG_IGN:
            running_when_ignored.append(len(set(multiprocessing.active_children()) - others))
        return real(signum, handler)  # type: ignore[arg-type]

    monkeypatch.setattr(signal, "signal", watched)
    db, flow = big
    result = run_export(db, flow, ExportOptions(batch_size=200), csv=io.BytesIO(), workers=2)
    assert result.responses == 4200  # 21 batches
    # Before both run (a worker may start), never after.
    assert running_when_ignored and max(running_when_ignored) < 2


# --- stopped: nothing left behind ------------------------------------------------------


def test_sigterm_stops_the_workers_and_leaves_no_file(
    big: tuple[Path, Path], tmp_path: Path
) -> None:
    db, flow = big
    out = tmp_path / "responses.csv"

    def terminated(done: int, total: int) -> None:
        os.kill(os.getpid(), signal.SIGTERM)

    previous = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        with pytest.raises(Interrupted):
            run_export(
                db,
                flow,
                replace(ExportOptions(), batch_size=500),
                csv=out,
                progress=terminated,
                workers=2,
            )
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert list(tmp_path.iterdir()) == []
    assert multiprocessing.active_children() == []


def session_processes(session: int) -> list[int]:
    """The processes still running in a session (zombies are ended: they wait to be reaped)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def blocked_export(big: tuple[Path, Path]) -> subprocess.Popen[bytes]:
    """An export to a pipe nobody reads, in a session of its own, once its workers run."""
    db, flow = big
    process = subprocess.Popen(
        export_command(db, flow, "-o", "-", "--jobs", "2"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    # The export, its resource tracker and its two workers; and the pipe full, the export
    # waiting to write: past the milliseconds of starting a worker, when a Ctrl+C is
    # lost (`_starting_workers`), however slow the machine.
    assert process.stdout is not None
    while len(session_processes(process.pid)) < 4 or not full(process.stdout):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    return process


def full(pipe: IO[bytes]) -> bool:
    """Whether a pipe holds all it can, its writer waiting: it keeps pages, the last of
    which may be left partly empty."""
    waiting = array.array("i", [0])
    fcntl.ioctl(pipe.fileno(), termios.FIONREAD, waiting)
    room = fcntl.fcntl(pipe.fileno(), fcntl.F_GETPIPE_SZ) - os.sysconf("SC_PAGE_SIZE")
    return waiting[0] > room


def all_gone(session: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while session_processes(session) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not session_processes(session)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes in /proc")
def test_ctrl_c_at_a_terminal_ends_every_process_without_a_traceback(
    big: tuple[Path, Path],
) -> None:
    process = blocked_export(big)
    os.killpg(process.pid, signal.SIGINT)  # what the terminal sends its foreground group
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "Traceback" not in stderr.decode()
    assert all_gone(process.pid, within=10)


SLOW_START = """
import sys, time
if "--multiprocessing-fork" in sys.argv:  # a worker process of the pool, spawned
    time.sleep(1)  # as long as its imports take on a busy machine
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes in /proc")
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_stop_as_the_workers_start_stops_the_export(
    big: tuple[Path, Path], tmp_path: Path, stop: signal.Signals
) -> None:
    # A plan larger than a pipe holds (64 KiB): were it given to a worker as it starts,
    # the export would wait for the worker to read it, Ctrl+C ignored all the while.
    db, flow = big
    wordy = tmp_path / "flow.yaml"
    wordy.write_text(
        flow.read_text().replace(
            "        text:", "        help: " + "Aide. " * 400 + "\n        text:"
        )
    )
    (tmp_path / "sitecustomize.py").write_text(SLOW_START)
    out = tmp_path / "out"
    out.mkdir()
    process = subprocess.Popen(
        export_command(db, wordy, "-o", str(out / "r.csv"), "--jobs", "2", "--layout", "long"),
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(session_processes(process.pid)) < 3:  # the export, its tracker, a worker
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(0.2)
        os.killpg(process.pid, stop)  # a terminal's Ctrl+C, or a service manager's stop
        _, stderr = process.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode != 0
    assert (
        stderr.decode().strip()
        == f"error: the export was interrupted by {stop.name}: no half-written file was left behind"
    )
    assert list(out.iterdir()) == []
    assert all_gone(process.pid, within=10)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes in /proc")
def test_workers_of_an_export_killed_outright_end_on_their_own(big: tuple[Path, Path]) -> None:
    process = blocked_export(big)
    process.kill()
    process.communicate(timeout=60)
    assert all_gone(process.pid, within=10)
