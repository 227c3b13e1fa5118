"""Exporting while the bot writes: one consistent snapshot, no error.

A writer task keeps saving responses through a read-write Store (as the bot
does), each save moving one response to its next "generation" (every answer
of the response then carries that generation) or starting a new response.
The export runs in a thread, in batches of two responses, pausing between
batches so that many writes land during it. Its rows must be the database
exactly as it was after some number of writes: every response at one state
(no mix of generations), and all responses at the same moment.
"""

from __future__ import annotations

import asyncio
import io
import time
from pathlib import Path

import pandas as pd
import pytest

from exports import ExportOptions, run_export
from flows import Flow
from storage import AnswerInput, ResponseStatus, Store
from tests.conftest import Clock

QUESTIONS = ("company", "staff", "ideas")


def answers(generation: int) -> dict[str, AnswerInput]:
    return {
        "company": AnswerInput(f"gen-{generation}"),
        "staff": AnswerInput(generation),
        "ideas": AnswerInput(f"idea {generation}"),
    }


@pytest.mark.timing
async def test_export_sees_one_moment_while_the_bot_writes(
    store: Store, db_path: Path, clock: Clock, mini: Flow
) -> None:
    # The log of every committed state: key -> generation (None: started, no answer yet).
    states: list[dict[str, int | None]] = [{}]
    ids: dict[str, int] = {}

    async def new_response() -> None:
        person = await store.ensure_respondent("telegram", f"p{len(ids)}", now=clock.tick())
        response = await store.start_response(
            person.id,
            flow_id=mini.id,
            flow_version=mini.version,
            stage_code="pithiviers",
            language="fr",
            state_json="{}",
            current_step="company",
            now=clock.tick(),
        )
        # A moment of its own: an export may land between these two commits.
        states.append(states[-1] | {response.key: None})
        await store.save_progress(
            response.id,
            state_json="{}",
            current_step="company",
            answers=answers(0),
            status=ResponseStatus.IN_PROGRESS,
            now=clock.tick(),
        )
        ids[response.key] = response.id
        states.append(states[-1] | {response.key: 0})

    async def bump(key: str) -> None:
        generation = (states[-1][key] or 0) + 1
        await store.save_progress(
            ids[key],
            state_json="{}",
            current_step="company",
            answers=answers(generation),
            status=ResponseStatus.IN_PROGRESS,
            now=clock.tick(),
        )
        states.append(states[-1] | {key: generation})

    for _ in range(6):
        await new_response()
    writes_during: list[float] = []
    stop = asyncio.Event()

    async def writer() -> None:
        turn = 0
        while not stop.is_set():
            if turn % 7 == 6:
                await new_response()
            else:
                await bump(sorted(ids)[turn % len(ids)])
            writes_during.append(time.monotonic())
            turn += 1
            await asyncio.sleep(0)

    def slow_progress(done: int, total: int) -> None:
        time.sleep(0.06)  # let the writer commit between two batches (even on a busy machine)

    out = io.BytesIO()
    task = asyncio.create_task(writer())
    await asyncio.sleep(0.05)
    started = time.monotonic()
    result = await asyncio.to_thread(
        run_export,
        db_path,
        mini,
        ExportOptions(status="all", batch_size=2),
        csv=out,
        progress=slow_progress,
    )
    finished = time.monotonic()
    stop.set()
    await task

    assert sum(started < t < finished for t in writes_during) >= 10, "no write overlapped"
    frame = pd.read_csv(io.BytesIO(out.getvalue()), dtype=str, keep_default_na=False)
    seen: dict[str, int | None] = {}
    for row in frame.to_dict("records"):
        if row["staff"] == "":
            # Started but not yet answered at that moment: no answer at all.
            assert row["company"] == row["ideas"] == ""
            seen[row["response_key"]] = None
            continue
        generation = int(row["staff"])
        # One response, one state: never the company of one save and the idea of another.
        assert row["company"] == f"gen-{generation}" and row["ideas"] == f"idea {generation}"
        seen[row["response_key"]] = generation
    assert result.responses == len(seen) >= 4
    assert seen in states, "the export matches no single moment of the database"
    assert seen != states[-1], "the export should predate the last writes"


@pytest.mark.timing
async def test_export_of_a_database_in_use_does_not_block_the_writer(
    store: Store, db_path: Path, clock: Clock, mini: Flow
) -> None:
    """The snapshot's read transaction never makes a write wait or fail."""
    from storage import open_snapshot

    person = await store.ensure_respondent("telegram", "1", now=clock.tick())
    response = await store.start_response(
        person.id,
        flow_id=mini.id,
        flow_version=mini.version,
        stage_code=None,
        language="fr",
        state_json="{}",
        current_step="company",
        now=clock.tick(),
    )
    with open_snapshot(db_path) as snapshot:
        where = ExportOptions(status="all").response_filter(mini.id)
        before = snapshot.count(where)
        started = time.monotonic()
        for n in range(5):
            await store.save_progress(
                response.id,
                state_json="{}",
                current_step=None,
                answers=answers(n),
                status=ResponseStatus.COMPLETED,
                now=clock.tick(),
            )
        assert time.monotonic() - started < 2
        # Still the database as it was when the snapshot opened.
        assert snapshot.count(where) == before
        batch = next(snapshot.batches(where))
        assert batch.answers == ({},) and batch.statuses == ("in_progress",)
