"""A CSV export on several cores: worker processes make the batches into CSV text.

Most of an export's time is Python's: pivoting each batch into a table and
formatting its cells, one core at a time under the interpreter lock. With
`workers` > 1, `run_export` still reads every batch in this process, through
its one snapshot, and hands it to a pool of processes that each turn a batch
into CSV rows; it writes their texts in the order of the batches, so the file
is the same, byte for byte, as one process makes it.

The workers are spawned, not forked (the reader thread is running); as with any
spawned process, a script asking for workers keeps its own work under
`if __name__ == "__main__":`, which a worker, importing the script, must not run.
The export's plan goes with every batch, pickled once here, and a worker unpickles
it with its first: given to a worker as it starts, the plan (70 KB for the bundled
questionnaire, more than a pipe holds) would keep the export waiting until the new
process had imported everything, and Ctrl+C is ignored while a worker starts. At
most two batches per worker are in the pool at a time, so memory stays flat. The
workers ignore Ctrl+C, which a terminal sends to them too: the export itself stops
them on the way out (and SIGTERM, handled by `exports.files`). A worker whose
export was killed outright stops on its own.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

from exports.columns import Column
from exports.csv import Dialect, encoded_rows
from exports.errors import ExportError
from exports.readahead import read_ahead
from exports.table import Table
from storage import EncodedBatch, ResponseBatch

IN_FLIGHT: Final = 2
"""Batches per worker in the pool at a time: one being made, one waiting."""
MAX_WORKERS: Final = 2
"""Two keep up with the one process reading the database (SQLite's share, a third of the
work); each more would add its own interpreter, some 80 MB, for little speed."""


def default_workers() -> int:
    """The cores this process may use, up to MAX_WORKERS: 1 (no pool) on a single core."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


@dataclass(frozen=True)
class CsvChunk:
    """What a worker makes of one batch."""

    data: bytes
    """The batch's rows as CSV, in UTF-8."""
    rows: int
    responses: int
    channels: Counter[str | None]
    """The channels of the batch's responses, for the export's result."""


@dataclass(frozen=True)
class ChunkMaker:
    """Turns a batch into CSV rows: what each worker is given when it starts."""

    tabulate: Callable[[ResponseBatch], Table]
    columns: tuple[Column, ...]
    dialect: Dialect

    def __call__(self, encoded: EncodedBatch) -> CsvChunk:
        batch = encoded.decode()
        table = self.tabulate(batch)
        rows = len(table[self.columns[0].name]) if self.columns else 0
        data = encoded_rows(table, self.columns, self.dialect)
        return CsvChunk(data, rows, len(batch), Counter(batch.channels))


def csv_chunks(
    batches: Iterable[EncodedBatch], maker: ChunkMaker, workers: int
) -> Iterator[CsvChunk]:
    """Each batch made into CSV rows by `workers` processes, in the order of `batches`.

    The batches are read in this process (`read_ahead`: the next one while the
    pool is busy), and sent as the database gave them: decoding them is the
    workers' part.
    """
    plan = pickle.dumps(maker, protocol=pickle.HIGHEST_PROTOCOL)
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, context, initializer=_start, initargs=(os.getpid(),))
    pending: deque[Future[CsvChunk]] = deque()
    try:
        for batch in read_ahead(iter(batches)):
            pending.append(_submit(pool, workers, plan, batch))
            if len(pending) >= workers * IN_FLIGHT:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _submit(
    pool: ProcessPoolExecutor, workers: int, plan: bytes, batch: EncodedBatch
) -> Future[CsvChunk]:
    """`pool.submit`; while it may start a worker, with the signals a start needs held."""
    if _all_started(pool, workers):
        return pool.submit(_make, plan, batch)
    with _starting_workers():
        return pool.submit(_make, plan, batch)


def _all_started(pool: ProcessPoolExecutor, workers: int) -> bool:
    """Whether the pool runs all its workers, so that a submit starts none. Its processes
    are the standard library's own bookkeeping, not public: without them, every submit
    is taken for one that may start a worker."""
    processes = getattr(pool, "_processes", None)
    return isinstance(processes, dict) and len(processes) >= workers


@contextmanager
def _starting_workers() -> Iterator[None]:
    """While a worker may be started: SIGINT ignored, which the worker inherits (a terminal
    sends Ctrl+C to its whole group: a worker still starting up would stop with a
    traceback), and SIGTERM held back, then delivered: the export's handler
    (`exports.files`) must not stop it halfway through starting one. A Ctrl+C in
    those few milliseconds is lost; the export still stops at the next.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may change handlers; it also gets the signals
        return
    held: list[int] = []
    interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
    terminate = signal.signal(signal.SIGTERM, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_DFL if interrupt is None else interrupt)
        signal.signal(signal.SIGTERM, signal.SIG_DFL if terminate is None else terminate)
        for signum in held:
            signal.raise_signal(signum)


def _result(future: Future[CsvChunk]) -> CsvChunk:
    try:
        return future.result()
    except BrokenProcessPool as error:
        # Killed (out of memory, most likely), a worker cannot say why.
        raise ExportError(
            "a worker process of the export stopped unexpectedly (out of memory?); "
            "try again with one process (surveybot export --jobs 1)"
        ) from error


_plan: tuple[bytes, ChunkMaker] | None = None
"""The plan of the export this worker process serves, as sent and unpickled."""


def _start(parent: int) -> None:
    """A worker's start: Ctrl+C left to the export, and a watch on it."""
    gc.disable()  # as `cyclic_gc_paused` does for an export in one process
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as inherited: kept when Python started
    threading.Thread(
        target=_watch, args=(parent,), name="surveybot-parent-watch", daemon=True
    ).start()


def _watch(parent: int) -> None:
    """End this worker once the export that started it is gone (killed with SIGKILL, its
    pool never told to stop): its parent is then another process."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _make(plan: bytes, batch: EncodedBatch) -> CsvChunk:
    global _plan
    if _plan is None or _plan[0] != plan:  # the same bytes all along: unpickled once
        _plan = (plan, pickle.loads(plan))
    return _plan[1](batch)
