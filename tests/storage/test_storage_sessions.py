"""What the conversation service asks of the store: sessions, consent at start, flow versions."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from dataclasses import replace

import pytest

from storage import (
    AnswerInput,
    Channel,
    Response,
    ResponseStatus,
    SessionRecord,
    StorageError,
    Store,
)
from storage.db import Database
from tests.conftest import Clock, Peek
from tests.storage.conftest import NewResponse
from tests.support.postgres import refuse_inserts


def test_channels_are_the_names_stored() -> None:
    assert [str(c) for c in Channel] == ["telegram", "terminal", "web"]
    assert Channel("web") is Channel.WEB


async def start(
    store: Store,
    clock: Clock,
    respondent_id: int,
    *,
    consent_version: str | None = None,
    update_id: int | None = None,
    flow_id: str = "tdf2019",
) -> Response:
    return await store.start_response(
        respondent_id,
        flow_id=flow_id,
        flow_version=3,
        stage_code="vitre",
        language="fr",
        state_json="{}",
        current_step="q1",
        now=clock.tick(),
        consent_version=consent_version,
        update_id=update_id,
    )


# load_session


async def test_load_session_of_a_stranger_finds_nothing_and_creates_nothing(
    store: Store, peek: Peek
) -> None:
    record = await store.load_session(Channel.TELEGRAM, "1001", flow_id="tdf2019")
    assert record == SessionRecord(respondent=None, response=None, handled=False)
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(0,)]


async def test_load_session_finds_the_latest_response_of_the_flow(
    store: Store, clock: Clock
) -> None:
    ana = await store.ensure_respondent(Channel.TELEGRAM, "1001", now=clock.tick())
    assert await store.load_session(Channel.TELEGRAM, "1001", flow_id="tdf2019") == SessionRecord(
        ana, None, False
    )
    first = await start(store, clock, ana.id)
    latest = await start(store, clock, ana.id)
    other_flow = await start(store, clock, ana.id, flow_id="territoires")
    bob = await store.ensure_respondent(Channel.TELEGRAM, "1002", now=clock.tick())
    await start(store, clock, bob.id)

    record = await store.load_session(Channel.TELEGRAM, "1001", flow_id="tdf2019")
    assert record == SessionRecord(ana, latest, False)
    assert first != latest
    record = await store.load_session(Channel.TELEGRAM, "1001", flow_id="territoires")
    assert record.response == other_flow
    # The same id on another channel is another person.
    assert (await store.load_session(Channel.WEB, "1001", flow_id="tdf2019")).respondent is None


async def test_load_session_says_whether_the_update_was_applied(store: Store, clock: Clock) -> None:
    ana = await store.ensure_respondent(Channel.TELEGRAM, "1001", now=clock.tick())
    response = await start(store, clock, ana.id, update_id=70)

    applied = await store.load_session(Channel.TELEGRAM, "1001", flow_id="tdf2019", update_id=70)
    assert applied == SessionRecord(ana, response, True)
    fresh = await store.load_session(Channel.TELEGRAM, "1001", flow_id="tdf2019", update_id=71)
    assert fresh.handled is False
    # Without an update id there is nothing to have applied.
    assert (await store.load_session(Channel.TELEGRAM, "1001", flow_id="tdf2019")).handled is False
    # Known to be applied even for someone unknown (an update that erased them, redelivered).
    await store.mark_handled(72, now=clock.tick())
    gone = await store.load_session(Channel.TELEGRAM, "999", flow_id="tdf2019", update_id=72)
    assert gone == SessionRecord(None, None, True)


async def test_load_session_sees_a_write_whole_or_not_at_all(
    db: Database, store: Store, clock: Clock
) -> None:
    ana = await store.ensure_respondent(Channel.TELEGRAM, "1001", now=clock.tick())
    response = await start(store, clock, ana.id)
    loop = asyncio.get_running_loop()
    written, may_commit = asyncio.Event(), threading.Event()

    def answer_slowly(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE responses SET current_step = 'q2' WHERE id = ?", (response.id,))
        conn.execute("INSERT INTO handled_updates VALUES (5, '2019-06-03T09:00:00+00:00')")
        loop.call_soon_threadsafe(written.set)
        assert may_commit.wait(10)

    writing = asyncio.create_task(db.run_write(answer_slowly, "answer"))
    await written.wait()
    try:
        # The update and the answer it brought are not there yet, both together.
        during = await store.load_session(Channel.TELEGRAM, "1001", flow_id="tdf2019", update_id=5)
        assert during == SessionRecord(ana, response, False)
    finally:
        may_commit.set()
        await writing
    after = await store.load_session(Channel.TELEGRAM, "1001", flow_id="tdf2019", update_id=5)
    assert after.handled is True
    assert after.response is not None and after.response.current_step == "q2"


# start_response with the consent


async def test_starting_with_a_consent_records_both_together(
    store: Store, clock: Clock, peek: Peek
) -> None:
    ana = await store.ensure_respondent(Channel.TELEGRAM, "1001", now=clock.tick())
    response = await start(store, clock, ana.id, consent_version="v2", update_id=9)

    assert (response.consent_version, response.consented_at) == ("v2", response.started_at)
    assert await store.get_response(response.id) == response
    assert peek.query("SELECT consent_version, consented_at = started_at FROM responses") == [
        ("v2", 1)
    ]
    assert await store.was_handled(9)


async def test_starting_without_a_consent_records_none(store: Store, clock: Clock) -> None:
    ana = await store.ensure_respondent(Channel.TERMINAL, "ana", now=clock.tick())
    response = await start(store, clock, ana.id)
    assert (response.consent_version, response.consented_at, response.reminded_at) == (
        None,
        None,
        None,
    )


async def test_a_failed_start_records_no_consent_and_no_update(
    store: Store, clock: Clock, peek: Peek
) -> None:
    ana = await store.ensure_respondent(Channel.TELEGRAM, "1001", now=clock.tick())
    refuse_inserts(peek, "handled_updates", "no room for update ids")
    before = peek.dump()
    with pytest.raises(StorageError, match="no room for update ids"):
        await start(store, clock, ana.id, consent_version="v2", update_id=9)
    for bad in ("", "  "):
        with pytest.raises(StorageError, match="non-empty"):
            await start(store, clock, ana.id, consent_version=bad)
    assert peek.dump() == before


# save_progress with a new flow version


async def test_a_new_flow_version_moves_the_response_and_its_answers(
    store: Store, new_response: NewResponse, clock: Clock
) -> None:
    response = await new_response(flow_version=3)
    await store.save_progress(
        response.id,
        state_json="{}",
        current_step="q2",
        answers={"q1": AnswerInput("oui")},
        status=ResponseStatus.IN_PROGRESS,
        now=clock.tick(),
    )
    # The respondent resumes under version 4 of the flow.
    moved = await store.save_progress(
        response.id,
        state_json='{"v": 4}',
        current_step="q3",
        answers={"q1": AnswerInput("oui"), "q2": AnswerInput(2)},
        status=ResponseStatus.IN_PROGRESS,
        now=clock.tick(),
        flow_version=4,
    )

    assert moved.flow_version == 4
    assert (await store.get_response(response.id)) == moved
    answers = await store.answers_for(response.id)
    # An answer kept as it stood keeps the version it was given on (tests/storage/
    # test_answer_versions.py); one given now is on version 4.
    assert {q: a.flow_version for q, a in answers.items()} == {"q1": 3, "q2": 4}
    # Without one, the version stays.
    kept = await store.save_progress(
        response.id,
        state_json="{}",
        current_step=None,
        answers={"q1": AnswerInput("non")},
        status=ResponseStatus.COMPLETED,
        now=clock.tick(),
    )
    assert kept.flow_version == 4
    assert (await store.answers_for(response.id))["q1"].flow_version == 4


async def test_saving_keeps_the_consent_and_the_reminder(
    store: Store, new_response: NewResponse, clock: Clock
) -> None:
    response = await new_response()
    await store.record_consent(response.id, version="v1", now=clock.tick())
    await store.mark_reminded(response.id, now=clock.tick())
    before = await store.get_response(response.id)
    assert before is not None
    saved_at = clock.tick()
    saved = await store.save_progress(
        response.id,
        state_json="{}",
        current_step="q2",
        answers={},
        status=ResponseStatus.IN_PROGRESS,
        now=saved_at,
    )
    assert saved == replace(before, current_step="q2", updated_at=saved_at)
