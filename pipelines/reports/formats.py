"""Report writers: CSV and XLSX (formula-looking cells neutralized; XLSX typed, frozen header,
filters), JSON, and one self-contained HTML file (summary with a chart, one section per watchlist
entry with its structure drawing, networks, print stylesheet; every scraped text escaped)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from pipelines.reports.hits import FIELDS
from precursor_watch.web.drawing import DrawingError, structure_svg
from precursor_watch.web.safe_cells import safe_csv, safe_xlsx

TEMPLATE = Path(__file__).parent / "templates" / "report.html.j2"
DATES = {"first_seen", "last_seen", "first_detected"}


def _flat(value):
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def flat_rows(data: dict) -> list[list]:
    return [[_flat(h.get(f)) for f in FIELDS] for h in data["hits"]]


def _typed(field: str, value):
    if value in (None, ""):
        return None
    if field in DATES and isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            return value
    return value


def write_report(data: dict, fmt: str) -> str | bytes:
    if fmt == "csv":
        return safe_csv(FIELDS, flat_rows(data))
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n"
    if fmt == "xlsx":
        rows = [[_typed(f, v) for f, v in zip(FIELDS, r, strict=True)] for r in flat_rows(data)]
        return safe_xlsx(FIELDS, rows, sheet="hits")
    if fmt == "html":
        return html_report(data)
    raise ValueError(f"unknown report format {fmt!r}")


def bar_chart(counts: list, width: int = 420, bar: int = 18) -> str:
    """A horizontal bar chart as inline SVG (labels escaped)."""
    from markupsafe import escape

    if not counts:
        return ""
    top = max(n for _, n in counts) or 1
    parts = [f'<svg class="chart" width="{width}" height="{bar * len(counts) + 4}" role="img">']
    for i, (label, n) in enumerate(counts):
        y = i * bar + 2
        w = int((width - 200) * n / top)
        parts.append(f'<text x="0" y="{y + 13}">{escape(str(label))[:40]}</text>'
                     f'<rect x="160" y="{y + 2}" width="{w}" height="{bar - 5}" fill="#4a6fa5"/>'
                     f'<text x="{165 + w}" y="{y + 13}">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _drawing(smiles: str | None) -> str:
    if not smiles:
        return ""
    try:
        return structure_svg(smiles)
    except DrawingError:
        return ""


def html_report(data: dict) -> str:
    from jinja2 import Environment
    from markupsafe import Markup

    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["flat"] = _flat
    template = env.from_string(TEMPLATE.read_text(encoding="utf-8"))
    s = data["summary"]
    charts = {k: Markup(bar_chart(s[k])) for k in ("by_family", "by_regime", "by_country",
                                                    "by_platform")}
    drawings = {e["entry"]: Markup(_drawing(e["smiles"])) for e in data["entries"]}
    return template.render(data=data, s=s, charts=charts, drawings=drawings)
