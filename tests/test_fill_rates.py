"""Fill rates of listing fields per site and the `fill_rate` health check: recorded every run,
a run `degraded` (reason naming the site and the fields) when a site's layout changes under the
parser, shown in `stats`, the run report and the `site_fill_rates` Datasette view."""

from __future__ import annotations

import json
import re

import pytest
from opskit import cli, copy_samples, rows

from scrapers.monitor import Counts, count_fill, evaluate, fill_check, parse_floors, verdict
from scrapers.sample_server import start_in_thread

PAGE = "http://www.shop.example/p/{}"
FULL = {"title": "Acetone", "cas": "67-64-1", "price_amount": 12.0, "quantity": "1 L",
        "purity": "99.5%", "vendor_id": "shop.example"}


def _counts(n: int, **listing) -> Counts:
    c = Counts()
    for i in range(n):
        count_fill(c, {**listing, "url": PAGE.format(i)}, PAGE.format(i))
    return c


def test_only_listings_read_from_their_own_product_page_count():
    c = Counts()
    count_fill(c, {**FULL, "url": PAGE.format(1)}, PAGE.format(1) + "/")
    count_fill(c, {**FULL, "url": PAGE.format(2)}, "http://www.shop.example/search?q=a")
    assert c.fill == {"shop.example": {"pages": 1, "title": 1, "cas": 1, "price": 1, "pack": 1,
                                       "purity": 1, "vendor": 1}}


@pytest.mark.parametrize(("now", "before", "result", "named"), [
    ({**FULL}, {**FULL}, "ok", []),
    ({**FULL, "price_amount": None, "quantity": None}, {**FULL}, "degraded", ["price", "pack"]),
    ({**FULL, "purity": None}, {**FULL, "purity": None}, "ok", []),  # never shown: no alarm
    ({**FULL, "price_amount": None}, None, "ok", []),  # no history yet
])
def test_fill_rate_against_the_sites_own_history(now, before, result, named):
    base = {"listings": 0, "coverage": {}, "fill": _counts(8, **before).fill_rates()} \
        if before else None
    check = next(c for c in evaluate({}, _counts(8, **now), base) if c.check == "fill_rate")
    assert check.result == result
    for name in named:
        assert re.search(rf"shop\.example: .*{name} 100% -> 0%", check.detail)


def test_floors_and_few_pages():
    floors = parse_floors("price=0.5, cas=0.8")
    assert floors == {"price": 0.5, "cas": 0.8}
    no_price = _counts(5, **{**FULL, "price_amount": None}).fill_rates()
    assert fill_check(no_price, {}, floors=floors).detail.startswith(
        "shop.example: price 0% < floor 50%")
    assert fill_check(_counts(2, **{**FULL, "price_amount": None}).fill_rates(), {},
                      floors=floors).result == "ok"  # two pages say nothing yet
    with pytest.raises(ValueError, match="unknown field 'colour'"):
        parse_floors("colour=0.5")


def test_a_degraded_fill_rate_degrades_the_run_but_never_fails_it():
    ok = {"response_received_count": 10, "scheduler/dequeued": 10}
    good = _counts(8, **FULL)
    good.listings = good.listings_named = good.listings_cas = 8
    base = {"listings": 8, "coverage": {}, "fill": good.fill_rates()}
    bad = _counts(8, **{**FULL, "quantity": None})
    bad.listings = bad.listings_named = bad.listings_cas = 8
    assert verdict(evaluate(ok, good, base)) == "finished"
    assert verdict(evaluate(ok, bad, base)) == "degraded"


def _strip_offer_rows(root) -> int:
    """The hxchem product pages' new layout: price and pack no longer in labelled rows."""
    n = 0
    for page in (root / "www.hxchem.net/productse").glob("orderproduct*.html"):
        text = page.read_text("utf-8")
        new = re.sub(r"<tr><td>(?:Price|Package):</td><td>[^<]*</td></tr>", "", text)
        n += new != text
        page.write_text(new, encoding="utf-8")
    return n


@pytest.mark.crawl
@pytest.mark.subprocess
def test_layout_change_between_two_loopback_crawls_degrades_the_second_run(tmp_path):
    root = copy_samples(tmp_path / "samples")
    server, base = start_in_thread(root=root)
    try:
        args = ("crawl", "hxchem", "-a", "cas=39742-60-4", "--samples", base, "--db", "c.db",
                "--report-dir", "reports")
        first = cli(tmp_path, *args, timeout=900)
        assert first.returncode == 0, first.stderr[-2000:]
        assert _strip_offer_rows(root) >= 3
        second = cli(tmp_path, *args, timeout=900)
    finally:
        server.shutdown()
    assert "spider=hxchem status=degraded" in second.stderr, second.stderr[-2000:]
    (status, monitors, crawl_id), = rows(
        tmp_path / "c.db", "select status, monitors, crawl_id from crawl_runs where id = 2")
    assert status == "degraded"
    check = next(c for c in json.loads(monitors)["checks"] if c["check"] == "fill_rate")
    assert check["result"] == "degraded"
    assert re.search(r"hxchem\.net: .*price \d+% -> \d+%.*pack \d+% -> 0%", check["detail"])
    assert "cas" not in check["detail"] and "title" not in check["detail"]
    view = rows(tmp_path / "c.db", "select run, site, price, pack, cas from site_fill_rates"
                " order by run")
    assert [(r, s) for r, s, *_ in view] == [(1, "hxchem.net"), (2, "hxchem.net")]
    assert min(view[0][2:]) > 0.5  # the good night: price, pack and CAS on most pages
    assert view[1][2] < 0.5 and view[1][3] == 0.0 and view[1][4] == 1.0
    report = json.loads((tmp_path / "reports" / f"{crawl_id}.json").read_text("utf-8"))
    assert report["runs"][0]["monitors"]["fill"]["hxchem.net"]["pack"] == 0.0
    assert report["spiders"][0]["failed_checks"] == ["fill_rate"]
    stats = cli(tmp_path, "stats", "--db", "c.db")
    assert "Fill rates of listing fields" in stats.stdout and "fill_rate degraded" in stats.stdout


def test_datasette_shows_fill_rates_per_run_and_site(tmp_path):
    import asyncio

    from datasette.app import Datasette

    from pipelines.catalog.connection import open_db

    db = open_db(tmp_path / "c.db")
    fill = {"shop.example": {"pages": 8, "title": 1.0, "cas": 1.0, "price": 0.0, "pack": 0.0,
                             "purity": 0.5, "vendor": 1.0}}
    db.execute("insert into crawl_runs (crawl_id, spider, status, monitors) values"
               " ('RUN-7', 'vendorsite', 'degraded', ?)", [json.dumps({"fill": fill})])
    db.close()

    async def fetch():
        ds = Datasette([str(tmp_path / "c.db")])
        resp = await ds.client.get("/c/site_fill_rates.json?_shape=array")
        return resp.status_code, resp.json()

    status, data = asyncio.run(fetch())
    assert status == 200
    assert [(r["crawl_id"], r["site"], r["product_pages"], r["price"], r["purity"])
            for r in data] == [("RUN-7", "shop.example", 8, 0.0, 0.5)]
