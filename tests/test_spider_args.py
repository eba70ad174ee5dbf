"""Spider arguments: watchlist-driven starts by default, narrowed by -a cas/query/entries."""

from scrapers.spiders.chemnet import ChemnetSpider


def test_explicit_cas_and_query_replace_the_watchlist():
    spider = ChemnetSpider(cas="39742-60-4, 79099-07-3", query="NPP")
    assert spider.queries == ["39742-60-4", "79099-07-3", "NPP"]


def test_default_starts_cover_the_watchlist_precursors_but_not_bulk_reagents():
    queries = ChemnetSpider().queries
    assert {"39742-60-4", "21409-26-7", "79099-07-3", "103-79-7"} <= set(queries)
    assert "67-64-1" not in queries  # acetone: a bulk reagent, not searched by default


def test_entries_narrow_to_a_family():
    queries = ChemnetSpider(entries="fentanyl").queries
    assert "39742-60-4" in queries and "23056-29-3" in queries
    assert "103-79-7" not in queries  # P2P belongs to the methamphetamine family


def test_start_requests_use_the_site_search():
    spider = ChemnetSpider(cas="39742-60-4")
    urls = [r.url for r in spider.start_requests()]
    assert urls == ["https://china.chemnet.com/product/search.cgi?f=plist&terms=39742-60-4"]
