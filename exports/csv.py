"""Writing tables as CSV: the plain and the French Excel dialects, and safe cells.

Cells are formatted here, for every writer that shows text to a spreadsheet:
times as ISO 8601 UTC with "Z", decimals with the dialect's mark, and text
that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) prefixed
with an apostrophe. Numbers are numbers, never text, so a negative number in a
number column stays a number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import BinaryIO, Final

from exports.columns import Cell, Column
from exports.table import Table, Value

FORMULA_STARTS: Final = frozenset("=+-@\t\r")
BOM: Final = "\ufeff"


@dataclass(frozen=True)
class Dialect:
    """How a CSV file is laid out."""

    separator: str
    line_end: str
    bom: bool
    decimal: str


PLAIN: Final = Dialect(separator=",", line_end="\n", bom=False, decimal=".")
EXCEL: Final = Dialect(separator=";", line_end="\r\n", bom=True, decimal=",")


def dialect_for(*, excel: bool, bom: bool = False) -> Dialect:
    """The French Excel dialect, or plain CSV (with a BOM if `bom`: for Excel in English)."""
    if excel:
        return EXCEL
    return replace(PLAIN, bom=True) if bom else PLAIN


def neutralise(text: str) -> str:
    """Text a spreadsheet would read as a formula, made inert with a leading apostrophe."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def format_decimal(value: float, mark: str = ".") -> str:
    """A float as positional digits, shortest exact form: 12.5, 40, 0.0000001."""
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", mark) if mark != "." else text


def iso_utc(stored: str) -> str:
    """A stored time as ISO 8601 UTC to the second, with "Z": 2019-06-03T09:00:00Z."""
    # Stored times are UTC with "+00:00"; slicing them is the common, fast case.
    if stored[10:11] == "T" and stored[-6:] == "+00:00":
        return stored[:19] + "Z"
    moment = dt.datetime.fromisoformat(stored)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_times(cells: list[Value]) -> list[Value]:
    """Stored times as ISO 8601 UTC to the second, with "Z" (None stays None)."""
    # The common stored form is sliced inline: this runs once per answer in the long layout.
    return [
        v[:19] + "Z"
        if isinstance(v, str) and v[-6:] == "+00:00" and v[10:11] == "T"
        else None
        if v is None
        else iso_utc(str(v))
        for v in cells
    ]


def safe_cells(cells: list[Value], decimal: str | None) -> list[Value]:
    """Cells made safe for a spreadsheet: formula-like text neutralised, decimals formatted.

    With `decimal` None, floats stay floats (for writers with typed cells).
    """
    # Work on the distinct values: few for choices and numbers, and a set of a
    # column is built at C speed; only the cells that change are looked up.
    fixes: dict[Value, Value] = {}
    for value in set(cells):
        if isinstance(value, str):
            if value[:1] in FORMULA_STARTS:
                fixes[value] = "'" + value
        elif decimal is not None and isinstance(value, float):
            # An integral float equals the int of the same value, which formats the same.
            fixes[value] = format_decimal(value, decimal)
    if not fixes:
        return cells
    return [fixes.get(value, value) for value in cells]


def safe_columns(table: Table, columns: Sequence[Column], decimal: str | None) -> list[list[Value]]:
    """The table's columns in order, each made safe for a spreadsheet."""
    out = []
    for column in columns:
        cells = table[column.name]
        if column.cell is Cell.TIME:
            out.append(iso_times(cells))
        elif column.cell in (Cell.FLAG, Cell.RANK):
            out.append(cells)
        else:
            out.append(safe_cells(cells, decimal))
    return out


def encoded_rows(table: Table, columns: Sequence[Column], dialect: Dialect) -> bytes:
    """The table's rows (no header) as `CsvWriter` writes them, in UTF-8: for a worker
    process (`exports.workers`) to hand back to the one writing the file."""
    text = io.StringIO(newline="")
    cells = safe_columns(table, columns, dialect.decimal)
    writer = csv.writer(text, delimiter=dialect.separator, lineterminator=dialect.line_end)
    writer.writerows(zip(*cells, strict=True))
    return text.getvalue().encode("utf-8")


class CsvWriter:
    """Writes a header, then tables, to a binary stream, in one dialect."""

    def __init__(self, stream: BinaryIO, columns: Sequence[Column], dialect: Dialect) -> None:
        self.columns = tuple(columns)
        self.dialect = dialect
        self.rows = 0
        # newline="": the csv module writes the line ends itself.
        self._text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
        if dialect.bom:
            self._text.write(BOM)
        self._csv = csv.writer(
            self._text, delimiter=dialect.separator, lineterminator=dialect.line_end
        )
        self._csv.writerow([column.name for column in self.columns])

    def write(self, table: Table) -> None:
        cells = safe_columns(table, self.columns, self.dialect.decimal)
        self._csv.writerows(zip(*cells, strict=True))
        self.rows += len(cells[0]) if cells else 0

    def write_encoded(self, data: bytes, rows: int) -> None:
        """Rows another process made with `encoded_rows`, written after those before."""
        self._text.flush()
        self._text.buffer.write(data)
        self.rows += rows

    def close(self) -> None:
        """Flush, and leave the underlying stream open for its owner."""
        self._text.flush()
        self._text.detach()


def write_rows(
    stream: BinaryIO, header: Sequence[str], rows: Sequence[Sequence[Value]], dialect: Dialect
) -> None:
    """A small table (the codebook) in one dialect, text cells neutralised."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
    if dialect.bom:
        text.write(BOM)
    writer = csv.writer(text, delimiter=dialect.separator, lineterminator=dialect.line_end)
    writer.writerow(header)
    writer.writerows([neutralise(v) if isinstance(v, str) else v for v in row] for row in rows)
    text.flush()
    text.detach()
