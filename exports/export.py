"""Running an export: one database snapshot, streamed to CSV, codebook and workbook.

Everything is synchronous and reads through its own read-only connection, so
it can run while the bot writes: from the command line, a notebook, or the bot's
worker process (bot/telegram/worker_process.py), never on its event loop.

    made = export_csv(db_path, flow, ExportOptions(excel=True))  # made.data: the CSV bytes

`db` is a SQLite file or a `postgresql://` URL (`storage.open_snapshot` picks):
the files come out the same, byte for byte.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import BinaryIO, Protocol

from exports.codebook import codebook_header, codebook_rows
from exports.columns import Column, option_codes, personal_ids, plan_columns, question_values
from exports.csv import CsvWriter, Dialect, dialect_for, write_rows
from exports.files import open_output, refuse_protected
from exports.history import FlowHistory, load_history
from exports.options import ExportOptions, Layout
from exports.readahead import cyclic_gc_paused, read_ahead
from exports.table import Labels, LongRows, Table, wide_table
from exports.workers import ChunkMaker, csv_chunks
from flows import Flow, load_flow
from storage import (
    AnsweredQuestion,
    EncodedBatch,
    ResponseBatch,
    ResponseCount,
    ResponseFilter,
    Snapshot,
    decoded,
    is_postgres_url,
    open_snapshot,
)

Target = str | os.PathLike[str] | BinaryIO
Progress = Callable[[int, int], None]
"""Called after each batch with (responses done, responses in the export)."""


class Writer(Protocol):
    """What the CSV and workbook writers share."""

    def write(self, table: Table) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    responses: int
    rows: int
    """Data rows: responses (wide) or answers and skips (long)."""
    columns: tuple[str, ...]
    by_status: dict[str, int] = field(default_factory=dict)
    """Responses exported, by status."""
    by_channel: dict[str, int] = field(default_factory=dict)
    """Responses exported, by the channel they were answered on (terminal: rehearsals)."""
    personal: tuple[str, ...] = ()
    """The questions marked personal (in any version kept) whose answers it may hold: none
    without `include_personal`."""


@dataclass(frozen=True)
class CsvExport:
    """An export held in memory, e.g. to send as documents."""

    data: bytes
    codebook: bytes | None
    result: ExportResult


@dataclass(frozen=True)
class Prepared:
    """An export planned against one snapshot: its columns, before any row is read."""

    snapshot: Snapshot
    flow: Flow
    history: FlowHistory
    """The flow with its older versions kept in the database."""
    options: ExportOptions
    where: ResponseFilter
    columns: tuple[Column, ...]
    questions: tuple[Column, ...]
    """The long layout's values, one per question, for its codebook (`question_values`)."""
    counts: tuple[ResponseCount, ...]
    labels: Labels
    channels: Counter[str | None] = field(default_factory=Counter)
    """The channels of the responses read so far (tallied as the batches go by)."""

    @property
    def total(self) -> int:
        return sum(count.count for count in self.counts)

    def by_status(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for count in self.counts:
            totals[count.status.value] = totals.get(count.status.value, 0) + count.count
        return totals

    def tables(self) -> Iterator[tuple[Table, int]]:
        """Each batch as a table, with the number of responses in it."""
        tabulate = self.tabulator()
        for batch in self.batches():
            yield tabulate(batch), len(batch)

    def batches(self) -> Iterator[ResponseBatch]:
        """The responses to export, a batch at a time, each read (and decoded) while the one
        before is used; their channels are tallied as they go by."""
        for batch in read_ahead(decoded(self.encoded_batches())):
            self.channels.update(batch.channels)
            yield batch

    def encoded_batches(self) -> Iterator[EncodedBatch]:
        """The batches as the database gives them, for worker processes to decode."""
        long = self.options.layout is Layout.LONG
        # Which answers a carried-over response kept from an older version: for the long
        # layout's answer_flow_version, and for the wide one only when the export holds
        # older versions, whose choices may differ.
        versions = long or bool(self.history.older)
        return self.snapshot.encoded_batches(
            self.where,
            size=self.options.batch_size,
            with_times=long,
            with_skipped=long,
            with_versions=versions,
        )

    def tabulator(self) -> Callable[[ResponseBatch], Table]:
        """What makes a batch into the export's table: a plain function of the batch, which a
        worker process can be given (`exports.workers`)."""
        if self.options.layout is Layout.LONG:
            left_out = frozenset() if self.options.include_personal else personal_ids(self.history)
            # The questions the flow file lacks in the codebook's order (the wide layout's).
            later = [column.question_id for column in self.questions if column.question_id]
            return LongRows(
                self.flow,
                self.labels,
                left_out=left_out,
                later=later,
                history=self.history,
                regions=self.options.regions,
                cities=self.options.cities,
                territories=self.options.territories,
                dates=self.options.dates,
            ).table
        return partial(
            wide_table,
            columns=self.columns,
            options=self.options,
            labels=self.labels,
            left_out=self.history.left_out,
            # Choices some versions did not offer, once per export (none with one version held).
            not_offered=self.history.not_offered(option_codes(self.columns)),
        )


def as_flow(flow: Flow | str | os.PathLike[str]) -> Flow:
    """A flow, loading it when given a path."""
    return flow if isinstance(flow, Flow) else load_flow(Path(flow))


@contextmanager
def prepare(db: str | os.PathLike[str], flow: Flow, options: ExportOptions) -> Iterator[Prepared]:
    """Open a snapshot of `db` and plan the export's columns from the flow and the data."""
    lang = options.language(flow)
    with open_snapshot(db) as snapshot:
        where = options.response_filter(flow.id)
        counts = snapshot.count(where)
        seen = _other_versions_answered(snapshot, flow, where, counts)
        history = load_history(flow, snapshot)
        options = _with_stored_stages(options, snapshot)
        yield Prepared(
            snapshot=snapshot,
            flow=flow,
            history=history,
            options=options,
            where=where,
            columns=plan_columns(flow, seen, options, history),
            questions=question_values(flow, seen, options, history),
            counts=tuple(counts),
            labels=Labels(history, lang, enabled=options.labels),
        )


def _with_stored_stages(options: ExportOptions, snapshot: Snapshot) -> ExportOptions:
    """`options` with the territory and day the database keeps for each stage, over the
    stages file's, as the batches read a stage's city and region (read once: a few rows)."""
    stored = snapshot.stages()
    territories = {s.code: s.territory for s in stored if s.territory}
    dates = {s.code: s.date.isoformat() for s in stored if s.date}
    return replace(
        options,
        territories={**options.territories, **territories},
        dates={**options.dates, **dates},
    )


def _other_versions_answered(
    snapshot: Snapshot, flow: Flow, where: ResponseFilter, counts: Sequence[ResponseCount]
) -> list[AnsweredQuestion]:
    """What the answers given on other versions of `flow` hold, in the whole database.

    The export's filters do not narrow it: the columns a question of an older
    version (or a choice it offered) adds are there whichever rows are picked,
    so that exports of one workshop each, or of nothing, have the same header.
    Only answers given on another version can hold questions the flow file
    lacks: when no response of the flow is of another version (the common case,
    told by counting responses, not answers), nothing else is read.
    """
    everything = ResponseFilter(flow_id=flow.id)
    held = counts if where == everything else snapshot.count(everything)
    if all(count.flow_version == flow.version for count in held):
        return []
    return snapshot.answered_questions(everything, except_version=flow.version)


def run_export(
    db: str | os.PathLike[str],
    flow: Flow | str | os.PathLike[str],
    options: ExportOptions | None = None,
    *,
    csv: Target | None = None,
    codebook: Target | None = None,
    xlsx: Target | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> ExportResult:
    """Export the responses of `flow` in `db` (a file or URL) to CSV, codebook CSV and/or XLSX.

    Targets are binary streams (left open) or paths, written by
    `exports.files.open_output`: a file is written beside and renamed at the
    end (mode 600), so a failed or interrupted export never leaves a
    half-written file behind; a device or pipe is written directly; a symbolic
    link is followed. A path that is the database or one of its files is
    refused (OutputError), and so is one path given twice. An existing file is
    replaced: asking first is the caller's part.

    With `workers` > 1, a CSV-only export of three batches or more is made by as many
    processes (`exports.workers`, `default_workers()`), the same byte for byte; a script
    asking for them keeps its work under `if __name__ == "__main__":`.
    """
    options = options or ExportOptions()
    flow = as_flow(flow)
    paths = [Path(t) for t in (csv, codebook, xlsx) if isinstance(t, str | os.PathLike)]
    # A PostgreSQL database has no file here to protect; one path given twice is still refused.
    refuse_protected(paths, database=None if is_postgres_url(db) else Path(db))
    dialect = dialect_for(excel=options.excel, bom=options.bom)
    with ExitStack() as stack, prepare(db, flow, options) as prepared:
        book_header = codebook_header(flow)
        book_rows = codebook_rows(
            flow, prepared.columns, options, prepared.history, prepared.questions
        )
        writers: list[Writer] = []
        table_csv = None
        if csv is not None:
            table_csv = CsvWriter(stack.enter_context(_opened(csv)), prepared.columns, dialect)
            writers.append(table_csv)
        if xlsx is not None:
            from exports.xlsx import XlsxWriter

            stream = stack.enter_context(_opened(xlsx))
            book = XlsxWriter(stream, prepared.columns, book_header, book_rows)
            writers.append(stack.enter_context(book))  # discarded if the export fails
        if codebook is not None:
            write_rows(stack.enter_context(_opened(codebook)), book_header, book_rows, dialect)
        with cyclic_gc_paused():
            if workers > 1 and table_csv is not None and xlsx is None and _worth_a_pool(prepared):
                done, rows = _write_with_workers(prepared, table_csv, dialect, workers, progress)
            else:
                done, rows = _write(prepared, writers, progress)
        for writer in writers:
            writer.close()
        return ExportResult(
            responses=done,
            rows=rows,
            columns=tuple(column.name for column in prepared.columns),
            by_status=prepared.by_status(),
            by_channel={str(channel): n for channel, n in prepared.channels.items()},
            personal=_personal_held(prepared),
        )


def _write(
    prepared: Prepared, writers: Sequence[Writer], progress: Progress | None
) -> tuple[int, int]:
    """Every batch made into a table and written by each writer: (responses, rows)."""
    done = rows = 0
    for table, count in prepared.tables():
        for writer in writers:
            writer.write(table)
        done += count
        rows += len(table[prepared.columns[0].name])
        if progress is not None:
            progress(done, prepared.total)
    return done, rows


def _worth_a_pool(prepared: Prepared) -> bool:
    """Whether the export has batches enough to pay for starting worker processes (a
    fraction of a second): three at least."""
    return prepared.total > 2 * prepared.options.batch_size


def _write_with_workers(
    prepared: Prepared,
    writer: CsvWriter,
    dialect: Dialect,
    workers: int,
    progress: Progress | None,
) -> tuple[int, int]:
    """The CSV made by worker processes (`exports.workers`), written here: (responses, rows)."""
    maker = ChunkMaker(prepared.tabulator(), prepared.columns, dialect)
    done = rows = 0
    for chunk in csv_chunks(prepared.encoded_batches(), maker, workers):
        writer.write_encoded(chunk.data, chunk.rows)
        prepared.channels.update(chunk.channels)
        done += chunk.responses
        rows += chunk.rows
        if progress is not None:
            progress(done, prepared.total)
    return done, rows


def _personal_held(prepared: Prepared) -> tuple[str, ...]:
    """The personal questions among those the export's columns (or long values) are of."""
    if not prepared.options.include_personal:
        return ()
    personal = prepared.history.personal_ids
    held = (c.question_id for c in (*prepared.columns, *prepared.questions) if c.question_id)
    return tuple(dict.fromkeys(q for q in held if q in personal))


def export_csv(
    db: str | os.PathLike[str],
    flow: Flow | str | os.PathLike[str],
    options: ExportOptions | None = None,
    *,
    codebook: bool = False,
    progress: Progress | None = None,
) -> CsvExport:
    """Export to CSV bytes in memory (and the codebook's, if asked): for sending as files."""
    data = io.BytesIO()
    book = io.BytesIO() if codebook else None
    result = run_export(db, flow, options, csv=data, codebook=book, progress=progress)
    return CsvExport(
        data=data.getvalue(), codebook=book.getvalue() if book else None, result=result
    )


@contextmanager
def _opened(target: Target) -> Iterator[BinaryIO]:
    """A binary stream for `target`: a stream as it is, a path through `open_output`."""
    if not isinstance(target, str | os.PathLike):
        yield target
        return
    with open_output(target) as stream:
        yield stream
