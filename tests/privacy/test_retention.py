"""Retention: purging what is older than the period, and closing idle responses, at their boundaries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from storage import (
    AnswerInput,
    PurgeReport,
    Response,
    ResponseStatus,
    StorageError,
    Store,
)
from tests.conftest import Peek

NOW = dt.datetime(2020, 6, 3, 9, 0, tzinfo=dt.UTC)
CUTOFF = NOW - dt.timedelta(days=365)
US = dt.timedelta(microseconds=1)


async def respondent(store: Store, name: str, created: dt.datetime) -> int:
    return (await store.ensure_respondent("telegram", name, now=created)).id


async def response(
    store: Store,
    respondent_id: int,
    *,
    started: dt.datetime,
    updated: dt.datetime | None = None,
    status: ResponseStatus = ResponseStatus.IN_PROGRESS,
    answers: dict[str, AnswerInput] | None = None,
) -> Response:
    made = await store.start_response(
        respondent_id,
        flow_id="tdf2019",
        flow_version=3,
        stage_code="vitre",
        language="fr",
        state_json="{}",
        current_step="q1",
        now=started,
    )
    if updated is not None or answers:
        made = await store.save_progress(
            made.id,
            state_json="{}",
            current_step="q2",
            answers=answers or {},
            status=status,
            now=updated or started,
        )
    return made


def two_answers(text: str) -> dict[str, AnswerInput]:
    return {"q1": AnswerInput("autre", other_text=text), "q2": AnswerInput(3)}


async def fill(store: Store) -> dict[str, int]:
    """One case per rule; names say what purging at CUTOFF must do to each."""
    old = CUTOFF - dt.timedelta(days=30)
    ids = {}
    # Only an old response, just before the cut: all of it goes.
    ids["gone"] = await respondent(store, "1", old)
    await response(store, ids["gone"], started=CUTOFF - US, answers=two_answers("Vieux-Texte-0001"))
    # Started exactly at the cut: kept.
    ids["edge"] = await respondent(store, "2", old)
    await response(store, ids["edge"], started=CUTOFF, answers=two_answers("Bord-Texte-0002"))
    # An old response and a recent one: the old one goes, the person stays.
    ids["both"] = await respondent(store, "3", old)
    await response(store, ids["both"], started=old, answers=two_answers("Vieux-Texte-0003"))
    await response(store, ids["both"], started=NOW - dt.timedelta(days=1), answers=two_answers("x"))
    # An old refusal goes; one at the cut stays (refusals name no one).
    await store.record_refusal(version="v1", stage_code=None, now=old)
    await store.record_refusal(version="v1", stage_code="vitre", now=CUTOFF)
    # Known long ago, answering now: stays.
    ids["answering"] = await respondent(store, "6", old)
    await response(store, ids["answering"], started=NOW - dt.timedelta(hours=1))
    # Nothing at all, long ago: goes. Nothing yet, just now (reading the notice): stays.
    ids["idle"] = await respondent(store, "7", old)
    ids["newcomer"] = await respondent(store, "8", NOW - dt.timedelta(minutes=1))
    await store.mark_handled(1, now=old)
    return ids


async def test_purge_deletes_what_is_older_than_the_cut(store: Store, peek: Peek) -> None:
    ids = await fill(store)

    report = await store.purge_older_than(before=CUTOFF, now=NOW)

    assert report == PurgeReport(
        responses=2, answers=4, refusals=1, respondents=2, wal_cleared=True
    )
    kept = {row[0] for row in peek.query("SELECT id FROM respondents")}
    assert kept == {ids[name] for name in ("edge", "both", "answering", "newcomer")}
    assert peek.query("SELECT MIN(started_at) FROM responses") == [
        (CUTOFF.isoformat(timespec="microseconds"),)
    ]
    assert peek.query("SELECT COUNT(*) FROM responses") == [(3,)]
    assert peek.query("SELECT COUNT(*) FROM answers") == [(4,)]
    assert peek.query("SELECT stage_code FROM consent_refusals") == [("vitre",)]
    # Not personal data, and not the purge's business.
    assert peek.query("SELECT update_id FROM handled_updates") == [(1,)]
    assert peek.query("PRAGMA foreign_key_check") == []
    # Purging again finds nothing more.
    again = await store.purge_older_than(before=CUTOFF, now=NOW)
    assert (again.responses, again.answers, again.refusals, again.respondents) == (0, 0, 0, 0)


async def test_purged_answers_are_not_readable_in_the_files(db_path: Path, store: Store) -> None:
    await fill(store)
    await store.purge_older_than(before=CUTOFF, now=NOW)
    for path in db_path.parent.iterdir():
        data = path.read_bytes()
        assert b"Vieux-Texte" not in data, path.name
    assert b"Bord-Texte-0002" in db_path.read_bytes()


async def test_purge_dry_run_counts_the_same_and_changes_nothing(store: Store, peek: Peek) -> None:
    await fill(store)
    before = peek.dump()

    dry = await store.purge_older_than(before=CUTOFF, now=NOW, dry_run=True)

    assert peek.dump() == before
    real = await store.purge_older_than(before=CUTOFF, now=NOW)
    assert dry == PurgeReport(
        responses=real.responses,
        answers=real.answers,
        refusals=real.refusals,
        respondents=real.respondents,
        wal_cleared=False,
    )
    assert real.responses == 2


async def test_purge_misuse(store: Store) -> None:
    with pytest.raises(StorageError, match="after now"):
        await store.purge_older_than(before=NOW + US, now=NOW)
    with pytest.raises(StorageError, match="naive"):
        await store.purge_older_than(before=dt.datetime(2019, 1, 1), now=NOW)
    with pytest.raises(StorageError, match="naive"):
        await store.purge_older_than(before=CUTOFF, now=dt.datetime(2020, 1, 1))


# Abandoning idle responses

IDLE_SINCE = NOW - dt.timedelta(days=14)


async def test_abandon_stale_boundaries(store: Store, peek: Peek) -> None:
    person = await respondent(store, "1", CUTOFF)
    idle = await response(
        store, person, started=CUTOFF, updated=IDLE_SINCE - US, answers=two_answers("a")
    )
    edge = await response(
        store, person, started=CUTOFF, updated=IDLE_SINCE, answers=two_answers("b")
    )
    done = await response(
        store,
        person,
        started=CUTOFF,
        updated=CUTOFF,
        status=ResponseStatus.COMPLETED,
        answers=two_answers("c"),
    )
    gone = await response(
        store, person, started=CUTOFF, updated=CUTOFF, status=ResponseStatus.ABANDONED
    )
    answers_before = peek.query("SELECT * FROM answers ORDER BY 1, 2")

    assert await store.abandon_stale(idle_since=IDLE_SINCE, now=NOW) == 1

    after = {
        r.id: r for r in [await store.get_response(x.id) for x in (idle, edge, done, gone)] if r
    }
    assert after[idle.id].status is ResponseStatus.ABANDONED
    assert after[edge.id].status is ResponseStatus.IN_PROGRESS
    assert after[done.id].status is ResponseStatus.COMPLETED
    assert after[gone.id].status is ResponseStatus.ABANDONED
    # Status only: last activity, state and answers stay as they were.
    assert after[idle.id].updated_at == IDLE_SINCE - US
    assert after[idle.id].completed_at is None
    assert after[idle.id].current_step == idle.current_step
    assert peek.query("SELECT * FROM answers ORDER BY 1, 2") == answers_before
    assert await store.abandon_stale(idle_since=IDLE_SINCE, now=NOW) == 0


async def test_abandon_dry_run_only_counts(store: Store, peek: Peek) -> None:
    person = await respondent(store, "1", CUTOFF)
    for n in range(3):
        await response(
            store, person, started=CUTOFF, updated=IDLE_SINCE - dt.timedelta(hours=n + 1)
        )
    before = peek.dump()
    assert await store.abandon_stale(idle_since=IDLE_SINCE, now=NOW, dry_run=True) == 3
    assert peek.dump() == before
    assert await store.abandon_stale(idle_since=IDLE_SINCE, now=NOW) == 3


async def test_abandon_misuse(store: Store) -> None:
    with pytest.raises(StorageError, match="after now"):
        await store.abandon_stale(idle_since=NOW + US, now=NOW)
    with pytest.raises(StorageError, match="naive"):
        await store.abandon_stale(idle_since=dt.datetime(2020, 1, 1), now=NOW)
