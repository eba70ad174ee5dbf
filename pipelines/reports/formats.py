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
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def flat_rows(data: dict):
    return ([_flat(h.get(f)) for f in FIELDS] for h in data["hits"])


def cover_sheets(data: dict) -> list[tuple[str, list[str], list[list]]]:
    """The hand-over sheets ahead of the hits: cover (versions, hashes, filters, tools), the
    crawl runs covered, the method's match kinds and gaps, and the regime legend."""
    c, m = data["cover"], data["method"]
    cover = [["generated_at", data["generated_at"]], ["catalog", data["catalog"]],
             ["watchlist_version", c["watchlist_version"]],
             ["watchlist_data_hash", c["watchlist_data_hash"]],
             ["hits_matched_with", "; ".join(c["matched_with"])],
             ["report_data_sha256", c["data_sha256"]],
             *[[f"filter:{k}", _flat(list(v) if isinstance(v, tuple) else v)]
               for k, v in data["filters"].items() if v],
             *[[f"tool:{k}", v] for k, v in c["tools"].items()],
             *[["match:" + k["match"], f"score {k['score']}; {k['hits']} hits; {k['means']}"]
               for k in m["matches"]],
             *[["not fetched", g] for g in m["not_fetched"]]]
    run_cols = ["id", "crawl_id", "kind", "spider", "started", "finished", "status", "items",
                "not_fetched", "errors"]
    legend_cols = ["code", "jurisdiction", "instrument", "citation", "checked"]
    return [("cover", ["item", "value"], cover),
            ("runs", run_cols, [[r.get(k) for k in run_cols] for r in c["runs"]]),
            ("legend", legend_cols, [[r[k] for k in legend_cols] for r in data["legend"]])]


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
        rows = ([_typed(f, _flat(h.get(f))) for f in FIELDS] for h in data["hits"])
        return safe_xlsx(FIELDS, rows, sheet="hits", before=cover_sheets(data))
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
    drawings.update({r["inchikey"]: Markup(_drawing(r["smiles"]))
                     for r in data.get("radar", [])})
    prices = {e["entry"]: Markup(price_chart(data["prices"].get(e["entry"], [])))
              for e in data["entries"]}
    return template.render(data=data, s=s, c=data["cover"], charts=charts, drawings=drawings,
                           price_charts=prices)


def price_chart(points: list[dict], width: int = 300, height: int = 140) -> str:
    """Prices over time as a small inline SVG: one dot per priced listing version in the most
    frequent currency (amounts as listed, units vary), date on x, amount on y; the others are
    named under the chart."""
    from collections import Counter

    from markupsafe import escape

    if not points:
        return ""
    currency = Counter(p["currency"] or "?" for p in points).most_common(1)[0][0]
    pts = [p for p in points if (p["currency"] or "?") == currency and p["date"]]
    other = len(points) - len(pts)
    days = [datetime.fromisoformat(p["date"][:10]).toordinal() for p in pts]
    lo_d, hi_d = min(days), max(days)
    hi_a = max(p["amount"] for p in pts) or 1
    left, bottom = 44, height - 22
    out = [f'<svg class="chart prices" width="{width}" height="{height}" role="img">',
           f'<line x1="{left}" y1="4" x2="{left}" y2="{bottom}" stroke="#888"/>',
           f'<line x1="{left}" y1="{bottom}" x2="{width - 4}" y2="{bottom}" stroke="#888"/>',
           f'<text x="0" y="12">{escape(currency)} {hi_a:g}</text>',
           f'<text x="0" y="{bottom}">0</text>',
           f'<text x="{left}" y="{height - 6}">{escape(pts[0]["date"][:10])}</text>',
           f'<text x="{width - 70}" y="{height - 6}">{escape(pts[-1]["date"][:10])}</text>']
    for p, d in zip(pts, days, strict=True):
        x = left + 6 + (width - left - 16) * ((d - lo_d) / (hi_d - lo_d) if hi_d > lo_d else 0.5)
        y = bottom - (bottom - 8) * p["amount"] / hi_a
        label = f'{p["date"][:10]} {p["vendor"] or ""}: {p["amount"]:g} {currency}' + (
            f' ({p["quantity"]})' if p["quantity"] else "")
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#4a6fa5">'
                   f'<title>{escape(label)}</title></circle>')
    out.append("</svg>")
    if other:
        out.append(f'<div class="small">{other} price(s) in other currencies not drawn</div>')
    return "".join(out)
