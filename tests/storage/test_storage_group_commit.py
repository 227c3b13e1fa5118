"""Group commit: concurrent writers share one COMMIT, each acknowledged only once it is durable.

Real files throughout. The tests run their own bodies on the store's writer
(`db.run_write`), count COMMITs with SQLite's own trace callback on the writer
connection, and read through separate connections.
"""

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from storage import AnswerInput, Response, ResponseStatus, StorageError, Store
from storage.db import Database
from storage.migrations import apply_migrations
from tests.conftest import Clock, Peek
from tests.storage.conftest import NewResponse

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
async def traced(db: Database) -> AsyncIterator[Statements]:
    statements = Statements()
    await db.outside_transaction(lambda conn: conn.set_trace_callback(statements))
    statements.seen.clear()
    yield statements
    await db.outside_transaction(lambda conn: conn.set_trace_callback(None))


class Holder:
    """A write body that keeps the writer busy (and so the write lock taken) until released.

    Its statements run first; `started` is set once they have, on the event loop.
    """

    def __init__(self, *statements: str, fail: bool = False) -> None:
        self.statements = statements
        self.fail = fail
        self.started = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._release = threading.Event()

    def __call__(self, conn: sqlite3.Connection) -> None:
        for statement in self.statements:
            conn.execute(statement)
        self._loop.call_soon_threadsafe(self.started.set)
        if not self._release.wait(10):
            raise TimeoutError("the test never released the writer")
        if self.fail:
            raise Boom

    def release(self) -> None:
        self._release.set()


async def hold(db: Database, holder: Holder) -> asyncio.Task[None]:
    """Start `holder` on the writer; return once its statements have run."""
    task = asyncio.create_task(db.run_write(holder, "hold the writer"))
    await holder.started.wait()
    return task


def execute(sql: str) -> Callable[[sqlite3.Connection], None]:
    """A write body running one statement."""

    def body(conn: sqlite3.Connection) -> None:
        conn.execute(sql)

    return body


async def queued(db: Database, writers: int) -> None:
    """Wait until `writers` writers are queued for the write lock."""
    async with asyncio.timeout(5):
        while db.queued < writers:
            await asyncio.sleep(0.001)


