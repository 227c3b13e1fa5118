"""`ping`, behind `GET /health`: it answers while the database can take answers, and says so when not.

That on SQLite it goes through the writer, and so fails while another process keeps the
file locked, is tested where a balancer sees it: tests/web/test_health.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from storage import StorageError


async def test_an_open_store_answers(store: Any) -> None:
    assert await store.ping() is None


async def test_a_closed_store_says_so(store: Any) -> None:
    await store.close()
    with pytest.raises(StorageError, match="is closed"):
        await store.ping()
