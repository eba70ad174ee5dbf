"""Real vendor and marketplace pages (tests/files/real, see PROVENANCE.md): every field a person
sees on each page, read by the generic extractor (the `vendorsite` parser), and every real page
through every parser without a crash."""

import random
import re
from pathlib import Path

import pytest
from realpages import REAL, compare, labels, parse, site
from test_parse_robustness import assert_never_raises, every_parser

LABELS = labels()
# Judgement calls in the labels that the extractor reads the other way (documented in the
# label's notes): the pack size written only inside a product code.
KNOWN_MISSES = {("onyxmet/product-1332.html", "1,2-Naphthoquinone-4-sulfonic acid sodium salt: "
                                              "quantity"),
                # the site's name written two ways on the page ('Strumenti Musicali .net' in
                # the title, 'StrumentiMusicali.net' in the footer; 'Stock Center' logo,
                # 'StockCenter' title): the extractor gives the other spelling
                ("strumentimusicali/korg-sv-2-73.html", "vendor name"),
                ("stockcenter-ar/botines-puma-future.html", "vendor name"),
                # 'online bestellen bei Tchibo' names the shop only inside a title sentence
                ("eduscho/massivholz-waschmaschinenregal.html", "vendor name"),
                # GOMAJI's option prices (two and five coupons) are not read as the range;
                # 'Laendleanzeiger.at' (title) for 'Ländleanzeiger'
                ("gomaji/dominos-pizza-coupon.html",
                 "達美樂披薩DOMINO'S PIZZA(全台多分店): price_max"),
                ("laendleanzeiger/lattenrostbausatz-calypso.html", "vendor name"),
                ("spartoo-pt/giesswein-kramsach.html", "vendor email")}  # in a privacy note
# Pages read wrongly as a whole, left open after first contact (see the corpus README): a
# marketplace page without schema.org data whose price ('294 元' in a plain cell) is not read.
OPEN_PAGES = {"pcstore-tw/goose-floss-250g.html",
              # (TMON's deal among 36 other deals' cards reads right since the fifth batch's
              # fixes: its cards link to pages shaped like its own, its h2 is its <title>)
              # fourth batch, still misread after its fix: Punto Ticket's 'Precios: $5.000'
              # unread (BESTSELLER's product among ten 'trending' cards and John Lewis's
              # 'Delivery & returns' and 'Write a review' boxes read right since the fifth
              # batch's fixes)
              "puntoticket/de-vez-en-cuando-la-vida.html",
              # fifth batch (Middle-East and Asian shops), still misread after its fixes:
              # LetsTango named "Let's Tango" (logo) for 'LetsTango.com', Oriflame's '50 ml'
              # after the product code unread, i3Fresh's 1-5 box price table unread
              # (UsedVictoria's '$15' in its heading reads right since the sixth batch's fixes)
              "letstango/casio-edifice-efv-510d.html",
              "oriflame-eg/activelle-extreme-deodorant.html", "i3fresh/cesar-lamb-dog-food.html",
              # sixth batch, still misread after its fixes: Seeds of Change's product pages
              # (no h1, a generic <title> 'Item Detail', the name in ASP.NET label spans, the
              # two packets' prices in separate rows of small tables): no listing
              "seedsofchange/gold-nugget-winter-squash.html",
              "seedsofchange/rossa-di-milano-onion.html",
              # seventh batch (first contact 0.730, not yet fixed): old templates with name and
              # price in layout tables and no product heading (no listing), phones only in the
              # page chrome, a size select's packs, a price range without per-size prices, packs
              # at the end of card titles, a demo shop's name
              "retrosixty/infraphil-lamp.html", "playcom/samsung-le37b550.html",
              "tempur-uk/deluxe-hd-mattress.html", "icone/copper-shade-tom-dixon.html",
              "icone/mesmeri-halo-chrome.html", "cs-cart-demo/compact-full-hd-camcorder.html",
              "laboratoriumdiscounter/4-nitrophenyl-phosphate-disodium-salt-hexahydrate.html",
              "sciencelab/perchloric-acid-titrant-0-001n.html",
              "sciencelab/sodium-hexametaphosphate-anhydrous.html",
              "carolina-bio/search-acid.html"}


