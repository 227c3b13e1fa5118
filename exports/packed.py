"""An export packed for upload: its CSV and codebook, or one zip of them if one is too big.

Made in the export's own process (bot/telegram/export_worker.py, `export_for_chat`), so
that only what is uploaded comes back to the bot: a 4M-answer CSV (over
100 MB) read back over the pipe held the interpreter lock, and so every
respondent, for 0.2 s; and the zipping, seconds of CPU, runs there niced too.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from exports.export import ExportResult, export_csv

if TYPE_CHECKING:
    from exports.options import ExportOptions
    from flows import Flow


@dataclass(frozen=True)
class FileNames:
    """What the export's files are called in the chat."""

    csv: str
    codebook: str
    zip: str


@dataclass(frozen=True)
class PackedExport:
    """An export ready to upload: its files, or one zip of them if one was over the limit."""

    result: ExportResult
    files: list[tuple[str, bytes]]
    zipped: bool


def export_packed(
    db: Path | str, flow: Flow, options: ExportOptions, names: FileNames, limit: int
) -> PackedExport:
    """The export with its codebook, as one zip of both if either is over `limit` bytes."""
    made = export_csv(db, flow, options, codebook=True)
    files = [(names.csv, made.data)]
    if made.codebook is not None:
        files.append((names.codebook, made.codebook))
    if all(len(content) <= limit for _, content in files):
        return PackedExport(made.result, files, zipped=False)
    return PackedExport(made.result, [(names.zip, zipped(files))], zipped=True)


def zipped(files: Sequence[tuple[str, bytes]]) -> bytes:
    """The files in one zip archive, deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()
