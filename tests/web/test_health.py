"""`GET /health`, what a load balancer asks each instance: 200 only while its database answers."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path

import httpx

from bot.http.health import PROBE_TIMEOUT_S
from conversation import Conversation
from tests.web.conftest import VisitorFactory
from tests.web.phone import Server


def test_a_serving_instance_says_it_is_healthy(server: Server) -> None:
    answer = httpx.get(f"{server.url}/health", timeout=10)
    assert (answer.status_code, answer.text) == (200, "ok\n")
    # A balancer's cache, or a proxy's, must not answer for the instance later.
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["content-type"].startswith("text/plain")
    head = httpx.head(f"{server.url}/health", timeout=10)
    assert (head.status_code, head.content) == (200, b"")


def test_a_database_another_process_keeps_locked_makes_it_unhealthy_until_let_go(
    server: Server, db_path: Path
) -> None:
    # Another program holding the file's write lock (a stuck script, a long manual edit):
    # no answer could be saved, so people must be sent elsewhere, and back once it lets go.
    with contextlib.closing(sqlite3.connect(db_path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        began = time.monotonic()
        answer = httpx.get(f"{server.url}/health", timeout=30)
        waited = time.monotonic() - began
        assert (answer.status_code, answer.text) == (503, "database unavailable\n")
        assert answer.headers["cache-control"] == "no-store"
        assert str(db_path) not in answer.text
        # Told within the probe's time, not the database's longer busy timeout.
        assert PROBE_TIMEOUT_S <= waited < PROBE_TIMEOUT_S + 2
        other.execute("ROLLBACK")
    deadline = time.monotonic() + 15
    while (answer := httpx.get(f"{server.url}/health", timeout=30)).status_code != 200:
        assert time.monotonic() < deadline, f"still {answer.status_code} after the lock went"
        time.sleep(0.2)
    assert any("health check: the database took over 2 s" in line for line in server.output)


async def test_an_instance_whose_database_is_closed_is_unhealthy(
    visitor: VisitorFactory, conversation: Conversation
) -> None:
    probe = visitor()
    assert (await probe.client.get("/health")).status_code == 200
    await conversation.store.close()
    answer = await probe.client.get("/health")
    assert (answer.status_code, answer.text) == (503, "database unavailable\n")