def test_corpus_is_real_pages_from_many_sites_with_provenance():
    provenance = (REAL / "PROVENANCE.md").read_text("utf-8")
    files = sorted(p.relative_to(REAL).as_posix() for p in REAL.glob("*/*.html"))
    assert len(files) >= 30 and len({f.split("/")[0] for f in files}) >= 12
    assert sorted(x["file"] for x in LABELS) == files
    for name in files:
        assert f"| {name} |" in provenance, name


@pytest.mark.parametrize("label", [x for x in LABELS if x["file"] not in OPEN_PAGES],
                         ids=[x["file"] for x in LABELS if x["file"] not in OPEN_PAGES])
def test_every_labelled_field(label):
    rows = compare(label, parse(label))
    wrong = [(field, want, got) for field, want, got, ok in rows
             if not ok and (label["file"], field) not in KNOWN_MISSES]
    assert not wrong, wrong
    listings = [i for i in parse(label) if i.get("type") == "listing"]
    assert len(listings) == len(label["listings"])  # no spurious listing either


def test_open_pages_are_still_misread():
    """An open page that starts to read right is moved out of OPEN_PAGES (and its fix noted)."""
    for file in OPEN_PAGES:
        label = next(x for x in LABELS if x["file"] == file)
        items = parse(label)
        spurious = len([i for i in items if i.get("type") == "listing"]) - len(label["listings"])
        assert spurious > 0 or any(not ok for *_, ok in compare(label, items))


def test_known_misses_are_still_labelled():
    for file, field in KNOWN_MISSES:
        label = next(x for x in LABELS if x["file"] == file)
        assert field in {f for f, *_ in compare(label, parse(label))}


def test_challenge_pages_are_not_fetched_and_list_nothing():
    for label in (x for x in LABELS if x["kind"] == "challenge"):
        items = parse(label)
        assert [i["type"] for i in items] == ["not_fetched"], label["file"]
        who = {"alibaba": "slider CAPTCHA", "globalsources": "Imperva/Incapsula",
               "fanduel": "PerimeterX", "goodrx": "PerimeterX",
               "upwork": "PerimeterX"}.get(site(label), "Cloudflare")
        assert who in items[0]["reason"]


def test_licence_number_is_never_a_phone():
    label = next(x for x in LABELS if x["file"] == "sigmaaldrich/h36206-zh.html")
    vendor = next(i for i in parse(label) if i["type"] == "vendor")
    assert vendor["name"] == "Sigma-Aldrich" and vendor["phones"] == []


def test_sites_covered_include_chinese_pages():
    assert {"molbase", "sigmaaldrich", "made-in-china", "1688", "alibaba", "jkchemical",
            "chemicalbook", "lookchem", "guidechem"} <= {site(x) for x in LABELS}
    assert any("zh" in x["url"] or "molbase" in x["url"] for x in LABELS)


def _page(file: str) -> tuple[list[dict], dict]:
    label = next(x for x in LABELS if x["file"] == file)
    items = parse(label)
    vendor = next(i for i in items if i["type"] == "vendor")
    return [i for i in items if i["type"] == "listing"], vendor


def test_chinese_vendor_search_reads_each_pack_table_in_rmb():
    """J&K's own site: 10 cards, each with 纯度/CAS labels and a pack table whose price column
    is headed '单价 (RMB)' with bare numbers; the English name is the title, purity apart."""
    listings, vendor = _page("jkchemical/search-aldehyde-zh.html")
    by_cas = {x["cas"]: x for x in listings}
    assert len(by_cas) == 10 and all(x["price_currency"] == "CNY" for x in listings)
    hmf = by_cas["67-47-0"]
    assert (hmf["title"], hmf["purity"], hmf["price_amount"], hmf["price_max"],
            hmf["quantity"]) == ("5-(Hydroxymethyl)furfural", "98%", 230.0, 2505.0, "1G")
    # packs out of size order: the lowest price is the 250MG one listed last
    assert (by_cas["3779-27-9"]["price_amount"], by_cas["3779-27-9"]["quantity"]) == (129.0,
                                                                                       "250MG")
    assert all(x["url"].startswith("http://www.jkchemical.com/CH/products/A01") for x in listings)
    assert vendor["phones"] == ["400-666-7788"]  # not the ICP or 公网安备 numbers


