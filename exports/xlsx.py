"""Writing the export as an Excel workbook: sheets "responses" and "codebook".

openpyxl's write-only mode streams rows to disk, so a large export does not
build the whole sheet in memory. Cells are the CSV's cells, typed: numbers are
numbers, text is neutralised against formulas as in CSV.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Sequence
from contextlib import suppress
from typing import Any, BinaryIO, Final

from exports.columns import Column
from exports.csv import neutralise, safe_columns
from exports.errors import ExportError
from exports.table import Table

MAX_ROWS: Final = 1_048_576
# XML 1.0 refuses these; answers are cleaned on entry, but a sheet must never fail.
ILLEGAL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _text(value: str) -> str:
    return ILLEGAL.sub("", neutralise(value))


class XlsxWriter:
    """A workbook being written: the codebook first, then responses a table at a time."""

    def __init__(
        self,
        target: BinaryIO,
        columns: Sequence[Column],
        codebook_header: Sequence[str],
        codebook_rows: Sequence[Sequence[str]],
    ) -> None:
        try:
            from openpyxl import Workbook
        except ImportError:
            raise ExportError(
                "writing an Excel workbook needs openpyxl: pip install openpyxl"
            ) from None
        self._target = target
        self.columns = tuple(columns)
        self.rows = 0
        self._book: Any = Workbook(write_only=True)
        self._sheet = self._book.create_sheet("responses")
        codebook = self._book.create_sheet("codebook")
        self._sheet.append([column.name for column in self.columns])
        codebook.append(list(codebook_header))
        for row in codebook_rows:
            codebook.append([_text(cell) if cell else None for cell in row])

    def __enter__(self) -> XlsxWriter:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if kind is not None:
            self.discard()

    def write(self, table: Table) -> None:
        cells = safe_columns(table, self.columns, None)
        rows = list(zip(*cells, strict=True))
        if self.rows + len(rows) + 1 > MAX_ROWS:
            raise ExportError(
                f"more than {MAX_ROWS - 1} rows do not fit in an Excel sheet; "
                "export CSV instead (without --xlsx), or filter by stage or date"
            )
        for row in rows:
            self._sheet.append([ILLEGAL.sub("", v) if isinstance(v, str) else v for v in row])
        self.rows += len(rows)

    def close(self) -> None:
        """Write the workbook out, as openpyxl's `Workbook.save` does, in an archive we close.

        openpyxl's own save leaves its zip archive open when a write fails (a full
        disk): collected later, the archive would write again and print "Exception
        ignored" under the command line's one-line message.
        """
        from openpyxl.writer.excel import ExcelWriter

        self._book.properties.modified = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        with zipfile.ZipFile(self._target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(self._book, archive).save()

    def discard(self) -> None:
        """Let go of a workbook that will not be saved (the export failed): end each sheet.

        Left to the garbage collector, a sheet's generators close in the wrong
        order and print "Exception ignored" under the command line's message.
        """
        for sheet in self._book.worksheets:
            if not sheet.closed:
                with suppress(Exception):  # a full disk may refuse the sheet's end too
                    sheet.close()
