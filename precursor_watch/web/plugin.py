"""The precursor-watch Datasette plugin (registered as an entry point, so any Datasette in this
environment loads it): analyst pages, structure drawings, archived evidence, graph exports,
readable cells, safe CSV/XLSX output, country SQL functions and a robots.txt that blocks all."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import Forbidden, NotFound, Response
from markupsafe import Markup

from pipelines.catalog.links import safe_link
from precursor_watch.web import archived as archive
from precursor_watch.web import cells, pages
from precursor_watch.web.countries import country_code, country_label
from precursor_watch.web.dossier import dossier
from precursor_watch.web.drawing import DrawingError, structure_svg
from precursor_watch.web.guard import guard
from precursor_watch.web.hit_queries import has_column
from precursor_watch.web.network import graph, networks, to_gexf, to_graphml
from precursor_watch.web.radar_page import radar_page
from precursor_watch.web.renderers import OUTPUT_RENDERERS

PAGES = [("who-sells", "Who sells X?"), ("vendors", "Vendor dossiers"), ("network", "Networks"),
         ("new-since", "New since"), ("radar", "Radar"), ("search", "Search")]
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"


async def _db(datasette, request):
    db = datasette.get_database()
    allowed = await datasette.permission_allowed(request.actor, "view-database", db.name,
                                                 default=True)
    if not allowed:
        raise Forbidden("You do not have permission to view this catalog")
    return db


async def _page(datasette, request, template: str, data: dict, title: str):
    if request.url_vars.get("fmt") == ".json":
        return Response.json(data, default=str)
    body = await datasette.render_template(
        template, {"data": data, "title": title, "pages": PAGES, "db_name":
                   datasette.get_database().name}, request=request)
    return Response.html(body)


HIT_CSV_COLUMNS = [
    "first_detected", "vendor_name", "vendor", "country", "network", "network_size", "platform",
    "title", "listing", "listing_url", "entry", "entry_name", "family", "regimes", "tier",
    "match", "score", "price_text", "first_seen", "last_seen", "status", "evidence_id",
    "evidence_sha256", "evidence_url"]


def _hits_csv(hits, name: str) -> Response:
    """Every hit as spreadsheet-safe CSV (lists joined with '; ')."""
    from precursor_watch.web.safe_cells import safe_csv

    def cell(v):
        return "; ".join(map(str, v)) if isinstance(v, list) else v

    body = safe_csv(HIT_CSV_COLUMNS, ({c: cell(v) for c, v in h.items()} for h in hits))
    return Response(body, content_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="{name}.csv"'})


async def who_sells_view(datasette, request):
    db = await _db(datasette, request)
    q = request.args.get("q", "").strip()
    if request.url_vars.get("fmt") == ".safecsv":
        data = await db.execute_fn(lambda c: pages.who_sells(c, q, limit=-1))
        return _hits_csv(data["listings"], "who-sells")
    data = await db.execute_fn(lambda c: pages.who_sells(c, q)) if q else {
        "query": "", "resolved": None, "vendors": [], "listings": []}
    return await _page(datasette, request, "pw_who_sells.html", data, f"Who sells {q}?")


async def vendor_view(datasette, request):
    db = await _db(datasette, request)
    vid = request.url_vars.get("vendor") or request.args.get("vendor")
    if not vid and request.path.rstrip("/").endswith("/-/vendor"):
        return Response.redirect(datasette.urls.path("/-/vendors"))
    if not vid:
        data = await db.execute_fn(pages.vendor_list)
        return await _page(datasette, request, "pw_vendors.html", data, "Vendors")
    if not vid.isdigit():
        raise NotFound("A vendor is a number (vendors.id)")
    data = await db.execute_fn(lambda c: dossier(c, int(vid)))
    if data is None:
        raise NotFound(f"No vendor {vid}")
    return await _page(datasette, request, "pw_vendor.html", data, f"Vendor: {data['name']}")


async def network_view(datasette, request):
    db = await _db(datasette, request)
    net = request.args.get("network")
    net_id = int(net) if net and net.isdigit() else None
    fmt = request.url_vars.get("fmt")
    if fmt in (".graphml", ".gexf"):
        g = await db.execute_fn(lambda c: graph(c, net_id, limit=None))
        text = to_graphml(g) if fmt == ".graphml" else to_gexf(g)
        return Response(text, content_type="application/xml; charset=utf-8", headers={
            "content-disposition": f'attachment; filename="vendor-networks{fmt}"'})
    g = await db.execute_fn(lambda c: graph(c, net_id))
    data = {"network": net_id, "networks": await db.execute_fn(lambda c: networks(c, net_id)),
            "graph": g, "total": await db.execute_fn(lambda c: c.execute(
                "select count(distinct network) from vendor_networks where size > 1"
            ).fetchone()[0])}
    return await _page(datasette, request, "pw_network.html", data, "Vendor networks")


async def new_since_view(datasette, request):
    db = await _db(datasette, request)
    since = request.args.get("since", "latest")
    if request.url_vars.get("fmt") == ".safecsv":
        try:
            hits = await db.execute_fn(lambda c: list(pages.new_since_all(c, since)))
        except ValueError as exc:
            raise NotFound(str(exc)) from exc
        return _hits_csv(hits, "new-since")
    data = await db.execute_fn(lambda c: pages.new_since(c, since))
    data["crawls"] = await db.execute_fn(_crawl_choices)
    return await _page(datasette, request, "pw_new_since.html", data, f"New since {since}")


def _crawl_choices(conn) -> list[str]:
    """Recent crawl invocations: crawl_id, else the evidence folder of each run."""
    out: list[str] = []
    cid = "crawl_id" if has_column(conn, "crawl_runs", "crawl_id") else "null"
    for run, crawl_id in conn.execute(
            f"select id, {cid} from crawl_runs order by id desc limit 200"):
        if not crawl_id:
            wf = conn.execute("select warc_file from evidence where run = ? and warc_file is"
                              " not null limit 1", [run]).fetchone()
            wf = wf[0].replace("\\", "/") if wf else ""
            crawl_id = wf.rsplit("/", 2)[-2] if wf.count("/") >= 1 else None
        if crawl_id and crawl_id not in out:
            out.append(crawl_id)
    return out[:50]


async def radar_view(datasette, request):
    db = await _db(datasette, request)
    since = request.args.get("since", "").strip()
    data = await db.execute_fn(lambda c: radar_page(c, since))
    return await _page(datasette, request, "pw_radar.html", data, "Radar")


async def feed_view(datasette, request):
    """Atom feed of the newest hits and radar arrivals (`/-/feed.atom`), one entry's or one
    vendor's hits (`/-/feed/entry/ID.atom`, `/-/feed/vendor/ID.atom`, also `?entry=` /
    `?vendor=`), or the radar's arrivals alone (`/-/feed/radar.atom`)."""
    from pipelines.catalog.radar_scores import radar_arrivals
    from precursor_watch.web.feed import FEED_SIZE, atom, feed_hits

    db = await _db(datasette, request)
    base = datasette.absolute_url(request, datasette.urls.path("/")).rstrip("/")
    self_url = datasette.absolute_url(request, request.full_path)
    db_name = datasette.get_database().name
    if request.url_vars.get("radar"):
        radar = await db.execute_fn(lambda c: radar_arrivals(c, FEED_SIZE))
        text = atom([], radar=radar, title="precursor-watch: radar arrivals", self_url=self_url,
                    base=base, db_name=db_name)
        return Response(text, content_type="application/atom+xml; charset=utf-8")
    entry = request.url_vars.get("entry") or request.args.get("entry")
    vendor = request.url_vars.get("vendor") or request.args.get("vendor")
    if vendor is not None and not vendor.isdigit():
        raise NotFound("A vendor is a number (vendors.id)")
    vid = int(vendor) if vendor else None
    if entry:
        found = (await db.execute("select id, name from watchlist_entries where id = ?"
                                  " collate nocase", [entry])).first()
        if found is None:
            raise NotFound(f"No watchlist entry {entry!r}")
        entry, what = found[0], f"{found[1]} ({found[0]})"
    elif vid is not None:
        found = (await db.execute("select name from vendors where id = ?", [vid])).first()
        if found is None:
            raise NotFound(f"No vendor {vid}")
        what = found[0] or f"vendor {vid}"
    hits = await db.execute_fn(lambda c: feed_hits(c, entry, vid))
    everything = not entry and vid is None
    radar = await db.execute_fn(lambda c: radar_arrivals(c, FEED_SIZE)) if everything else []
    title = ("precursor-watch: new watchlist hits and radar arrivals" if everything
             else f"precursor-watch: new watchlist hits for {what}")
    text = atom(hits, radar=radar, title=title, self_url=self_url, base=base, db_name=db_name)
    return Response(text, content_type="application/atom+xml; charset=utf-8")