async def no_transaction_left(peek: Peek) -> None:
    """Wait until another connection could write at once: no group stays open."""
    async with asyncio.timeout(5):
        while not peek.can_write_now():
            await asyncio.sleep(0.01)


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
    db: Database,
    store: Store,
    new_response: NewResponse,
    clock: Clock,
    peek: Peek,
    traced: Statements,
) -> None:
    responses = [await new_response(str(i)) for i in range(60)]
    traced.seen.clear()
    commits_before = db.commits

    async def write(i: int, response: Response) -> None:
        await save(store, clock, response, i)
        # Acknowledged means committed: another connection, like another process
        # after a crash, already sees the whole write.
        assert stored_state(peek, response.id) == {"task": i}
        assert peek.query("SELECT 1 FROM handled_updates WHERE update_id = ?", (1000 + i,))

    await asyncio.gather(*(write(i, r) for i, r in enumerate(responses)))

    commits = traced.count("COMMIT")
    assert commits == db.commits - commits_before
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
    db: Database,
    store: Store,
    new_response: NewResponse,
    clock: Clock,
    peek: Peek,
    traced: Statements,
    failure: str,
) -> None:
    responses = [await new_response(str(i)) for i in range(8)]
    victim = responses[3]
    traced.seen.clear()

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

    # Opens the group and keeps the writer until every other writer queued behind it.
    holder = Holder(
        "INSERT INTO stages (code, city) VALUES ('held', 'Held')", fail=failure == "first"
    )
    holding = await hold(db, holder)
    writers = []
    for i, response in enumerate(responses):
        if response is victim and failure != "first":
            writers.append(asyncio.create_task(db.run_write(poison, "poison")))
        else:
            writers.append(asyncio.create_task(save(store, clock, response, i)))
        await queued(db, len(writers))
    holder.release()
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
    db: Database, store: Store, new_response: NewResponse, clock: Clock, peek: Peek
) -> None:
    # RAISE(ROLLBACK) ends the whole transaction, not just the statement: the
    # bodies that ran before it in the same group are gone, and must say so.
    await db.run_write(
        execute(
            "CREATE TRIGGER wreck BEFORE INSERT ON stages WHEN NEW.code = 'wreck' "
            "BEGIN SELECT RAISE(ROLLBACK, 'wrecked'); END"
        )
    )
    before, after = await new_response("before"), await new_response("after")
    holder = Holder("INSERT INTO stages (code, city) VALUES ('held', 'Held')")
    holding = await hold(db, holder)
    earlier = asyncio.create_task(save(store, clock, before, 1))
    await queued(db, 1)
    wrecking = asyncio.create_task(
        db.run_write(execute("INSERT INTO stages (code, city) VALUES ('wreck', 'W')"), "wreck")
    )
    await queued(db, 2)
    later = asyncio.create_task(save(store, clock, after, 2))
    await queued(db, 3)
    holder.release()
    results = await asyncio.gather(holding, earlier, wrecking, later, return_exceptions=True)

    assert all(isinstance(result, StorageError) for result in results[:3]), results
    assert "wrecked" in str(results[2])
    # Each names SQLite's own error as its cause, as an error raised `from` it would: the
    # bot tells an outage (a full disk, a lock) from a fault by it (bot.telegram.app).
    assert all(isinstance(result.__cause__, sqlite3.Error) for result in results[:3]), [
        repr(getattr(result, "__cause__", None)) for result in results[:3]
    ]
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
    db: Database, store: Store, new_response: NewResponse, clock: Clock, peek: Peek
) -> None:
    responses = [await new_response(str(i)) for i in range(4)]
    first = Holder("INSERT INTO stages (code, city) VALUES ('first', 'F')")
    # The group's last body: it keeps the writer, so the COMMIT waits for it,
    # while the bodies before it have run and wait for that COMMIT.
    last = Holder("INSERT INTO stages (code, city) VALUES ('last', 'L')")

    writers = [await hold(db, first)]
    writers += [asyncio.create_task(save(store, clock, r, i)) for i, r in enumerate(responses[:2])]
    await queued(db, 2)
    writers.append(asyncio.create_task(db.run_write(last, "hold the writer")))
    await queued(db, 3)
    first.release()
    await last.started.wait()

    # Every body but the last has run; none has returned, and no reader sees any of it.
    assert not any(writer.done() for writer in writers)
    assert await store.list_stages() == []
    for response in responses[:2]:
        seen = await store.get_response(response.id)
        assert seen is not None
        assert seen.state_json == "{}"
        assert await store.answers_for(response.id) == {}
    rows = await db.run_read(lambda conn: conn.execute("SELECT COUNT(*) FROM answers").fetchall())
    assert [tuple(row) for row in rows] == [(0,)]
    assert peek.query("SELECT COUNT(*) FROM stages") == [(0,)]
    async with await Store.open(store.path, readonly=True) as reader:
        assert await reader.list_stages() == []

    last.release()
    await asyncio.gather(*writers)
    assert [s.code for s in await store.list_stages()] == ["first", "last"]
    for i, response in enumerate(responses[:2]):
        seen = await store.get_response(response.id)
        assert seen is not None
        assert json.loads(seen.state_json) == {"task": i}


async def test_a_read_sees_one_state_while_groups_commit(
    db: Database, store: Store, clock: Clock, peek: Peek
) -> None:
    loop = asyncio.get_running_loop()
    first_read, writes_done = asyncio.Event(), threading.Event()

    def count_twice(conn: sqlite3.Connection) -> tuple[int, int]:
        before = conn.execute("SELECT COUNT(*) FROM handled_updates").fetchone()[0]
        loop.call_soon_threadsafe(first_read.set)
        assert writes_done.wait(10)
        again = conn.execute("SELECT COUNT(*) FROM handled_updates").fetchone()[0]
        return before, again

    reading = asyncio.create_task(db.run_read(count_twice))
    await first_read.wait()
    await asyncio.gather(*(store.mark_handled(i, now=clock.tick()) for i in range(5)))
    # Committed meanwhile, as another connection sees…
    assert peek.query("SELECT COUNT(*) FROM handled_updates") == [(5,)]
    writes_done.set()
    # …but a read is one snapshot, taken at its first statement.
    assert await reading == (0, 0)
    assert [await store.was_handled(i) for i in range(5)] == [True] * 5


