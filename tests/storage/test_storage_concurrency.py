"""Concurrent writers: transactions never interleave, and a failure undoes only itself."""

import asyncio
import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from storage import AnswerInput, Response, ResponseStatus, StorageError, Store
from storage.db import Database


def answers_of(i: int) -> dict[str, AnswerInput]:
    return {f"q{n}": AnswerInput(f"task {i} answer {n}") for n in range(1, 6)}


async def test_many_concurrent_saves_all_land(store: Store, new_response, clock) -> None:
    responses = [await new_response(str(i)) for i in range(40)]

    async def save(i: int, response: Response) -> Response:
        return await store.save_progress(
            response.id,
            state_json=json.dumps({"task": i}),
            current_step="q6",
            answers=answers_of(i),
            status=ResponseStatus.COMPLETED if i % 2 else ResponseStatus.IN_PROGRESS,
            now=clock.tick(),
        )

    await asyncio.gather(*(save(i, r) for i, r in enumerate(responses)))

    for i, response in enumerate(responses):
        reloaded = await store.get_response(response.id)
        assert reloaded is not None
        assert json.loads(reloaded.state_json) == {"task": i}
        answers = await store.answers_for(response.id)
        assert {q: a.value for q, a in answers.items()} == {
            q: a.value for q, a in answers_of(i).items()
        }
    counts = await store.count_responses()
    assert counts[ResponseStatus.COMPLETED] == 20
    assert counts[ResponseStatus.IN_PROGRESS] == 20


async def test_concurrent_saves_to_one_response_are_each_atomic(
    store: Store, new_response, clock
) -> None:
    response = await new_response()

    async def save(i: int) -> None:
        # Each save drops a different question, so a mixed result would show.
        answers = {q: a for q, a in answers_of(i).items() if q != f"q{i % 5 + 1}"}
        await store.save_progress(
            response.id,
            state_json=json.dumps({"task": i}),
            current_step=None,
            answers=answers,
            status=ResponseStatus.IN_PROGRESS,
            now=clock.tick(),
        )

    await asyncio.gather(*(save(i) for i in range(30)))

    reloaded = await store.get_response(response.id)
    assert reloaded is not None
    winner = json.loads(reloaded.state_json)["task"]
    answers = await store.answers_for(response.id)
    expected = {q: a.value for q, a in answers_of(winner).items() if q != f"q{winner % 5 + 1}"}
    assert {q: a.value for q, a in answers.items()} == expected


class Boom(Exception):
    pass


