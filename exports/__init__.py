"""Exports: responses to tidy tables for analysts (CSV wide or long, codebook, XLSX, pandas).

The export reads one consistent snapshot through its own read-only connection,
so it runs while the bot writes; it is synchronous, for the command line, for
notebooks, and for the bot in a separate niced process (a thread would hold the
interpreter lock, and so every respondent). `exports.files` writes
every output file of the project (here and in `organiser`) without destroying
data: never the database, never a half-written file, mode 600.
"""

from typing import TYPE_CHECKING, Any

from exports.csv import EXCEL, PLAIN, Dialect, dialect_for, neutralise
from exports.errors import ExportError
from exports.export import CsvExport, ExportResult, Progress, export_csv, run_export
from exports.files import (
    Interrupted,
    OutputError,
    existing_files,
    one_per_flow_refused,
    open_output,
    refuse_protected,
    same_file,
    write_failure,
    write_output,
)
from exports.history import history_of
from exports.options import CHANNELS, STATUSES, ExportOptions, Layout
from exports.packed import FileNames, PackedExport, export_packed
from exports.stages import OtherAudience, UnknownStage, known_stages, unknown_stage
from exports.workers import default_workers

if TYPE_CHECKING:
    from exports.frame import load_codebook, load_responses


def __getattr__(name: str) -> Any:
    # pandas takes half a second to import: only the notebook API needs it, so the
    # bot and the command line start without it.
    if name in ("load_codebook", "load_responses"):
        from exports import frame

        return getattr(frame, name)
    raise AttributeError(f"module 'exports' has no attribute {name!r}")


__all__ = [
    "CHANNELS",
    "EXCEL",
    "PLAIN",
    "STATUSES",
    "CsvExport",
    "Dialect",
    "ExportError",
    "ExportOptions",
    "ExportResult",
    "FileNames",
    "Interrupted",
    "Layout",
    "OtherAudience",
    "OutputError",
    "PackedExport",
    "Progress",
    "UnknownStage",
    "default_workers",
    "dialect_for",
    "existing_files",
    "export_csv",
    "export_packed",
    "history_of",
    "known_stages",
    "load_codebook",
    "load_responses",
    "neutralise",
    "one_per_flow_refused",
    "open_output",
    "refuse_protected",
    "run_export",
    "same_file",
    "unknown_stage",
    "write_failure",
    "write_output",
]
