"""Refusals of the notice are counted by notice and stage, on both backends.

A refusal names no one: its count per workshop is all the organiser gets of
it (`surveybot stats`, Telegram's /stats), so the count must be right, a
redelivered refusal counted once.
"""

from __future__ import annotations

from typing import Any

from storage import RefusalCount
from tests.conftest import Clock


async def test_refusals_are_counted_by_notice_and_stage(store: Any, clock: Clock) -> None:
    assert await store.refusal_counts() == []

    for version, stage, update_id in [
        ("notice-b", "pithiviers", 1),
        ("notice-a", "pithiviers", 2),
        ("notice-a", "pithiviers", 3),
        ("notice-a", "pithiviers", 3),  # delivered again: counted once
        ("notice-a", None, 4),
        ("notice-a", "issoudun", None),
    ]:
        await store.record_refusal(
            version=version, stage_code=stage, now=clock.tick(), update_id=update_id
        )

    assert await store.refusal_counts() == [
        RefusalCount("notice-a", "issoudun", 1),
        RefusalCount("notice-a", "pithiviers", 2),
        RefusalCount("notice-a", None, 1),
        RefusalCount("notice-b", "pithiviers", 1),
    ]
