"""Report writers: CSV and XLSX (formula-looking cells neutralized; XLSX typed, frozen header,
filters), JSON, and one self-contained HTML file (summary with a chart, one section per watchlist
entry with its structure drawing, networks, print stylesheet; every scraped text escaped).
Each writes to a file as it reads the hits (`Report.hits()`), never holding them all."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from pipelines.reports.hits import FIELDS, Report
from precursor_watch.web.drawing import DrawingError, structure_svg
from precursor_watch.web.safe_cells import write_safe_csv, write_safe_xlsx

TEMPLATE = Path(__file__).parent / "templates" / "report.html.j2"
DATES = {"first_seen", "last_seen", "first_detected"}


def _flat(value):
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


RUN_COLUMNS = ["id", "crawl_id", "kind", "spider", "started", "finished", "status", "items",
               "not_fetched", "errors"]
LEGEND_COLUMNS = ["code", "jurisdiction", "instrument", "citation", "checked"]


def cover_sheets(head: dict) -> list[tuple[str, list[str], list[dict]]]:
    """The hand-over sheets ahead of the hits, each (name, columns, rows by column name): cover
    (versions, hashes, filters, tools), the crawl runs covered, the method's match kinds and
    gaps, and the regime legend."""
    c, m = head["cover"], head["method"]
    items = [("generated_at", head["generated_at"]), ("catalog", head["catalog"]),
             ("watchlist_version", c["watchlist_version"]),
             ("watchlist_data_hash", c["watchlist_data_hash"]),
             ("hits_matched_with", "; ".join(c["matched_with"])),
             ("report_data_sha256", c["data_sha256"]),
             *[(f"filter:{k}", _flat(list(v) if isinstance(v, tuple) else v))
               for k, v in head["filters"].items() if v],
             *[(f"tool:{k}", v) for k, v in c["tools"].items()],
             *[("match:" + k["match"], f"score {k['score']}; {k['hits']} hits; {k['means']}")
               for k in m["matches"]],
             *[("not fetched", g) for g in m["not_fetched"]]]
    return [("cover", ["item", "value"], [{"item": k, "value": v} for k, v in items]),
            ("runs", RUN_COLUMNS, c["runs"]),
            ("legend", LEGEND_COLUMNS, head["legend"])]


def _typed(field: str, value):
    if value in (None, ""):
        return None
    if field in DATES and isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            return value
    return value


FORMATS = ("csv", "json", "xlsx", "html")


def write_report(rep: Report, fmt: str, out) -> None:
    """Write the report to `out` row by row: a text file for csv, json and html; a binary
    file or a path for xlsx."""
    if fmt == "csv":
        rows = ({f: _flat(v) for f, v in h.items()} for h in rep.hits())
        write_safe_csv(out, FIELDS, rows)
    elif fmt == "json":
        write_json(rep, out)
    elif fmt == "xlsx":
        rows = ({f: _typed(f, _flat(v)) for f, v in h.items()} for h in rep.hits())
        write_safe_xlsx(out, FIELDS, rows, sheet="hits", before=cover_sheets(rep.head))
    elif fmt == "html":
        write_html(rep, out)
    else:
        raise ValueError(f"unknown report format {fmt!r}")


def report_text(rep: Report, fmt: str) -> str:
    """A text format's whole output as one string (for small selections: web pages, tests)."""
    buf = io.StringIO()
    write_report(rep, fmt, buf)
    return buf.getvalue()


def _dump(value, level: int) -> str:
    """`value` as json.dumps(indent=1) writes it at nesting `level`."""
    text = json.dumps(value, ensure_ascii=False, indent=1, default=str)
    return text.replace("\n", "\n" + " " * level)


def _json_list(out, key: str, items, level: int, write_item) -> None:
    """`"key": [...]` at `level`, items written one at a time by write_item(item, level + 1)."""
    pad = " " * level
    out.write(f"{pad}{json.dumps(key)}: [")
    empty = True
    for item in items:
        out.write("\n" if empty else ",\n")
        empty = False
        out.write(" " * (level + 1))
        write_item(item, level + 1)
    out.write("]" if empty else f"\n{pad}]")


def write_json(rep: Report, out) -> None:
    """The same document json.dumps(indent=1) writes for the whole report, written as it goes:
    head keys, then prices per entry, hits and the entries' groups streamed."""
    head = rep.head
    keys = ["generated_at", "catalog", "filters", "since", "cover", "method", "legend"]
    out.write("{\n" + "".join(f" {json.dumps(k)}: {_dump(head[k], 1)},\n" for k in keys))
    if rep.entries:
        out.write(' "prices": {')
        for i, e in enumerate(rep.entries_in_hit_order()):
            out.write("\n" if i == 0 else ",\n")
            _json_list(out, e, rep.prices(e), 2, lambda p, lvl: out.write(_dump(p, lvl)))
        out.write("\n },\n")
    else:
        out.write(' "prices": {},\n')
    out.write(f' "summary": {_dump(head["summary"], 1)},\n')
    _json_list(out, "hits", rep.hits(), 1, lambda h, lvl: out.write(_dump(h, lvl)))
    out.write(",\n")

    def entry(e: dict, level: int) -> None:
        heading = {k: v for k, v in e.items() if k != "count"}
        out.write(_dump(heading, level)[:-(level + 2)] + ",\n")
        _json_list(out, "hits", rep.entry_hits(e["entry"]), level + 1,
                   lambda h, lvl: out.write(_dump(h, lvl)))
        out.write("\n" + " " * level + "}")

    _json_list(out, "entries", rep.entries, 1, entry)
    out.write(",\n" + "".join(f" {json.dumps(k)}: {_dump(head[k], 1)}" + ("," if k != "radar"
                                                                            else "") + "\n"
                               for k in ("operations", "networks", "radar")))
    out.write("}\n")


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