async def report_view(datasette, request):
    """The hand-over report (`precursor-watch report`) for a watchlist entry, a network or
    everything (`?entry=`, `?network=`, `?since=`), as HTML or `.safecsv`/`.json`."""
    from pipelines.reports.formats import report_text
    from pipelines.reports.hits import Filters, open_report

    db = await _db(datasette, request)
    if not db.path:
        raise NotFound("No catalog file behind this database")
    net = request.args.get("network")
    filters = Filters(since=request.args.get("since") or None,
                      entries=tuple(request.args.getlist("entry")),
                      networks=(int(net),) if net and net.isdigit() else ())
    root = (datasette.plugin_config("precursor-watch") or {}).get("evidence_root")
    fmt = request.url_vars.get("fmt") or ".html"
    kind = {".safecsv": "csv", ".json": "json"}.get(fmt, "html")

    def render() -> str:
        with open_report(db.path, filters, root) as rep:
            return report_text(rep, kind)

    loop = asyncio.get_running_loop()
    try:
        body = await loop.run_in_executor(None, render)
    except ValueError as exc:
        return Response.text(str(exc), status=400)
    if kind == "csv":
        return Response(body, content_type="text/csv; charset=utf-8",
                        headers={"content-disposition": 'attachment; filename="report.csv"'})
    if kind == "json":
        return Response(body, content_type="application/json")
    return Response.html(body, headers={
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline';"
                                   " img-src data:"})


