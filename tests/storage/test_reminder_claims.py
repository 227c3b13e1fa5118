"""A reminder is claimed only while its response is as the round listed it, on both stores.

The round lists the responses due, then claims and sends one reminder after the other;
whoever answered or finished in between must not be told they left off. The claim checks
it in its own statement, so no turn can be saved between a check and the claim.
"""

from __future__ import annotations

from typing import Any

from storage import ResponseStatus
from tests.conftest import Clock
from tests.storage.conftest import NewResponse


async def test_a_response_moved_since_it_was_listed_is_not_claimed(
    store: Any, new_response: NewResponse, clock: Clock
) -> None:
    listed = await new_response("1001")
    moved = await store.save_progress(
        listed.id,
        state_json='{"moved": true}',
        current_step="q2",
        answers={},
        status=ResponseStatus.IN_PROGRESS,
        now=clock.tick(),
    )
    assert moved.updated_at != listed.updated_at

    assert (
        await store.mark_reminded(listed.id, now=clock.tick(), active_at=listed.updated_at) is False
    )
    assert (
        await store.mark_reminded(listed.id, now=clock.tick(), active_at=moved.updated_at) is True
    )
    assert (
        await store.mark_reminded(listed.id, now=clock.tick(), active_at=moved.updated_at) is False
    )


async def test_a_response_finished_since_it_was_listed_is_not_claimed(
    store: Any, new_response: NewResponse, clock: Clock
) -> None:
    listed = await new_response("1002")
    await store.save_progress(
        listed.id,
        state_json="{}",
        current_step=None,
        answers={},
        status=ResponseStatus.COMPLETED,
        now=listed.updated_at,  # even within the same instant
    )

    assert (
        await store.mark_reminded(listed.id, now=clock.tick(), active_at=listed.updated_at) is False
    )
    # Without `active_at`, as a blocked person's reminder is marked: claimed whatever it is.
    assert await store.mark_reminded(listed.id, now=clock.tick()) is True
