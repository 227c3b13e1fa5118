"""`GET /health`, what a load balancer asks each instance: 200 only while its database answers."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from bot.http import RateLimit
from bot.http.health import PROBE_TIMEOUT_S
from conversation import Conversation
from tests.web.conftest import Patience, VisitorFactory, guard_of
from tests.web.phone import Server


def test_a_serving_instance_says_it_is_healthy(server: Server) -> None:
    answer = httpx.get(f"{server.url}/health", timeout=10)
    assert (answer.status_code, answer.text) == (200, "ok\n")
    # A balancer's cache, or a proxy's, must not answer for the instance later.
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["content-type"].startswith("text/plain")
    head = httpx.head(f"{server.url}/health", timeout=10)
    assert (head.status_code, head.content) == (200, b"")


@pytest.mark.timing
def test_a_database_another_process_keeps_locked_makes_it_unhealthy_until_let_go(
    server: Server, db_path: Path
) -> None:
    # Another program holding the file's write lock (a stuck script, a long manual edit):
    # no answer could be saved, so people must be sent elsewhere, and back once it lets go.
    assert httpx.get(f"{server.url}/health", timeout=10).status_code == 200  # started, idle
    with contextlib.closing(sqlite3.connect(db_path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        # Three balancers at once, then one more: each is told within the probe's time,
        # not the database's longer busy timeout, by the one probe under way.
        with ThreadPoolExecutor(3) as pool:
            answers = list(pool.map(_timed_health, [server.url] * 3))
        answers.append(_timed_health(server.url))
        for answer, waited in answers:
            assert (answer.status_code, answer.text) == (503, "database unavailable\n")
            assert answer.headers["cache-control"] == "no-store"
            assert str(db_path) not in answer.text
            assert waited < PROBE_TIMEOUT_S + 1
        assert answers[0][1] >= PROBE_TIMEOUT_S
        other.execute("ROLLBACK")
    deadline = time.monotonic() + 15
    while (answer := httpx.get(f"{server.url}/health", timeout=30)).status_code != 200:
        assert time.monotonic() < deadline, f"still {answer.status_code} after the lock went"
        time.sleep(0.2)
    assert any("health check: the database took over 2 s" in line for line in server.output)


def _timed_health(url: str) -> tuple[httpx.Response, float]:
    began = time.monotonic()
    answer = httpx.get(f"{url}/health", timeout=30)
    return answer, time.monotonic() - began


async def test_a_balancer_asking_often_is_never_rate_limited(
    web_app: Starlette, visitor: VisitorFactory
) -> None:
    # Behind a proxy that passes no address, the balancer shares the crowd's allowance:
    # counted, a busy hour would take the instance out of service.
    guard = guard_of(web_app, RateLimit)
    guard.clock = Patience(step=0)
    balancer = visitor(address="198.51.100.7")
    more_than_allowed = int(guard.crowd_burst) + 100  # counted, some would be refused
    statuses = {
        (await balancer.client.get("/health")).status_code for _ in range(more_than_allowed)
    }
    assert statuses == {200}
    assert (await balancer.client.get("/s/pithiviers")).status_code == 200
    for _ in range(int(guard.crowd_burst)):
        await balancer.client.get("/s/pithiviers")
    assert (await balancer.client.get("/s/pithiviers")).status_code == 429
    assert (await balancer.client.get("/health")).status_code == 200


async def test_an_instance_whose_database_is_closed_is_unhealthy(
    visitor: VisitorFactory, conversation: Conversation
) -> None:
    probe = visitor()
    assert (await probe.client.get("/health")).status_code == 200
    await conversation.store.close()
    answer = await probe.client.get("/health")
    assert (answer.status_code, answer.text) == (503, "database unavailable\n")