async def search_view(datasette, request):
    db = await _db(datasette, request)
    q = request.args.get("q", "").strip()
    data = await db.execute_fn(lambda c: pages.search(c, q)) if q else {
        "query": "", "listings": [], "vendors": [], "entries": []}
    return await _page(datasette, request, "pw_search.html", data, f"Search: {q}")


async def structure_view(datasette, request):
    db = await _db(datasette, request)
    key = request.url_vars["key"]
    smiles = request.args.get("smiles")
    if not smiles:
        row = await db.execute(
            "select smiles from substances where inchikey = :k union all select smiles from"
            " watchlist_entries where inchikey = :k or id = :k limit 1", {"k": key})
        smiles = row.first()[0] if row.first() else None
    if not smiles:
        raise NotFound(f"No structure for {key}")
    try:
        svg = structure_svg(smiles)
    except DrawingError as exc:
        raise NotFound(str(exc)) from exc
    return Response(svg, content_type="image/svg+xml", headers={
        "cache-control": "public, max-age=86400", "content-security-policy": SVG_CSP})


async def evidence_view(datasette, request):
    db = await _db(datasette, request)
    eid = request.args.get("id", "")
    row = (await db.execute("select id, url, fetched_at, warc_file, warc_record_id, sha256, run"
                            " from evidence where id = ?", [eid])).first()
    if row is None:
        raise NotFound(f"No evidence record {eid!r}")
    rec = dict(row)
    if request.url_vars.get("fmt") == ".json":
        return Response.json(rec)
    try:
        path = archive.locate_warc(rec["warc_file"] or "", evidence_roots(datasette, db))
        cap = archive.read_capture(path, rec["warc_record_id"] or eid)
    except archive.CaptureNotFound as exc:
        raise NotFound(str(exc)) from exc
    return Response.html(archive.inert_html(cap), headers={
        "content-security-policy": archive.ARCHIVE_CSP, "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer"})


def evidence_roots(datasette, db) -> list[Path]:
    cfg = datasette.plugin_config("precursor-watch") or {}
    roots = [Path(cfg["evidence_root"])] if cfg.get("evidence_root") else []
    env = os.environ.get("PRECURSOR_WATCH_EVIDENCE_DIR")
    if env:
        roots += [Path(env).parent, Path(env)]
    if db.path:
        roots.append(Path(db.path).resolve().parent)
    return roots + [Path.cwd()]