def test_numbers_that_are_not_phones_on_chinese_platforms():
    """Two hot-search CAS numbers side by side, a copyright span of years and licence numbers
    (ICP, 公网安备) are never phones; two numbers written in one run are two phones."""
    _, chemicalbook = _page("chemicalbook/home-en.html")
    assert chemicalbook["phones"] == ["400-158-6606"]
    _, guidechem = _page("guidechem/page-not-found.html")
    assert guidechem["phones"] == ["+86-571-87759741", "+86-571-89739798", "+86-025-84732710"]
    _, lookchem_cn = _page("lookchem/home-zh-lookchem-cn.html")
    digits = {re.sub(r"\D", "", p) for p in lookchem_cn["phones"]}
    assert digits == {"057187562588", "87562561", "057187562566"}
    _, lookchem = _page("lookchem/home-en.html")
    assert lookchem["emails"] == ["service@lookchem.com"]  # on the licence line, kept
    assert not any("16009103" in p or "33010302" in p for v in (lookchem, lookchem_cn)
                   for p in v["phones"])


def test_marketplace_home_pages_list_offers_not_requests_or_menus():
    listings, vendor = _page("lookchem/home-zh-lookchem-cn.html")
    assert [x["cas"] for x in listings] == ["865-48-5", "89796-99-6", "15362-40-0", "100-06-1",
                                            "86393-32-0", "1149-26-4"]
    assert vendor["name"] == "洛克化工网"
    # '最新采购' purchase requests carry CAS/品名/数量 but are buyers' requests, not offers
    assert not {"162515-68-6", "98-80-6"} & {x["cas"] for x in listings}
    listings, _ = _page("chemicalbook/home-en.html")
    assert listings[0]["title"] == "(+)-Dipentene" and listings[0]["cas"] == "5989-27-5"
    listings, vendor = _page("lookchem/home-en.html")
    assert (listings[1]["title"], listings[1]["price_amount"], listings[1]["quantity"]) == (
        "Mercury", 100.0, "0.5LB")
    assert vendor["name"] == "LookChem" and len({x["url"] for x in listings}) == 6


def test_not_found_template_lists_nothing():
    listings, vendor = _page("guidechem/page-not-found.html")
    assert listings == [] and vendor["name"] == "Guidechem"


REAL_PAGES = sorted(REAL.glob("*/*.html"))
SAMPLES = Path(__file__).resolve().parents[1] / "scrapers" / "samples"
SAMPLE_PAGES = sorted(p for p in SAMPLES.rglob("*") if p.is_file()
                      and p.suffix not in (".json", ".txt", ".md") and p.name != "robots.txt")
# The fast tier (`make test-fast`) passes a fixed, seeded sample of the pages through every
# parser, drawn from pages up to FAST_MAX_BYTES (a 500 KB page costs about a CPU-second per
# pass; huge and deeply nested pages are in test_hostile.py's fast cases); the full tier
# (`make test`) passes all of them (marker `allpages`).
FAST_SAMPLE = 4
FAST_MAX_BYTES = 150_000


def _tiered(paths: list[Path], root: Path) -> list:
    small = [p for p in paths if p.stat().st_size <= FAST_MAX_BYTES]
    chosen = set(random.Random(15).sample(small, min(FAST_SAMPLE, len(small))))
    return [pytest.param(p, id=p.relative_to(root).as_posix(),
                         marks=() if p in chosen else pytest.mark.allpages) for p in paths]


@pytest.mark.parametrize("path", _tiered(REAL_PAGES, REAL))
def test_real_pages_through_every_parser_never_raise(path):
    html = path.read_bytes().decode("utf-8", errors="replace")
    for platform, url, funcs in every_parser():
        assert_never_raises(platform, url, funcs, html)


def test_there_are_sample_pages_to_pass():
    assert len(SAMPLE_PAGES) > 50


@pytest.mark.parametrize("path", _tiered(SAMPLE_PAGES, SAMPLES))
def test_every_sample_page_through_every_parser_never_raises(path):
    html = path.read_bytes().decode("utf-8", errors="replace")
    for platform, url, funcs in every_parser():
        assert_never_raises(platform, url, funcs, html)