@pytest.mark.parametrize("failure", ["exception", "constraint", "cancelled"])
async def test_a_failing_write_rolls_back_only_itself(
    db: Database, store: Store, new_response, clock, failure: str
) -> None:
    victim = await new_response("victim")
    others = [await new_response(str(i)) for i in range(10)]
    loop = asyncio.get_running_loop()
    inside, may_finish = asyncio.Event(), threading.Event()

    def failing_write(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE responses SET state_json = 'poisoned' WHERE id = ?", (victim.id,))
        conn.execute(
            "INSERT INTO answers (response_id, question_id, value_json, flow_id, "
            "flow_version, answered_at) VALUES (?, 'poison', '1', 'f', 1, ?)",
            (victim.id, clock.now.isoformat()),
        )
        loop.call_soon_threadsafe(inside.set)
        # Hold the transaction open while the other writers queue up: without
        # the lock their statements would land inside it and die with it.
        assert may_finish.wait(10)
        if failure == "constraint":
            conn.execute(
                "INSERT INTO responses (id, key, respondent_id, flow_id, flow_version, "
                "language, status, state_json, started_at, updated_at) "
                "VALUES (?, 'k', 1, 'f', 1, 'fr', 'in_progress', '{}', 'now', 'now')",
                (victim.id,),
            )
        if failure != "cancelled":
            raise Boom

    async def save(i: int, response: Response) -> None:
        await inside.wait()
        await store.save_progress(
            response.id,
            state_json=json.dumps({"task": i}),
            current_step=None,
            answers=answers_of(i),
            status=ResponseStatus.IN_PROGRESS,
            now=clock.tick(),
        )

    failing = asyncio.create_task(db.run_write(failing_write, "fail"))
    savers = [asyncio.create_task(save(i, r)) for i, r in enumerate(others)]
    await inside.wait()
    # A read meanwhile (another connection) does not see the open transaction's rows.
    seen = await store.get_response(victim.id)
    assert seen is not None
    assert seen.state_json == "{}"
    async with asyncio.timeout(5):
        while db.queued < len(others):
            await asyncio.sleep(0.001)
    if failure == "cancelled":
        # Cancelled while its body runs: the body cannot be stopped half-way.
        failing.cancel()
    may_finish.set()
    results = await asyncio.gather(failing, *savers, return_exceptions=True)

    expected_error = {
        "exception": Boom,
        "constraint": StorageError,
        "cancelled": asyncio.CancelledError,
    }[failure]
    assert isinstance(results[0], expected_error)
    assert results[1:] == [None] * len(others)

    reloaded = await store.get_response(victim.id)
    assert reloaded is not None
    if failure == "cancelled":
        # Its body ran to its end: the write landed whole, with its group.
        assert reloaded.state_json == "poisoned"
        assert set(await store.answers_for(victim.id)) == {"poison"}
    else:
        assert reloaded.state_json == "{}"
        assert await store.answers_for(victim.id) == {}
    for i, response in enumerate(others):
        answers = await store.answers_for(response.id)
        assert {q: a.value for q, a in answers.items()} == {
            q: a.value for q, a in answers_of(i).items()
        }
    # The store is usable afterwards: no transaction was left open.
    await store.save_progress(
        victim.id,
        state_json='{"after": true}',
        current_step=None,
        answers={"q1": AnswerInput("after")},
        status=ResponseStatus.IN_PROGRESS,
        now=clock.tick(),
    )
    assert set(await store.answers_for(victim.id)) == {"q1"}


async def test_constraint_error_in_a_write_is_a_storage_error_naming_the_file(
    db: Database, store: Store, db_path: Path
) -> None:
    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO stages (code) VALUES ('no_city')")

    with pytest.raises(StorageError) as info:
        await db.run_write(broken, "insert a broken row")
    assert str(db_path) in str(info.value)
    assert "insert a broken row" in str(info.value)
    assert await store.list_stages() == []


async def test_two_stores_on_one_file_both_land(db: Database, store: Store, clock) -> None:
    bot = store
    async with await Store.open(db.path) as chat:
        holding = asyncio.Event()
        loop = asyncio.get_running_loop()

        def hold(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT INTO stages (code, city) VALUES ('held', 'Held')")
            loop.call_soon_threadsafe(holding.set)
            time.sleep(0.3)

        async def hold_the_file_lock() -> None:
            # Keep SQLite's write lock taken for a while: the other store's
            # BEGIN IMMEDIATE must wait (busy_timeout), not fail.
            await db.run_write(hold, "hold the file lock")

        async def answer(store: Store, name: str) -> None:
            await holding.wait()
            respondent = await store.ensure_respondent("terminal", name, now=clock.tick())
            response = await store.start_response(
                respondent.id,
                flow_id="tdf2019",
                flow_version=1,
                stage_code=None,
                language="fr",
                state_json="{}",
                current_step=None,
                now=clock.tick(),
            )
            await store.save_progress(
                response.id,
                state_json=json.dumps({"name": name}),
                current_step=None,
                answers={"q1": AnswerInput(name)},
                status=ResponseStatus.COMPLETED,
                now=clock.tick(),
            )

        tasks = [hold_the_file_lock()]
        for i in range(10):
            tasks.append(answer(bot, f"bot-{i}"))
            tasks.append(answer(chat, f"chat-{i}"))
        await asyncio.gather(*tasks)

        for store in (bot, chat):
            assert (await store.count_responses())[ResponseStatus.COMPLETED] == 20
            assert [s.code for s in await store.list_stages()] == ["held"]
        for i in range(10):
            for name in (f"bot-{i}", f"chat-{i}"):
                respondent = await chat.ensure_respondent("terminal", name, now=clock.tick())
                response = await chat.latest_response(respondent.id)
                assert response is not None
                answers = await bot.answers_for(response.id)
                assert answers["q1"].value == name