def script_json(value) -> Markup:
    """JSON for a <script type="application/json"> block: '<', '>' and '&' escaped as \\u
    sequences, so scraped text can never close the element."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


async def robots_view(request):
    return Response.text("User-agent: *\nDisallow: /\n")


@hookimpl
def register_routes():
    return [
        (r"^/robots\.txt$", robots_view),
        (r"^/-/who-sells(?P<fmt>\.json|\.safecsv)?$", who_sells_view),
        (r"^/-/vendor/(?P<vendor>[^/.]+)(?P<fmt>\.json)?$", vendor_view),
        (r"^/-/vendors(?P<fmt>\.json)?$", vendor_view),
        (r"^/-/vendor/?$", vendor_view),
        (r"^/-/network(?P<fmt>\.json|\.graphml|\.gexf)?$", network_view),
        (r"^/-/new-since(?P<fmt>\.json|\.safecsv)?$", new_since_view),
        (r"^/-/radar(?P<fmt>\.json)?$", radar_view),
        (r"^/-/search(?P<fmt>\.json)?$", search_view),
        (r"^/-/report(?P<fmt>\.html|\.json|\.safecsv)?$", report_view),
        (r"^/-/feed\.atom$", feed_view),
        (r"^/-/feed/(?P<radar>radar)\.atom$", feed_view),
        (r"^/-/feed/entry/(?P<entry>[^/]+)\.atom$", feed_view),
        (r"^/-/feed/vendor/(?P<vendor>[^/.]+)\.atom$", feed_view),
        (r"^/-/structure/(?P<key>[A-Za-z0-9_.-]+)\.svg$", structure_view),
        (r"^/-/evidence(?P<fmt>\.json)?$", evidence_view),
    ]


@hookimpl
def prepare_connection(conn):
    conn.create_function("pw_country", 1, country_code, deterministic=True)
    conn.create_function("pw_country_name", 1, country_label, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["pw_list"] = cells.as_text_list
    env.filters["pw_json"] = script_json
    env.filters["pw_quote"] = cells.quote
    env.filters["pw_tilde"] = tilde_encode
    env.filters["pw_link"] = safe_link


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    return cells.render(row, value, column, table, database, datasette)


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.static_plugins("precursor-watch", "pw.css")]


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path(f"/-/{slug}"), "label": label}
            for slug, label in PAGES]


@hookimpl
def register_output_renderer():
    return OUTPUT_RENDERERS


def _csv_redirect(scope) -> str | None:
    """Datasette's own CSV export keeps formula cells; its links go to the safe renderer."""
    if scope.get("type") != "http" or not scope.get("path", "").endswith(".csv"):
        return None
    query = scope.get("query_string", b"").decode("latin-1")
    path = scope["path"][:-4] + ".safecsv"
    return f"{scope.get('root_path', '')}{path}{'?' + query if query else ''}"


def _hidden_redirect(datasette, scope) -> str | None:
    """For a table page opened without column choices: the same page without the table's
    internal columns (hashes, run ids, normalized keys), as configured in metadata.yml."""
    if scope.get("type") != "http" or scope.get("method") != "GET":
        return None
    parts = scope.get("path", "").strip("/").split("/")
    if len(parts) != 2 or "." in parts[1]:
        return None
    hidden = (datasette.plugin_config("precursor-watch") or {}).get("hidden_columns", {})
    cols = hidden.get(parts[1])
    query = scope.get("query_string", b"").decode("latin-1")
    if not cols or "_col=" in query or "_nocol=" in query:
        return None
    extra = "&".join(f"_nocol={c}" for c in cols)
    return f"{scope.get('root_path', '')}{scope['path']}?{query + '&' if query else ''}{extra}"


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def add_robots_header(scope, receive, send):
            target = _csv_redirect(scope) or _hidden_redirect(datasette, scope)
            if target:
                await Response.redirect(target).asgi_send(send)
                return
            async def wrapped_send(event):
                if event["type"] == "http.response.start":
                    headers = list(event.get("headers", []))
                    headers.append((b"x-robots-tag", b"noindex, nofollow, noarchive"))
                    event = {**event, "headers": headers}
                await send(event)
            await app(scope, receive, wrapped_send)
        return guard(add_robots_header)  # Host check, local paths and redirects, CSP
    return wrap
