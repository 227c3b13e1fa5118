"""The export's fast paths (issue 16 item 4) change nothing a user can see.

Batches are read ahead in a thread, decoded by orjson and pivoted row by row
with per-batch shortcuts: the files must come out as before, byte for byte,
whatever the batch size, the stored values or how the export ends.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from exports import ExportOptions, run_export
from exports.readahead import read_ahead
from storage import StorageError
from tests.exports.conftest import Filled, by_key, read_csv

MINI = Path(__file__).parents[1] / "flows" / "fixtures" / "mini.yaml"


def export_bytes(path: Path, options: ExportOptions, out: Path) -> bytes:
    run_export(path, MINI, options, csv=out)
    return out.read_bytes()


def set_value(path: Path, key: str, question_id: str, value_json: str) -> None:
    """Store a value as another version or a hand edit could have left it."""
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute(
                "UPDATE answers SET value_json = ? WHERE question_id = ? AND response_id = "
                "(SELECT id FROM responses WHERE key = ?)",
                (value_json, question_id, key),
            )
    finally:
        conn.close()


def reader_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "surveybot-export-reader"]


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_batches_of_one_export_the_same_bytes_as_one_batch(
    filled: Filled, tmp_path: Path, layout: str
) -> None:
    # Every response in its own batch: read ahead, handed over and written in order.
    options = {"layout": layout, "status": "all", "labels": True, "joined": True}
    one = export_bytes(filled.path, ExportOptions(batch_size=1, **options), tmp_path / "1.csv")
    all_ = export_bytes(filled.path, ExportOptions(**options), tmp_path / "all.csv")
    assert one == all_
    assert len(read_csv(one)) >= 4


def test_a_value_orjson_refuses_exports_as_json_reads_it(filled: Filled, tmp_path: Path) -> None:
    # Past 64 bits, orjson rounds an integer to a float (3.8 to 3.13 alike).
    huge = "-123456789012345678901234567890"
    assert orjson_reads(huge) != int(huge)
    set_value(filled.path, filled.acme.key, "staff", huge)
    data = read_csv(export_bytes(filled.path, ExportOptions(), tmp_path / "out.csv"))
    assert by_key(data)[filled.acme.key]["staff"] == huge


def orjson_reads(text: str) -> object:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return None


def test_a_malformed_ranking_still_exports_its_ranks(filled: Filled, tmp_path: Path) -> None:
    # A list inside the list cannot serve as a key of the per-batch shortcut.
    set_value(filled.path, filled.acme.key, "obstacles", '["time", ["x"], "cost"]')
    row = by_key(read_csv(export_bytes(filled.path, ExportOptions(), tmp_path / "o.csv")))[
        filled.acme.key
    ]
    assert (row["obstacles__time"], row["obstacles__cost"], row["obstacles__skills"]) == (
        "1",
        "3",
        "",
    )


@pytest.mark.parametrize("labels", [False, True])
def test_a_number_in_a_stored_list_is_written_not_a_crash(
    filled: Filled, tmp_path: Path, labels: bool
) -> None:
    # A list edited by hand, or left by an old bug: the analyst gets the file, not a traceback.
    set_value(filled.path, filled.acme.key, "markets", '["eu", 3]')
    options = ExportOptions(layout="long", labels=labels)
    rows = read_csv(export_bytes(filled.path, options, tmp_path / "l.csv"))
    acme = rows[(rows["response_key"] == filled.acme.key) & (rows["question_id"] == "markets")]
    assert list(acme["value"]) == ["Europe;3" if labels else "eu;3"]


def test_an_export_stopped_midway_leaves_no_reader_behind(filled: Filled, tmp_path: Path) -> None:
    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    out = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt):
        run_export(
            filled.path, MINI, ExportOptions(status="all", batch_size=1), csv=out, progress=stop
        )
    assert not out.exists()
    assert reader_threads() == []
    # The snapshot is closed: the next export reads the database as usual.
    assert len(read_csv(export_bytes(filled.path, ExportOptions(status="all"), out))) == 4


def test_a_read_error_reaches_the_caller_after_the_batches_before_it() -> None:
    def batches() -> Iterator[int]:
        yield 1
        yield 2
        raise StorageError("cannot read database x: disk I/O error")

    seen = []
    with pytest.raises(StorageError, match="disk I/O error"):
        for item in read_ahead(batches()):
            seen.append(item)
    assert seen == [1, 2]
    assert reader_threads() == []


def test_a_caller_stopping_early_closes_the_source() -> None:
    closed = threading.Event()

    def batches() -> Iterator[int]:
        try:
            yield from range(1000)
        finally:
            closed.set()

    for item in read_ahead(batches()):
        if item == 3:
            break
    assert closed.is_set()
    assert reader_threads() == []
