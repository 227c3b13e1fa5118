"""Writing the export as an Excel workbook: sheets "responses" and "codebook".

openpyxl's write-only mode streams rows to disk, so a large export does not
build the whole sheet in memory. Cells are the CSV's cells, typed: numbers are
numbers (the codes of a rating coded 1 to 5 too), and a text is the real text in
a text cell. A spreadsheet never runs a
text cell as a formula, so the CSV's apostrophe is not added here (it would show
in Excel and spoil filters and counts). openpyxl itself would make a str that
starts with "=" a formula and "#N/A" an error value: such texts, and any that
start like a formula, are written as explicit text cells formatted as Text
("@"), which also stays text if someone retypes the cell in Excel.

Times are date-time cells in UTC, shown as `2019-06-05 09:12:44 UTC`, so that
Excel sorts, filters and groups them by day. The header row is frozen and has
an autofilter; columns get a width from their name and what they hold, since a
streamed sheet cannot measure its cells.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Sequence
from contextlib import suppress
from typing import Any, BinaryIO, Final

from exports.columns import Cell, Column, Role
from exports.csv import FORMULA_STARTS
from exports.errors import ExportError
from exports.table import Table, Value
from flows import Kind

MAX_ROWS: Final = 1_048_576
# XML 1.0 refuses these; answers are cleaned on entry, but a sheet must never fail.
ILLEGAL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
ERROR_VALUES: Final = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}
)
"""Texts openpyxl would write as error values (its `ERROR_CODES`)."""
TEXT_FORMAT: Final = "@"
TIME_FORMAT: Final = 'yyyy-mm-dd hh:mm:ss "UTC"'
"""A date-time, with the time zone said in every cell."""
EPOCH: Final = dt.datetime(1899, 12, 30)
"""Day 0 of Excel's (1900) date system, as openpyxl writes it, for days after 1900-03-01."""
WIDTHS: Final = {Cell.TEXT: 30, Cell.ANY: 20, Cell.TIME: 24}
"""The least width of a column, by what it holds (others: its name's)."""
CODEBOOK_WIDTHS: Final = {"section": 24, "kind": 16, "codes_and_labels": 50, "note": 80}
QUESTION_WIDTH: Final = 50


def _is_risky(text: str) -> bool:
    """Whether openpyxl, or Excel when the cell is retyped, would not keep `text` as text."""
    return text[:1] in FORMULA_STARTS or text in ERROR_VALUES


def _text_cell(sheet: Any, text: str) -> Any:
    """`text` as a string cell formatted as Text, whatever it starts with."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"  # openpyxl guessed "f" (a formula) for "=..." or "e" for "#N/A"
    cell.number_format = TEXT_FORMAT
    return cell


def _texts(sheet: Any, cells: list[Value]) -> list[Any]:
    """A column's cells with each text cleaned for XML and risky ones made text cells."""
    # Worked out on the distinct values, as the CSV does: a column repeats its choices.
    fixes: dict[Value, Value] = {}
    risky: set[Value] = set()
    for value in set(cells):
        if isinstance(value, str):
            clean = ILLEGAL.sub("", value)
            if _is_risky(clean):
                risky.add(value)
            if clean != value:
                fixes[value] = clean
    if not fixes and not risky:
        return cells
    # A fresh cell object each time: openpyxl stamps each with its row and column.
    return [
        _text_cell(sheet, str(fixes.get(value, value)))
        if value in risky
        else fixes.get(value, value)
        for value in cells
    ]


def _whole_number_codes(column: Column) -> bool:
    """Whether a column holds a single choice coded 1, 2, 3… (a rating, "très insatisfait"
    to "très satisfait"): a workbook writes those codes as numbers, so a spreadsheet
    averages them. A code with a leading zero ("01") keeps the whole column as text."""
    step = column.step
    if column.role is not Role.VALUE or step is None or step.type != Kind.SINGLE_CHOICE:
        return False
    codes = [c.code for c in getattr(step, "choices", ())]
    whole = [code for code in codes if code.isascii() and code.isdigit()]
    return len(whole) >= 2 and all(map(_canonical, whole))


def _canonical(text: str) -> bool:
    """Whether `text` is a whole number as Python writes it: "4", not "04", "²" or "٤"."""
    return text.isascii() and text.isdigit() and str(int(text)) == text


