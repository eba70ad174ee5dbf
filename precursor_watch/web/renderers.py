"""Datasette output renderers for every table, view and query: `.safecsv` and `.xlsx`, with
cells a spreadsheet would evaluate (=, +, -, @, tab, CR first) neutralized."""

from __future__ import annotations

from datasette.utils.asgi import Response

from precursor_watch.web.safe_cells import safe_csv, safe_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _name(table, query_name, database) -> str:
    return table or query_name or database or "rows"


def render_safe_csv(columns, rows, table, query_name, database):
    body = safe_csv(columns, [list(r) for r in rows])
    return Response(body, content_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="{_name(table, query_name, database)}.csv"'})


def render_xlsx(columns, rows, table, query_name, database):
    name = _name(table, query_name, database)
    body = safe_xlsx(columns, [list(r) for r in rows], sheet=name)
    return Response(body, content_type=XLSX_TYPE, headers={
        "content-disposition": f'attachment; filename="{name}.xlsx"'})


OUTPUT_RENDERERS = [
    {"extension": "safecsv", "render": render_safe_csv},
    {"extension": "xlsx", "render": render_xlsx},
]
