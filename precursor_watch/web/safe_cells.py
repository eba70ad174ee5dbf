"""Spreadsheet-safe cell text: a cell a spreadsheet would read as a formula (starting with =, +,
-, @, tab or carriage return) gets a leading apostrophe so it is shown as text, never evaluated.
Used by the report writers and Datasette's safe CSV/XLSX output.

Rows are read by column name: a row given as a mapping (a hit, a run, a legend line) has its
cells picked by the names in `columns` (a name it lacks is an empty cell; keys not in `columns`
are not written). Only Datasette's renderers hand sequences, the rows of a query in the order
of its own `columns`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import IO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """The value unchanged unless it is text a spreadsheet could evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


Row = Mapping[str, object] | Sequence


def in_column_order(columns: Sequence[str], row: Row) -> Sequence:
    """A row's cells in the order of `columns`: a mapping by name, a query's row as it is.

    >>> in_column_order(["b", "a"], {"a": 1, "b": 2, "c": 3})
    [2, 1]
    >>> in_column_order(["b", "a"], {"a": 1})
    [None, 1]
    """
    if isinstance(row, Mapping):
        return [row.get(c) for c in columns]
    return row


def safe_csv(columns: Sequence[str], rows: Iterable[Row]) -> str:
    out = io.StringIO()
    write_safe_csv(out, columns, rows)
    return out.getvalue()


def write_safe_csv(out: IO[str], columns: Sequence[str], rows: Iterable[Row]) -> int:
    """Write the CSV row by row to `out` (a text file); the number of data rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralize(c) for c in columns])
    n = 0
    for row in rows:
        writer.writerow(["" if v is None else neutralize(v) for v in in_column_order(columns, row)])
        n += 1
    return n


def safe_xlsx(columns: Sequence[str], rows: Iterable[Row], sheet: str = "rows",
              before: Sequence[tuple[str, Sequence[str], Iterable[Row]]] = ()) -> bytes:
    """The workbook `write_safe_xlsx` writes, as bytes."""
    buf = io.BytesIO()
    write_safe_xlsx(buf, columns, rows, sheet, before)
    return buf.getvalue()


def write_safe_xlsx(target: str | IO[bytes], columns: Sequence[str], rows: Iterable[Row],
                    sheet: str = "rows",
                    before: Sequence[tuple[str, Sequence[str], Iterable[Row]]] = ()) -> int:
    """An .xlsx workbook: typed cells (numbers stay numbers), frozen header, auto-filter; every
    string is written as a string cell (never a formula) and neutralized as well. Written in
    openpyxl's write-only mode: each row is streamed once (linear time, memory independent of
    the row count). `before`: (sheet, header, rows) sheets placed ahead of the main one."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    for name, header, extra in before:
        _sheet(wb, name, header, extra)
    n = _sheet(wb, sheet, columns, rows, freeze=True)
    ws = wb.worksheets[-1]
    wb.active = len(wb.worksheets) - 1  # opens on the rows; the sheets before are the cover
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(n, 1)}"
    wb.save(target)
    return n - 1


def _sheet(wb, name: str, columns: Sequence[str], rows: Iterable[Row],
           freeze: bool = False) -> int:
    """Append one sheet (bold header, typed string cells); the number of rows written."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    ws = wb.create_sheet(name[:31])
    if freeze:
        ws.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value, font=None):
        c = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            c.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        if font:
            c.font = font
        return c

    ws.append([cell(neutralize(str(c)), bold) for c in columns])
    n = 1
    for row in rows:
        n += 1
        ws.append([cell(_xlsx_value(v)) for v in in_column_order(columns, row)])
    return n


def _xlsx_value(v):
    if v is None or isinstance(v, bool | int | float | date | datetime):
        return v
    text = str(v)
    # Control characters other than tab/newline are not allowed in XLSX cells.
    text = "".join(ch if ch in "\t\n" or ord(ch) >= 32 else "\ufffd" for ch in text)
    return neutralize(text)