def _numbers(cells: list[Value]) -> list[Value]:
    """The codes that are whole numbers ("4") as numbers; the others ("dont_know") as they are."""
    as_number: dict[Value, Value] = {
        v: int(v) for v in set(cells) if isinstance(v, str) and _canonical(v)
    }
    return [as_number.get(value, value) for value in cells] if as_number else cells


def _serial(stored: Value) -> float:
    """A stored time as an Excel serial day number in UTC, to the second, as the CSV has it."""
    text = str(stored)
    if text[10:11] == "T" and text[-6:] == "+00:00":  # the stored form: sliced, as in CSV
        moment = dt.datetime.fromisoformat(text[:19])
    else:
        moment = dt.datetime.fromisoformat(text)
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
        moment = moment.replace(microsecond=0)
    since = moment - EPOCH
    return since.days + since.seconds / 86400


def _times(sheet: Any, cells: list[Value]) -> list[Any]:
    """A column of stored times as date-time cells.

    The serial number is computed here rather than by openpyxl from a datetime:
    a time cell then costs half as much, which matters at a cell per row.
    """
    from openpyxl.cell import WriteOnlyCell

    out: list[Any] = []
    for stored in cells:
        if stored is None:
            out.append(None)
            continue
        cell = WriteOnlyCell(sheet, _serial(stored))
        cell.number_format = TIME_FORMAT
        out.append(cell)
    return out


def _width(column: Column) -> int:
    """Room for the header and its filter button, more for texts and times; 40 at most."""
    return min(max(len(column.name) + 4, WIDTHS.get(column.cell, 0)), 40)


def _codebook_width(name: str) -> int:
    if name.startswith("question_") and name != "question_id":
        return QUESTION_WIDTH
    return CODEBOOK_WIDTHS.get(name, len(name) + 8)


def _lay_out(sheet: Any, widths: Sequence[int]) -> None:
    """Freeze the header row and size the columns: before the first row is written."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _filter(sheet: Any, columns: int, rows: int) -> None:
    """An autofilter on the header, over every row written."""
    from openpyxl.utils import get_column_letter

    sheet.auto_filter.ref = f"A1:{get_column_letter(max(columns, 1))}{rows + 1}"


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
        self._as_numbers = frozenset(c.name for c in self.columns if _whole_number_codes(c))
        self.rows = 0
        self._book: Any = Workbook(write_only=True)
        self._sheet = self._book.create_sheet("responses")
        codebook = self._book.create_sheet("codebook")
        _lay_out(self._sheet, [_width(column) for column in self.columns])
        self._sheet.append(_texts(self._sheet, [column.name for column in self.columns]))
        _lay_out(codebook, [_codebook_width(name) for name in codebook_header])
        codebook.append(_texts(codebook, list(codebook_header)))
        for row in codebook_rows:
            codebook.append(_texts(codebook, [cell or None for cell in row]))
        _filter(codebook, len(codebook_header), len(codebook_rows))

    def __enter__(self) -> XlsxWriter:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if kind is not None:
            self.discard()

    def write(self, table: Table) -> None:
        cells = [self._cells(column, table[column.name]) for column in self.columns]
        rows = list(zip(*cells, strict=True))
        if self.rows + len(rows) + 1 > MAX_ROWS:
            raise ExportError(
                f"more than {MAX_ROWS - 1} rows do not fit in an Excel sheet; "
                "export CSV instead (without --xlsx), or filter by stage or date"
            )
        for row in rows:
            self._sheet.append(row)
        self.rows += len(rows)

    def _cells(self, column: Column, cells: list[Value]) -> list[Any]:
        if column.cell is Cell.TIME:
            return _times(self._sheet, cells)
        if column.cell in (Cell.FLAG, Cell.RANK):
            return cells
        if column.name in self._as_numbers:
            cells = _numbers(cells)
        return _texts(self._sheet, cells)

    def close(self) -> None:
        """Write the workbook out, as openpyxl's `Workbook.save` does, in an archive we close.

        openpyxl's own save leaves its zip archive open when a write fails (a full
        disk): collected later, the archive would write again and print "Exception
        ignored" under the command line's one-line message.
        """
        from openpyxl.writer.excel import ExcelWriter

        _filter(self._sheet, len(self.columns), self.rows)
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
