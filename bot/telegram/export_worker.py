"""An organiser's export made in the worker process: a workbook when it is quick, else a CSV.

An Excel user double-clicks the CSV, and Excel reads `01` as the number 1; the
workbook's text cells keep it. But the workbook is slow to write (openpyxl,
cell by cell: 112 s for 4 million answers against 6 s for the CSV), so it is
made only for a selection small enough to be ready in a few seconds, the size
of a real tour; beyond, the CSV, and the caption says why. The organiser may
ask for either (`/export xlsx`, `/export csv`).

Run in the worker (bot/telegram/worker_process.py), so that the choice, the
writing and any zipping happen off the bot's process, as for the CSV alone.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Final

from flows import Kind

if TYPE_CHECKING:
    from exports import ExportOptions, FileNames, PackedExport
    from flows import Flow

WORKBOOK_ANSWERS: Final = 150_000
"""Answers (responses × questions) up to which /export sends a workbook; measured on a
2-core machine with benchmarks/bench_export.py's data (40 questions, 119 columns): the
workbook of 3,750 responses (150,000 answers) took 4.5 to 5.4 s (100,000: 2.8 to 4.1 s),
the CSV 0.3 to 0.6 s."""

XLSX: Final = "xlsx"
CSV: Final = "csv"
FORMATS: Final = (XLSX, CSV)
"""The words that ask /export for one format."""


@dataclass(frozen=True)
class ChatExport:
    """What the worker made for the chat, and in which format."""

    packed: PackedExport
    workbook: bool
    too_big_for_workbook: bool
    """The CSV was chosen because the selection was over `WORKBOOK_ANSWERS`."""


def workbook_name(names: FileNames) -> str:
    """`reponses_territoire_pithiviers_2026-11-30_14-05-33.xlsx`, named as the CSV would be."""
    return PurePath(names.csv).with_suffix(".xlsx").name


def export_for_chat(
    db: Path | str,
    flow: Flow,
    options: ExportOptions,
    names: FileNames,
    limit: int,
    *,
    asked: str | None,
    workbook_answers: int,
) -> ChatExport:
    """The workbook if `asked`, or unasked for a selection of at most `workbook_answers`
    answers; else the CSV. With the codebook (CSV), zipped with it if over `limit` bytes."""
    from exports import export_packed

    big = asked is None and answers_at_most(db, flow, options) > workbook_answers
    if asked == CSV or big:
        packed = export_packed(db, flow, options, names, limit)
        return ChatExport(packed, workbook=False, too_big_for_workbook=big)
    return ChatExport(_workbook(db, flow, options, names, limit), True, False)


def answers_at_most(db: Path | str, flow: Flow, options: ExportOptions) -> int:
    """The selection's responses times the flow's questions: the workbook's rows times its
    columns, roughly, which is what its time goes with. One count query."""
    from storage import open_snapshot

    with open_snapshot(db) as snapshot:
        responses = sum(count.count for count in snapshot.count(options.response_filter(flow.id)))
    questions = sum(1 for step in flow.steps() if step.type is not Kind.INFO)
    return responses * max(questions, 1)


def _workbook(
    db: Path | str, flow: Flow, options: ExportOptions, names: FileNames, limit: int
) -> PackedExport:
    from exports import PackedExport, run_export

    book, codebook = io.BytesIO(), io.BytesIO()
    result = run_export(db, flow, options, xlsx=book, codebook=codebook)
    workbook = (workbook_name(names), book.getvalue())
    if len(workbook[1]) > limit:
        # A workbook is a zip already: zipping it again would not make it fit. Given as
        # "zipped", it is not sent, and the organiser is told what to do instead.
        return PackedExport(result, [workbook], zipped=True)
    return PackedExport(result, [workbook, (names.codebook, codebook.getvalue())], zipped=False)
