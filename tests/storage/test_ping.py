"""`ping`, behind `GET /health`: it answers while the database can take answers, and says so when not."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from storage import StorageError
from storage.connection import BUSY_TIMEOUT_MS


async def test_an_open_store_answers(store: Any) -> None:
    assert await store.ping() is None


async def test_a_closed_store_says_so(store: Any) -> None:
    await store.close()
    with pytest.raises(StorageError, match="is closed"):
        await store.ping()


@pytest.mark.sqlite_only
async def test_on_sqlite_it_waits_as_an_answer_would_for_a_file_another_process_locked(
    store: Any, db_path: Path
) -> None:
    # An answer would wait for the lock, then fail: so does the check, since it goes
    # through the same writer (a read alone would still succeed, and say nothing useful).
    with contextlib.closing(sqlite3.connect(db_path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(StorageError, match=f"locked .* for {BUSY_TIMEOUT_MS // 1000} s"):
            await store.ping()
        other.execute("ROLLBACK")
    assert await store.ping() is None
