"""What a benchmark reads about the process, the machine and its SQLite file: memory, CPU
taken by the host, sizes, rows kept."""

from __future__ import annotations

import ctypes
import functools
import os
import resource
import sqlite3
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import cast

GROWING_TABLES = ("inbox", "handled_updates", "responses", "answers")
"""Tables that grow with the updates and answers a bot receives: their rows are counted."""


def rss_mb() -> float:
    """Resident memory now (Linux's /proc; elsewhere the peak, the best there is)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return peak_rss_mb()


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes there, KiB here


def stolen_cpu_s() -> float | None:
    """CPU seconds the hypervisor has taken from this machine's processors since boot (Linux's
    "steal" time), or None where unknown. On a shared virtual machine, a run during which it
    grows by a second or more shows latency spikes that are not the bot's own."""
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()  # cpu user nice system idle iowait irq softirq steal
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def sqlite_mb() -> float | None:
    """Memory SQLite's library holds in this process (page caches, schemas), or None if
    unknown: the share of resident memory that grows with the file up to the caches' size."""
    used = _sqlite_memory_used()
    return None if used is None else used() / 2**20


@functools.cache
def _sqlite_memory_used() -> Callable[[], int] | None:
    try:
        import _sqlite3  # the extension module; its library exports SQLite's C API

        function = ctypes.CDLL(_sqlite3.__file__).sqlite3_memory_used
    except (ImportError, OSError, AttributeError):
        return None
    function.restype = ctypes.c_int64
    return cast(Callable[[], int], function)


def sizes_mb(db: Path) -> tuple[float, float]:
    """The database file and its write-ahead log, in MB (0 for a file not there)."""

    def size(path: Path) -> float:
        return path.stat().st_size / 2**20 if path.exists() else 0.0

    return size(db), size(db.with_name(db.name + "-wal"))


def row_counts(db: Path) -> dict[str, int | None]:
    """Rows in each growing table (None: no such table in this schema), read-only.

    Also `completed` and `reminded` responses, to check a driver's own tally.
    """
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        counts: dict[str, int | None] = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # our names
            if table in tables
            else None
            for table in GROWING_TABLES
        }
        for name, where in (
            ("completed", "status = 'completed'"),
            ("reminded", "reminded_at IS NOT NULL"),
        ):
            query = f"SELECT count(*) FROM responses WHERE {where}"
            counts[name] = conn.execute(query).fetchone()[0]
    return counts
