"""Group commit: concurrent writers share one COMMIT, each acknowledged only once it is durable.

Real files throughout; COMMITs are counted with SQLite's own trace callback on
the writer connection.
"""

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import AnswerInput, Response, ResponseStatus, StorageError, Store
from tests.storage.conftest import Clock, NewResponse, Peek

ROOT = Path(__file__).resolve().parents[2]


class Boom(Exception):
    pass


class Statements:
    """Every statement the writer connection runs, as SQLite reports them."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, statement: str) -> None:
        # Called on the connection's own thread; list.append is atomic.
        self.seen.append(statement.strip().upper())

    def count(self, statement: str) -> int:
        return self.seen.count(statement)


@pytest.fixture
async def traced(store: Store) -> AsyncIterator[Statements]:
    statements = Statements()
    async with store._db.write() as conn:
        await conn.set_trace_callback(statements)
    statements.seen.clear()
    yield statements
    async with store._db.write() as conn:
        await conn.set_trace_callback(None)


async def queued(store: Store, writers: int) -> None:
    """Wait until `writers` writers are queued for the write lock."""
    async with asyncio.timeout(5):
        while store._db._queued < writers:
            await asyncio.sleep(0.001)


def answers_of(i: int) -> dict[str, AnswerInput]:
    return {f"q{n}": AnswerInput(f"task {i} answer {n}") for n in range(1, 4)}


async def save(store: Store, clock: Clock, response: Response, i: int) -> Response:
    return await store.save_progress(
        response.id,
        state_json=json.dumps({"task": i}),
        current_step="q4",
        answers=answers_of(i),
        status=ResponseStatus.IN_PROGRESS,
        now=clock.tick(),
        update_id=1000 + i,
    )


def stored_state(peek: Peek, response_id: int) -> object:
    rows = peek.query("SELECT state_json FROM responses WHERE id = ?", (response_id,))
    return json.loads(rows[0][0])


async def test_concurrent_writers_share_commits_and_return_only_once_committed(
    store: Store, new_response: NewResponse, clock: Clock, peek: Peek, traced: Statements
) -> None:
    responses = [await new_response(str(i)) for i in range(60)]
    traced.seen.clear()
    commits_before = store._db.commits

    async def write(i: int, response: Response) -> None:
        await save(store, clock, response, i)
        # Acknowledged means committed: another connection, like another process
        # after a crash, already sees the whole write.
        assert stored_state(peek, response.id) == {"task": i}
        assert peek.query("SELECT 1 FROM handled_updates WHERE update_id = ?", (1000 + i,))

    await asyncio.gather(*(write(i, r) for i, r in enumerate(responses)))

    commits = traced.count("COMMIT")
    assert commits == store._db.commits - commits_before
    assert 1 <= commits < len(responses) // 4
    # One transaction per group: the others joined it with a savepoint.
    assert traced.count("BEGIN IMMEDIATE") == commits
    assert traced.count("ROLLBACK") == 0
    for i, response in enumerate(responses):
        answers = await store.answers_for(response.id)
        assert {q: a.value for q, a in answers.items()} == {
            q: a.value for q, a in answers_of(i).items()
        }


async def test_a_lone_writer_still_gets_its_own_commit(
    store: Store, new_response: NewResponse, clock: Clock, peek: Peek, traced: Statements
) -> None:
    response = await new_response()
    traced.seen.clear()
    for i in range(3):
        await save(store, clock, response, i)
        assert stored_state(peek, response.id) == {"task": i}
    assert traced.count("COMMIT") == 3
    assert traced.count("SAVEPOINT WRITE_1") == 0


@pytest.mark.parametrize("failure", ["exception", "constraint", "first"])
async def test_a_failing_body_in_a_group_rolls_back_alone(
    store: Store, new_response: NewResponse, clock: Clock, peek: Peek, traced: Statements, failure
) -> None:
    responses = [await new_response(str(i)) for i in range(8)]
    victim = responses[3]
    traced.seen.clear()
    release = asyncio.Event()

    async def holder() -> None:
        # Opens the group and keeps the lock until every other writer queued behind it.
        async with store._db.write() as conn:
            await conn.execute("INSERT INTO stages (code, city) VALUES ('held', 'Held')")
            await release.wait()
            if failure == "first":
                raise Boom

    def poison(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE responses SET state_json = 'poisoned' WHERE id = ?", (victim.id,))
        conn.execute(
            "INSERT INTO answers (response_id, question_id, value_json, flow_id, "
            "flow_version, answered_at) VALUES (?, 'poison', '1', 'f', 1, 'now')",
            (victim.id,),
        )
        if failure == "constraint":
            conn.execute("INSERT INTO stages (code) VALUES ('no city')")
        raise Boom

    holding = asyncio.create_task(holder())
    await asyncio.sleep(0)  # the holder takes the lock at its first step
    assert store._db._write_lock.locked()
    writers = []
    for i, response in enumerate(responses):
        if response is victim and failure != "first":
            writers.append(asyncio.create_task(store._db.run_write(poison, "poison")))
        else:
            writers.append(asyncio.create_task(save(store, clock, response, i)))
        await queued(store, len(writers))
    release.set()
    results = await asyncio.gather(holding, *writers, return_exceptions=True)

    if failure == "first":
        assert isinstance(results[0], Boom)
        assert peek.query("SELECT code FROM stages") == []
    else:
        assert results[0] is None
        assert peek.query("SELECT code FROM stages") == [("held",)]
        expected = StorageError if failure == "constraint" else Boom
        assert isinstance(results[1 + 3], expected)
    for i, (response, result) in enumerate(zip(responses, results[1:], strict=True)):
        if response is victim and failure != "first":
            assert stored_state(peek, response.id) == {}
            assert await store.answers_for(response.id) == {}
        else:
            assert isinstance(result, Response)
            assert stored_state(peek, response.id) == {"task": i}
    # Everything that succeeded landed in a single COMMIT (after the holder's
    # own ROLLBACK when it was the one to fail).
    assert traced.count("COMMIT") == 1
    assert traced.count("ROLLBACK") == (1 if failure == "first" else 0)


async def test_a_body_that_makes_sqlite_roll_everything_back_fails_its_whole_group(
    store: Store, new_response: NewResponse, clock: Clock, peek: Peek
) -> None:
    # RAISE(ROLLBACK) ends the whole transaction, not just the statement: the
    # bodies that ran before it in the same group are gone, and must say so.
    async with store._db.write() as conn:
        await conn.execute(
            "CREATE TRIGGER wreck BEFORE INSERT ON stages WHEN NEW.code = 'wreck' "
            "BEGIN SELECT RAISE(ROLLBACK, 'wrecked'); END"
        )
    before, after = await new_response("before"), await new_response("after")
    release = asyncio.Event()

    async def holder() -> None:
        async with store._db.write() as conn:
            await conn.execute("INSERT INTO stages (code, city) VALUES ('held', 'Held')")
            await release.wait()

    holding = asyncio.create_task(holder())
    await asyncio.sleep(0)
    assert store._db._write_lock.locked()
    earlier = asyncio.create_task(save(store, clock, before, 1))
    await queued(store, 1)
    wrecking = asyncio.create_task(
        store._db.change("INSERT INTO stages (code, city) VALUES ('wreck', 'W')", (), "wreck")
    )
    await queued(store, 2)
    later = asyncio.create_task(save(store, clock, after, 2))
    await queued(store, 3)
    release.set()
    results = await asyncio.gather(holding, earlier, wrecking, later, return_exceptions=True)

    assert all(isinstance(result, StorageError) for result in results[:3]), results
    assert "wrecked" in str(results[2])
    assert isinstance(results[3], Response)
    assert peek.query("SELECT code FROM stages") == []
    assert stored_state(peek, before.id) == {}
    assert stored_state(peek, after.id) == {"task": 2}


async def test_a_write_is_visible_to_reads_as_soon_as_it_returns(
    store: Store, new_response: NewResponse, clock: Clock
) -> None:
    responses = [await new_response(str(i)) for i in range(40)]

    async def write_then_read(i: int, response: Response) -> None:
        for round_ in range(3):
            n = i * 10 + round_
            await save(store, clock, response, n)
            seen = await store.get_response(response.id)
            assert seen is not None
            assert json.loads(seen.state_json) == {"task": n}
            assert await store.was_handled(1000 + n)
            answers = await store.answers_for(response.id)
            assert answers["q1"].value == f"task {n} answer 1"

    await asyncio.gather(*(write_then_read(i, r) for i, r in enumerate(responses)))


async def test_reads_never_see_a_groups_uncommitted_rows(
    store: Store, new_response: NewResponse, clock: Clock, peek: Peek
) -> None:
    responses = [await new_response(str(i)) for i in range(4)]
    release, last_body_ran = asyncio.Event(), asyncio.Event()
    holding_lock = asyncio.Event()

    async def first() -> None:
        async with store._db.write() as conn:
            await conn.execute("INSERT INTO stages (code, city) VALUES ('first', 'F')")
            holding_lock.set()
            await queued(store, 3)

    async def last() -> None:
        # The group's last body: it holds the lock, so the COMMIT waits for it,
        # while the bodies before it have run and wait for that COMMIT.
        async with store._db.write() as conn:
            await conn.execute("INSERT INTO stages (code, city) VALUES ('last', 'L')")
            last_body_ran.set()
            await release.wait()

    writers = [asyncio.create_task(first())]
    await holding_lock.wait()
    writers += [asyncio.create_task(save(store, clock, r, i)) for i, r in enumerate(responses[:2])]
    await asyncio.sleep(0)
    writers.append(asyncio.create_task(last()))
    await last_body_ran.wait()

    # Every body but the last has run; none has returned, and no reader sees any of it.
    assert not any(writer.done() for writer in writers)
    assert await store.list_stages() == []
    for response in responses[:2]:
        seen = await store.get_response(response.id)
        assert seen is not None
        assert seen.state_json == "{}"
        assert await store.answers_for(response.id) == {}
    async with store._db.read() as conn:
        rows = await conn.execute_fetchall("SELECT COUNT(*) FROM answers")
        assert [tuple(row) for row in rows] == [(0,)]
    assert peek.query("SELECT COUNT(*) FROM stages") == [(0,)]
    async with await Store.open(store.path, readonly=True) as reader:
        assert await reader.list_stages() == []

    release.set()
    await asyncio.gather(*writers)
    assert [s.code for s in await store.list_stages()] == ["first", "last"]
    for i, response in enumerate(responses[:2]):
        seen = await store.get_response(response.id)
        assert seen is not None
        assert json.loads(seen.state_json) == {"task": i}


async def test_a_read_block_sees_one_state_while_groups_commit(
    store: Store, clock: Clock, peek: Peek
) -> None:
    async with store._db.read() as conn:
        before = list(await conn.execute_fetchall("SELECT COUNT(*) FROM handled_updates"))
        await asyncio.gather(*(store.mark_handled(i, now=clock.tick()) for i in range(5)))
        # Committed meanwhile, as another connection sees…
        assert peek.query("SELECT COUNT(*) FROM handled_updates") == [(5,)]
        # …but a read block is one snapshot, taken at its first statement.
        again = list(await conn.execute_fetchall("SELECT COUNT(*) FROM handled_updates"))
        assert [tuple(row) for row in again] == [tuple(row) for row in before] == [(0,)]
    assert [await store.was_handled(i) for i in range(5)] == [True] * 5


async def test_store_reads_inside_a_read_block_join_its_snapshot(
    store: Store, clock: Clock
) -> None:
    async with store._db.read() as conn:
        await conn.execute_fetchall("SELECT COUNT(*) FROM handled_updates")
        await store.mark_handled(1, now=clock.tick())
        # Not a deadlock on the read lock, and the block's own state of the database.
        async with asyncio.timeout(1):
            assert await store.was_handled(1) is False
    assert await store.was_handled(1) is True


async def test_a_writer_cancelled_while_queued_does_not_strand_the_group(
    store: Store, peek: Peek
) -> None:
    loop = asyncio.get_running_loop()
    waiter: asyncio.Task[int] | None = None

    async def holder() -> None:
        async with store._db.write() as conn:
            await conn.execute("INSERT INTO stages (code, city) VALUES ('held', 'Held')")
            await queued(store, 1)
            assert waiter is not None
            # The lock goes to the queued writer as this block ends, and it gives
            # up before it runs: the group it was expected to join must still commit.
            loop.call_soon(waiter.cancel)

    holding = asyncio.create_task(holder())
    await asyncio.sleep(0)
    waiter = asyncio.create_task(
        store._db.change("INSERT INTO stages (code, city) VALUES ('never', 'N')", (), "x")
    )
    await asyncio.wait_for(holding, 5)
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert peek.query("SELECT code FROM stages") == [("held",)]


async def test_cancelled_writers_leave_whole_bodies_or_nothing(
    store: Store, new_response: NewResponse, clock: Clock, peek: Peek
) -> None:
    responses = [await new_response(str(i)) for i in range(30)]

    async def writer(i: int, response: Response) -> None:
        for n in range(20):
            await save(store, clock, response, i * 100 + n)

    tasks = [asyncio.create_task(writer(i, r)) for i, r in enumerate(responses)]
    for delay, task in enumerate(tasks):
        await asyncio.sleep(0.0005 * (delay % 7))
        if delay % 3:
            task.cancel()
    results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)
    assert all(r is None or isinstance(r, asyncio.CancelledError) for r in results)
    async with asyncio.timeout(5):
        # A writer that gave up while queued may have left a COMMIT to a task.
        while store._db._tasks or store._db._write_lock.locked():
            await asyncio.sleep(0.01)

    # Each response holds exactly one whole save: its state, its answers and
    # its update id agree.
    for response in responses:
        state = stored_state(peek, response.id)
        answers = dict(
            peek.query(
                "SELECT question_id, value_json FROM answers WHERE response_id = ?",
                (response.id,),
            )
        )
        if state == {}:
            assert answers == {}
            continue
        assert isinstance(state, dict)
        n = state["task"]
        assert answers == {q: json.dumps(a.value) for q, a in answers_of(n).items()}
        assert peek.query("SELECT 1 FROM handled_updates WHERE update_id = ?", (1000 + n,))
    assert store._db._group is None
    # Still usable, nothing left open.
    await save(store, clock, responses[0], 99_999)
    assert stored_state(peek, responses[0].id) == {"task": 99_999}


async def test_a_body_cancelled_on_the_thread_finishes_and_lands(store: Store, peek: Peek) -> None:
    started = asyncio.Event()
    loop = asyncio.get_running_loop()

    def slow(conn: sqlite3.Connection) -> None:
        loop.call_soon_threadsafe(started.set)
        time.sleep(0.2)
        conn.execute("INSERT INTO stages (code, city) VALUES ('slow', 'S')")

    task = asyncio.create_task(store._db.run_write(slow, "write slowly"))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # A plain function cannot be interrupted half-way: it ran, and its group committed.
    assert await store.list_stages() != []
    assert peek.query("SELECT code FROM stages") == [("slow",)]


async def test_run_write_does_not_nest_in_a_write(store: Store) -> None:
    with pytest.raises(StorageError, match="do not nest"):
        async with store._db.write():
            await store.mark_handled(1, now=Clock().now)
    assert await store.was_handled(1) is False


async def test_a_read_inside_a_write_sees_its_own_group(store: Store, clock: Clock) -> None:
    async with store._db.write() as conn:
        await conn.execute("INSERT INTO stages (code, city) VALUES ('mine', 'M')")
        assert [s.code for s in await store.list_stages()] == ["mine"]


async def test_close_commits_the_open_group(db_path: Path, clock: Clock, peek: Peek) -> None:
    store = await Store.open(db_path)
    release = asyncio.Event()

    async def holder() -> None:
        async with store._db.write() as conn:
            await conn.execute("INSERT INTO stages (code, city) VALUES ('held', 'Held')")
            await release.wait()

    holding = asyncio.create_task(holder())
    await asyncio.sleep(0)
    marks = [asyncio.create_task(store.mark_handled(i, now=clock.tick())) for i in range(5)]
    closing = asyncio.create_task(store.close())
    await asyncio.sleep(0.01)
    release.set()
    await asyncio.gather(holding, *marks, closing)
    assert peek.query("SELECT COUNT(*) FROM handled_updates") == [(5,)]
    assert peek.query("SELECT code FROM stages") == [("held",)]
    with pytest.raises(StorageError, match="closed"):
        await store.mark_handled(99, now=clock.tick())
    with pytest.raises(StorageError, match="closed"):
        await store.was_handled(1)


CRASHING_WRITER = textwrap.dedent(
    """
    import asyncio, datetime as dt, os, signal, sys
    from storage import AnswerInput, ResponseStatus, Store

    NOW = dt.datetime(2019, 6, 3, 9, 0, tzinfo=dt.UTC)
    DIE_AFTER = int(sys.argv[2])  # acknowledgements; 0: wait to be killed
    acknowledged = 0

    def acknowledge(line):
        global acknowledged
        os.write(1, (line + "\\n").encode())
        acknowledged += 1
        if acknowledged == DIE_AFTER:
            # Right after an acknowledgement, other writers' groups mid-way.
            os.kill(os.getpid(), signal.SIGKILL)

    async def main(path):
        store = await Store.open(path)

        async def marks(worker):
            n = 0
            while True:
                n += 1
                update_id = worker * 1_000_000 + n
                await store.mark_handled(update_id, now=NOW)
                acknowledge(f"update {update_id}")

        async def answers(worker):
            person = await store.ensure_respondent("telegram", str(worker), now=NOW)
            response = await store.start_response(
                person.id, flow_id="f", flow_version=1, stage_code=None, language="fr",
                state_json="{}", current_step=None, now=NOW,
            )
            n = 0
            while True:
                n += 1
                await store.save_progress(
                    response.id, state_json="{}", current_step=None,
                    answers={"q1": AnswerInput(n)}, status=ResponseStatus.IN_PROGRESS,
                    now=NOW,
                )
                acknowledge(f"answer {response.id} {n}")

        await asyncio.gather(
            *(marks(w) for w in range(1, 11)), *(answers(w) for w in range(11, 21))
        )

    asyncio.run(main(sys.argv[1]))
    """
)


def run_until_killed(db_path: Path, *, die_after: int) -> list[str]:
    """Run the writer until it is SIGKILLed; return the acknowledgements it printed.

    With `die_after`, it kills itself right after that many; otherwise we do,
    as soon as 400 have arrived.
    """
    process = subprocess.Popen(
        [sys.executable, "-c", CRASHING_WRITER, str(db_path), str(die_after)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )
    received = b""
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 60
        while (die_after or received.count(b"\n") < 400) and time.monotonic() < deadline:
            # Unbuffered: kill as soon as the 400th line arrives, COMMITs under way.
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                break
            received += chunk
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        rest, errors = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL, errors.decode()
    # Whatever the pipe still held was written before the kill: acknowledged too.
    lines = (received + rest).decode().splitlines()
    assert len(lines) >= (die_after or 400), errors.decode()
    return lines


@pytest.mark.parametrize(
    "die_after", [0, 150, 300, 450], ids=["killed", "died_150", "died_300", "died_450"]
)
def test_every_acknowledged_write_survives_a_kill(db_path: Path, die_after: int) -> None:
    acknowledged = run_until_killed(db_path, die_after=die_after)

    conn = sqlite3.connect(db_path)  # recovers the -wal file the killed process left
    try:
        handled = {row[0] for row in conn.execute("SELECT update_id FROM handled_updates")}
        answers = dict(conn.execute("SELECT response_id, CAST(value_json AS INTEGER) FROM answers"))
    finally:
        conn.close()
    updates = answered = 0
    for line in acknowledged:
        kind, *numbers = line.split()
        if kind == "update":
            updates += 1
            assert int(numbers[0]) in handled, line
        else:
            answered += 1
            response_id, n = map(int, numbers)
            # This answer or a later one (written, perhaps not yet acknowledged).
            assert answers[response_id] >= n, line
    assert updates and answered
