"""The storage side of exports: a read-only snapshot, with clear errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from exports import ExportOptions
from storage import SCHEMA_VERSION, StorageError, open_snapshot
from tests.exports.conftest import Filled


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_snapshot_reads_one_state_while_another_connection_deletes(filled: Filled) -> None:
    where = ExportOptions(status="all").response_filter("mini")
    with open_snapshot(filled.path) as snapshot:
        counted = snapshot.count(where)
        assert sum(c.count for c in counted) == 4
        # Everything is deleted meanwhile through another connection (the bot, an erasure)…
        other = sqlite3.connect(filled.path, isolation_level=None)
        try:
            other.execute("DELETE FROM answers")
            other.execute("DELETE FROM responses")
        finally:
            other.close()
        # …and the snapshot still reads the database as it was when it opened.
        assert snapshot.count(where) == counted
        batch = next(snapshot.batches(where))
        assert batch.keys[0] == filled.acme.key
        assert batch.answers[0]["company"] == "Acme é à ç"
    # A snapshot opened now sees the deletion.
    with open_snapshot(filled.path) as snapshot:
        assert snapshot.count(where) == []


def test_snapshot_leaves_the_file_as_it_was(filled: Filled) -> None:
    before = dump(filled.path)
    where = ExportOptions(status="all").response_filter("mini")
    with open_snapshot(filled.path) as snapshot:
        list(snapshot.batches(where, with_times=True, with_skipped=True))
        snapshot.answered_questions(where)
    assert dump(filled.path) == before


def test_missing_file_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="no such file"), open_snapshot(tmp_path / "x.sqlite3"):
        pass
    assert not (tmp_path / "x.sqlite3").exists()
    with pytest.raises(StorageError, match="directory"), open_snapshot(tmp_path):
        pass


@pytest.mark.parametrize(("version", "hint"), [(1, "migrate it"), (SCHEMA_VERSION + 1, "upgrade")])
def test_schema_version_is_checked(filled: Filled, version: int, hint: str) -> None:
    conn = sqlite3.connect(filled.path)
    with conn:
        conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    with pytest.raises(StorageError, match=hint), open_snapshot(filled.path):
        pass


def test_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(StorageError, match="not a SQLite database"), open_snapshot(junk):
        pass


def test_batches_and_counts(filled: Filled) -> None:
    where = ExportOptions(status="all").response_filter("mini")
    with open_snapshot(filled.path) as snapshot:
        counts = {(c.flow_version, c.status.value): c.count for c in snapshot.count(where)}
        assert counts == {(1, "completed"): 3, (1, "in_progress"): 1}
        batches = list(snapshot.batches(where, size=3, with_times=True, with_skipped=True))
        assert [len(b) for b in batches] == [3, 1]
        first = batches[0]
        assert first.keys[0] == filled.acme.key and first.cities[0] == "Pithiviers"
        assert first.answers[0]["markets"] == ["eu", "other"]
        assert first.other_texts[0] == {"sector": "Chimie fine", "markets": "Afrique du Nord"}
        assert first.skipped[1] == ("ideas",) and first.skipped[0] == ()
        assert first.answered_at is not None and set(first.answered_at[0]) == set(first.answers[0])
        assert snapshot.answered_questions(where, except_version=1) == []
        seen = {q.question_id: q for q in snapshot.answered_questions(where)}
        assert seen["markets"].list_codes == ("americas", "asia", "eu", "other")
        assert seen["sector"].has_other_text and not seen["staff"].has_other_text
        assert seen["share"].value_types == frozenset({"real"})
    with pytest.raises(StorageError, match="at least one"), open_snapshot(filled.path) as snapshot:
        next(snapshot.batches(where, size=0))


def test_batches_carry_the_channel_and_filter_on_it(filled: Filled) -> None:
    everyone = ExportOptions(status="all").response_filter("mini")
    web = ExportOptions(status="all", channels=("web", "terminal")).response_filter("mini")
    with open_snapshot(filled.path) as snapshot:
        (batch,) = snapshot.batches(everyone)
        assert batch.channels == ("telegram", "web", "terminal", "telegram")
        counts = {c.status.value: c.count for c in snapshot.count(web)}
        assert counts == {"completed": 1, "in_progress": 1}
        (kept,) = snapshot.batches(web, size=1_000)
        assert kept.keys == (filled.minus.key, filled.partial.key)
        assert kept.channels == ("web", "terminal")
        # minus did not export: no one kept answered `markets`.
        assert "markets" not in {q.question_id for q in snapshot.answered_questions(web)}
