"""What a benchmark reads about the process and its SQLite file: memory, sizes, rows kept."""

from __future__ import annotations

import os
import resource
import sqlite3
import sys
from pathlib import Path

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


def sizes_mb(db: Path) -> tuple[float, float]:
    """The database file and its write-ahead log, in MB (0 for a file not there)."""

    def size(path: Path) -> float:
        return path.stat().st_size / 2**20 if path.exists() else 0.0

    return size(db), size(db.with_name(db.name + "-wal"))


def row_counts(db: Path) -> dict[str, int | None]:
    """Rows in each growing table (None: no such table in this schema), read-only.

    Also `completed` and `reminded` responses, to check a driver's own tally.
    """
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
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
