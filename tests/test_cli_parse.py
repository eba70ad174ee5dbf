"""`precursor-watch parse SLUG PAGE --url URL [--kind]`: one saved page -> JSON Lines."""

import json

from click.testing import CliRunner
from saved_pages import page_file

from precursor_watch.cli import main

MIC_SEARCH = "https://www.made-in-china.com/multi-search/79099-07-3/F1/1.html"
MIC_PRODUCT = ("https://hubei-kangyuan.en.made-in-china.com/product/aBcD12345xyz/"
               "China-1-Boc-4-Piperidone-CAS-79099-07-3-Safe-Delivery.html")
CHEMNET_NPP = "https://china.chemnet.com/product/pd_N-phenethyl-4-piperidone.html"


def run(*args):
    result = CliRunner().invoke(main, ["parse", *map(str, args)])
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result, lines


def test_kind_comes_from_the_url_and_follows_are_printed():
    result, lines = run("mic", page_file("mic", "search_p1.html"), "--url", MIC_SEARCH)
    assert result.exit_code == 0, result.output
    follows = {(x["kind"], x["url"]) for x in lines if x["type"] == "follow"}
    assert ("product", MIC_PRODUCT) in follows


def test_product_page_prints_a_listing_with_its_fields():
    result, lines = run("mic", page_file("mic", "product_boc.html"), "--url", MIC_PRODUCT)
    assert result.exit_code == 0, result.output
    listing = next(x for x in lines if x["type"] == "listing")
    assert listing["url"] == MIC_PRODUCT
    assert "79099-07-3" in listing["cas"]


def test_gbk_page_is_decoded_by_its_declared_charset():
    result, lines = run("chemnet", page_file("chemnet", "product_npp.html"), "--url", CHEMNET_NPP,
                        "--kind", "product")
    assert result.exit_code == 0, result.output
    titles = [x["title"] for x in lines if x["type"] == "listing"]
    assert "N-苯乙基-4-哌啶酮 NPP 现货" in titles
    assert "\ufffd" not in result.stdout  # no mojibake replacement characters


def test_unknown_slug_and_missing_kind_are_usage_errors():
    result, _ = run("nosuchsite", page_file("mic", "search_p1.html"), "--url", MIC_SEARCH)
    assert result.exit_code == 2 and "no parser" in result.output
    result, _ = run("echemi", page_file("echemi", "search_39742-60-4.html"),
                    "--url", "https://www.echemi.com/", "--kind", "page")
    assert result.exit_code == 2 and "has no parse_page" in result.output