class _Entries:
    """The per-entry groups for the template, each with its hits read when it is rendered."""

    def __init__(self, rep: Report):
        self.rep = rep

    def __iter__(self):
        for e in self.rep.entries:
            yield {**e, "hits": _Rows(self.rep, e["entry"])}


class _Rows:
    def __init__(self, rep: Report, entry: str):
        self.rep, self.entry = rep, entry

    def __iter__(self):
        return self.rep.entry_hits(self.entry)


class _PriceCharts:
    """entry -> its price chart (true when it has points), drawn piece by piece as the
    template iterates it."""

    def __init__(self, rep: Report):
        self.rep = rep

    def __getitem__(self, entry: str) -> _Chart:
        return _Chart(self.rep, entry)


class _Chart:
    def __init__(self, rep: Report, entry: str):
        self.rep, self.entry = rep, entry

    def __bool__(self) -> bool:
        return self.rep.has_prices(self.entry)

    def __iter__(self):
        from markupsafe import Markup

        for part in price_chart_parts(lambda: self.rep.prices(self.entry)):
            yield Markup(part)


def write_html(rep: Report, out) -> None:
    """One self-contained HTML file, rendered piece by piece (jinja's generate) with the hits
    of each entry read as its section is written."""
    from jinja2 import Environment
    from markupsafe import Markup

    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["flat"] = _flat
    template = env.from_string(TEMPLATE.read_text(encoding="utf-8"))
    head = rep.head
    s = head["summary"]
    charts = {k: Markup(bar_chart(s[k])) for k in ("by_family", "by_regime", "by_country",
                                                    "by_platform")}
    drawings = {e["entry"]: Markup(_drawing(e["smiles"])) for e in rep.entries}
    drawings.update({r["inchikey"]: Markup(_drawing(r["smiles"]))
                     for r in head.get("radar", [])})
    data = {**head, "entries": _Entries(rep)}
    for part in template.generate(data=data, s=s, c=head["cover"], charts=charts,
                                  drawings=drawings, price_charts=_PriceCharts(rep)):
        out.write(part)


def price_chart(points: list[dict], width: int = 300, height: int = 140) -> str:
    """Prices over time as a small inline SVG (see `price_chart_parts`)."""
    return "".join(price_chart_parts(lambda: iter(points), width, height))


def price_chart_parts(points: Callable[[], Iterator[dict]], width: int = 300,
                      height: int = 140) -> Iterator[str]:
    """Prices over time as a small inline SVG, in pieces: one dot per priced listing version in
    the most frequent currency (amounts as listed, units vary), date on x, amount on y; the
    others are named under the chart. `points()` gives the points oldest first; it is read
    twice (scales, then dots), never held."""
    from collections import Counter

    from markupsafe import escape

    currencies: Counter = Counter(p["currency"] or "?" for p in points())
    if not currencies:
        return
    currency = currencies.most_common(1)[0][0]
    lo_d = hi_d = first = last = None
    hi_a = 0.0
    drawn = 0
    for p in points():
        if (p["currency"] or "?") != currency or not p["date"]:
            continue
        d = datetime.fromisoformat(p["date"][:10]).toordinal()
        lo_d, hi_d = min(d, lo_d or d), max(d, hi_d or d)
        first = first or p["date"]
        last = p["date"]
        hi_a = max(hi_a, p["amount"])
        drawn += 1
    if not drawn:
        return
    hi_a = hi_a or 1
    left, bottom = 44, height - 22
    yield (f'<svg class="chart prices" width="{width}" height="{height}" role="img">'
           f'<line x1="{left}" y1="4" x2="{left}" y2="{bottom}" stroke="#888"/>'
           f'<line x1="{left}" y1="{bottom}" x2="{width - 4}" y2="{bottom}" stroke="#888"/>'
           f'<text x="0" y="12">{escape(currency)} {hi_a:g}</text>'
           f'<text x="0" y="{bottom}">0</text>'
           f'<text x="{left}" y="{height - 6}">{escape(first[:10])}</text>'
           f'<text x="{width - 70}" y="{height - 6}">{escape(last[:10])}</text>')
    for p in points():
        if (p["currency"] or "?") != currency or not p["date"]:
            continue
        d = datetime.fromisoformat(p["date"][:10]).toordinal()
        x = left + 6 + (width - left - 16) * ((d - lo_d) / (hi_d - lo_d) if hi_d > lo_d else 0.5)
        y = bottom - (bottom - 8) * p["amount"] / hi_a
        label = f'{p["date"][:10]} {p["vendor"] or ""}: {p["amount"]:g} {currency}' + (
            f' ({p["quantity"]})' if p["quantity"] else "")
        yield (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#4a6fa5">'
               f'<title>{escape(label)}</title></circle>')
    yield "</svg>"
    other = sum(currencies.values()) - drawn
    if other:
        yield f'<div class="small">{other} price(s) in other currencies not drawn</div>'
