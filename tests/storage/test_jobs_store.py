"""Organiser jobs in the store: recorded once per command, started, ended, found when unfinished.

Every test runs on SQLite and PostgreSQL (tests/storage/conftest.py), and a
job's lease on PostgreSQL is held by one store at a time, as two instances would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from storage import Job, open_store
from tests.conftest import Clock


async def record(store: Any, clock: Clock, *, update_id: int | None = 7) -> Job | None:
    return await store.add_job(
        kind="export",
        chat_id="900001",
        language="fr",
        args={"stage": "pithiviers", "personal": False},
        now=clock.tick(),
        update_id=update_id,
    )


async def test_a_job_is_pending_until_it_ends_and_counts_its_starts(
    store: Any, clock: Clock
) -> None:
    job = await record(store, clock)
    assert job is not None
    assert [
        (j.id, j.kind, j.chat_id, j.args, j.attempts) for j in await store.unfinished_jobs()
    ] == [(job.id, "export", "900001", {"stage": "pithiviers", "personal": False}, 0)]
    assert await store.start_job(job.id, now=clock.tick()) == 1
    assert await store.start_job(job.id, now=clock.tick()) == 2
    assert [j.attempts for j in await store.unfinished_jobs()] == [2]

    await store.finish_job(job.id, now=clock.tick())
    assert await store.unfinished_jobs() == []
    assert await store.start_job(job.id, now=clock.tick()) is None, "an ended job is not started"
    await store.finish_job(job.id, failed=True, now=clock.tick())  # keeps its first end


async def test_one_command_delivered_twice_records_one_job(store: Any, clock: Clock) -> None:
    first = await record(store, clock, update_id=7)
    assert first is not None
    assert await record(store, clock, update_id=7) is None
    await store.finish_job(first.id, now=clock.tick())
    # Ended, its update still refuses a redelivery; a new command makes a new job.
    assert await record(store, clock, update_id=7) is None
    assert await record(store, clock, update_id=None) is not None
    assert len(await store.unfinished_jobs()) == 1


async def test_ended_jobs_are_forgotten_after_a_while(store: Any, clock: Clock) -> None:
    ended = await record(store, clock, update_id=1)
    assert ended is not None
    await store.finish_job(ended.id, now=clock.tick())
    pending = await record(store, clock, update_id=2)
    assert pending is not None
    assert await store.prune_jobs(before=clock.tick()) == 1
    assert [j.id for j in await store.unfinished_jobs()] == [pending.id]


async def test_a_job_lease_is_held_by_one_store_at_a_time(
    store: Any, store_target: Path | str
) -> None:
    other = await open_store(store_target)
    try:
        assert await store.take_lease("job:1")
        # On PostgreSQL another instance cannot have it; on SQLite a job's lease is each
        # store's own (one bot process per file: storage/file_leases.py).
        if isinstance(store_target, str):
            assert not await other.take_lease("job:1")
            await store.end_lease("job:1")
            assert await other.take_lease("job:1")
            await other.end_lease("job:1")
        else:
            assert not await store.take_lease("job:1")
    finally:
        await other.close()
