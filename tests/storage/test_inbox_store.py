"""The poller's inbox in the store: a batch written once, marked done, replayed, pruned, erased.

Every test runs on SQLite and PostgreSQL (tests/storage/conftest.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from storage import Inboxed, open_store
from tests.conftest import Clock
from tests.storage.conftest import NewResponse


def message(update_id: int, person: str = "1001", text: str = "bonjour") -> Inboxed:
    update = {"update_id": update_id, "message": {"text": text, "from": {"id": int(person)}}}
    return Inboxed(update_id, person, update)


async def test_a_batch_is_written_once_and_its_waiting_updates_read_back_in_order(
    store: Any, clock: Clock
) -> None:
    batch = [message(12), message(10, "1002", "été \x00 ✓"), message(11)]
    assert sorted(await store.add_to_inbox(batch, now=clock.tick(), done={11})) == [10, 11, 12]

    waiting = await store.unfinished_inbox()
    assert [item.update_id for item in waiting] == [10, 12]
    assert waiting[0] == batch[1], "the update comes back as it was written, odd characters too"
    assert await store.inbox_counts() == (3, 2)

    # Telegram delivers the batch again (the bot stopped before confirming it): nothing new.
    assert await store.add_to_inbox([*batch, message(13)], now=clock.tick()) == [13]
    assert await store.inbox_counts() == (4, 3)


async def test_done_updates_are_not_replayed_and_are_pruned_after_a_while(
    store: Any, clock: Clock
) -> None:
    await store.add_to_inbox([message(1), message(2), message(3)], now=clock.tick())
    await store.mark_inbox_done([1, 3], now=clock.tick())
    marked = clock.now
    await store.mark_inbox_done([1], now=clock.tick(60))  # done once: keeps its time
    assert [item.update_id for item in await store.unfinished_inbox()] == [2]

    assert await store.prune_inbox(before=marked) == 0
    assert await store.prune_inbox(before=marked + dt.timedelta(seconds=1)) == 2
    assert await store.inbox_counts() == (1, 1), "a waiting update is never pruned"


async def test_marking_done_records_the_live_message_each_reply_left(
    store: Any, clock: Clock, new_response: NewResponse
) -> None:
    ana, ben = await new_response("1001"), await new_response("1002")
    await store.set_prompt_message(ben.id, 70)
    await store.add_to_inbox([message(1), message(2, "1002")], now=clock.tick())

    gone = 99_999  # a response erased while its reply was shown: skipped
    live = {ana.id: 41, ben.id: None, gone: 5}
    await store.mark_inbox_done([1, 2], now=clock.tick(), live_messages=live)

    assert (await store.get_response(ana.id)).prompt_message_id == 41
    assert (await store.get_response(ben.id)).prompt_message_id is None, "no message is live"
    assert await store.unfinished_inbox() == []
    # Live messages with no update to mark are written all the same.
    await store.mark_inbox_done([], now=clock.tick(), live_messages={ana.id: 42})
    assert (await store.get_response(ana.id)).prompt_message_id == 42


async def test_another_process_opening_the_database_finds_what_waits(
    store: Any, clock: Clock, store_target: Any
) -> None:
    await store.add_to_inbox([message(5), message(6)], now=clock.tick())
    await store.mark_inbox_done([5], now=clock.tick())
    reopened = await open_store(store_target)
    try:
        assert [item.update_id for item in await reopened.unfinished_inbox()] == [6]
    finally:
        await reopened.close()


async def test_erasing_a_respondent_deletes_their_applied_updates_only(
    store: Any, clock: Clock, new_response: NewResponse
) -> None:
    response = await new_response("1001")
    await new_response("1002")
    await store.add_to_inbox(
        [message(1, "1001"), message(2, "1002"), message(3, "1001")], now=clock.tick()
    )
    await store.mark_inbox_done([1, 2], now=clock.tick())

    await store.erase_respondent(response.respondent_id)

    # Their applied update is gone; the other person's stays, and their update still to be
    # applied (sent with or after the erasure) stays until applied.
    assert await store.inbox_counts() == (2, 1)
    assert [item.update_id for item in await store.unfinished_inbox()] == [3]
    await store.erase_by_external_id("telegram", "1002")
    assert await store.inbox_counts() == (1, 1)


async def test_each_start_applying_an_update_again_is_counted_until_it_is_done(
    store: Any, clock: Clock, store_target: Any
) -> None:
    await store.add_to_inbox([message(7), message(8), message(9)], now=clock.tick())
    assert [item.replays for item in await store.unfinished_inbox()] == [0, 0, 0]

    await store.count_inbox_replay([7, 8, 9])
    await store.mark_inbox_done([8], now=clock.tick())
    await store.count_inbox_replay([7, 8])  # 8 is done: no longer counted
    reopened = await open_store(store_target)  # what the next start reads
    try:
        waiting = await reopened.unfinished_inbox()
    finally:
        await reopened.close()
    assert [(item.update_id, item.replays) for item in waiting] == [(7, 2), (9, 1)]