@pytest.mark.parametrize("hops", range(8))
async def test_a_writer_cancelled_while_queued_does_not_strand_the_group(
    db: Database, peek: Peek, hops: int
) -> None:
    # The holder's body ends, its turn leaves the group open for the queued
    # writer, and that writer is cancelled `hops` loop turns later: before or
    # after the lock was handed to it, before or after its body started.
    loop = asyncio.get_running_loop()
    waiter: asyncio.Task[None] | None = None

    def cancel_later(turns: int) -> None:
        assert waiter is not None
        if turns:
            loop.call_soon(cancel_later, turns - 1)
        else:
            waiter.cancel()

    def holder(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO stages (code, city) VALUES ('held', 'Held')")
        loop.call_soon_threadsafe(started.set)
        assert go.wait(10)
        loop.call_soon_threadsafe(cancel_later, hops)

    started, go = asyncio.Event(), threading.Event()
    holding = asyncio.create_task(db.run_write(holder, "hold the writer"))
    await started.wait()
    waiter = asyncio.create_task(
        db.run_write(execute("INSERT INTO stages (code, city) VALUES ('waiter', 'W')"), "x")
    )
    await queued(db, 1)
    go.set()
    await asyncio.wait_for(holding, 5)
    (outcome,) = await asyncio.gather(waiter, return_exceptions=True)
    assert outcome is None or isinstance(outcome, asyncio.CancelledError)
    await no_transaction_left(peek)
    codes = [code for (code,) in peek.query("SELECT code FROM stages ORDER BY code")]
    # The waiter's write lands whole if its body had started when it was cancelled.
    assert codes in (["held"], ["held", "waiter"])
    if hops == 0:
        assert waiter.cancelled()
        assert codes == ["held"]


async def test_cancelled_writers_leave_whole_bodies_or_nothing(
    db: Database, store: Store, new_response: NewResponse, clock: Clock, peek: Peek
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
    # A writer that gave up while queued may have left a COMMIT to a task; once
    # it ran, no group is left open: another process can write at once.
    await no_transaction_left(peek)
    assert db.queued == 0

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
    # Still usable, nothing left open.
    await save(store, clock, responses[0], 99_999)
    assert stored_state(peek, responses[0].id) == {"task": 99_999}


async def test_a_body_cancelled_on_the_thread_finishes_and_lands(
    db: Database, store: Store, peek: Peek
) -> None:
    started = asyncio.Event()
    loop = asyncio.get_running_loop()

    def slow(conn: sqlite3.Connection) -> None:
        loop.call_soon_threadsafe(started.set)
        time.sleep(0.2)
        conn.execute("INSERT INTO stages (code, city) VALUES ('slow', 'S')")

    task = asyncio.create_task(db.run_write(slow, "write slowly"))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # A plain function cannot be interrupted half-way: it ran, and its group committed.
    assert await store.list_stages() != []
    assert peek.query("SELECT code FROM stages") == [("slow",)]


async def test_a_body_that_ends_the_transaction_itself_is_refused(
    db: Database, store: Store, peek: Peek
) -> None:
    def commit_by_hand(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO stages (code, city) VALUES ('x', 'X')")
        conn.execute("COMMIT")

    with pytest.raises(StorageError, match="do not run COMMIT") as info:
        await db.run_write(commit_by_hand, "commit by hand")
    assert "commit by hand" in str(info.value)
    # Still usable: the next write gets a transaction of its own.
    await store.sync_stages([])
    assert peek.can_write_now()


async def test_close_commits_the_open_group(db_path: Path, clock: Clock, peek: Peek) -> None:
    db = await Database.open(db_path)
    await apply_migrations(db)
    store = Store(db)
    holder = Holder("INSERT INTO stages (code, city) VALUES ('held', 'Held')")
    holding = await hold(db, holder)
    marks = [asyncio.create_task(store.mark_handled(i, now=clock.tick())) for i in range(5)]
    await queued(db, 5)
    closing = asyncio.create_task(store.close())
    await asyncio.sleep(0.01)
    holder.release()
    await asyncio.gather(holding, *marks, closing)
    assert peek.query("SELECT COUNT(*) FROM handled_updates") == [(5,)]
    assert peek.query("SELECT code FROM stages") == [("held",)]
    with pytest.raises(StorageError, match="closed"):
        await store.mark_handled(99, now=clock.tick())
    with pytest.raises(StorageError, match="closed"):
        await store.was_handled(1)
    # The last connection closed checkpointed and removed the -wal file.
    assert not db_path.with_name(db_path.name + "-wal").exists()


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
