"""Spreadsheet-safe cell text: a cell a spreadsheet would read as a formula (starting with =, +,
-, @, tab or carriage return) gets a leading apostrophe so it is shown as text, never evaluated.
Used by the report writers and Datasette's safe CSV/XLSX output."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """The value unchanged unless it is text a spreadsheet could evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_csv(columns: Sequence[str], rows: Iterable[Sequence]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralize(c) for c in columns])
    for row in rows:
        writer.writerow(["" if v is None else neutralize(v) for v in row])
    return out.getvalue()


def safe_xlsx(columns: Sequence[str], rows: Iterable[Sequence], sheet: str = "rows") -> bytes:
    """An .xlsx workbook: typed cells (numbers stay numbers), frozen header, auto-filter; every
    string is written as a string cell (never a formula) and neutralized as well."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    ws.append([neutralize(str(c)) for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.data_type = "s"
    n = 1
    for row in rows:
        n += 1
        ws.append([_xlsx_value(v) for v in row])
        for cell in ws[n]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    ws.freeze_panes = "A2"
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(n, 1)}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_value(v):
    if v is None or isinstance(v, bool | int | float | date | datetime):
        return v
    text = str(v)
    # Control characters other than tab/newline are not allowed in XLSX cells.
    text = "".join(ch if ch in "\t\n" or ord(ch) >= 32 else "\ufffd" for ch in text)
    return neutralize(text)
