"""The inbox's updates no poller handled, deleted once old (for a bot switched to a webhook).

`prune_unhandled_inbox` deletes the rows not done received before a time, and
leaves the done ones to `prune_inbox`. Every test runs on SQLite and PostgreSQL
(tests/storage/conftest.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from storage import Inboxed
from tests.conftest import Clock


def message(update_id: int) -> Inboxed:
    update = {"update_id": update_id, "message": {"text": "bonjour", "from": {"id": 1001}}}
    return Inboxed(update_id, "1001", update)


async def test_only_the_updates_not_done_received_before_the_time_go(
    store: Any, clock: Clock
) -> None:
    await store.add_to_inbox([message(1), message(2)], now=clock.tick(), done={1})
    received = clock.now
    await store.add_to_inbox([message(3)], now=clock.tick(60))

    assert await store.prune_unhandled_inbox(before=received) == 0
    assert await store.prune_unhandled_inbox(before=received + dt.timedelta(seconds=1)) == 1
    assert [item.update_id for item in await store.unfinished_inbox()] == [3]
    assert await store.inbox_counts() == (2, 1), "a done update is left to prune_inbox"
