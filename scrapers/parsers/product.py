"""One product page, any vendor: schema.org data merged with what the page shows.

The name comes from the page's heading (h1, a product-title element, og:title, then `<title>`
without the site's name); a purity figure appended to the name becomes the purity. CAS number,
purity, pack size, minimum order, stock and formula come from labelled values in any of the
vocabulary's languages (`vocab`), else the first CAS number in the product block. The price is
the per-size table's cheapest and dearest row, else the visible price element (ranges kept),
else schema.org offers, else a labelled price. schema.org fills what the page leaves empty.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scrapers.parsers import cards, offers, regions
from scrapers.parsers import fields as f

_TITLE_XPATH = ("//h1 | //*[contains(@class,'product-title') or contains(@class,'product_title')"
                " or contains(@class,'product-name') or contains(@class,'productName')"
                " or @itemprop='name']")


def site_name(root) -> str | None:
    """The first non-empty `og:site_name` of the page (`//meta[@property=...]/@content`, read
    by a tag walk: lxml answers at once on a page without any <meta>, where the XPath walks
    every element of a long list)."""
    return next((v for m in root.getroottree().iter("meta") if m.get("property") == "og:site_name"
                 for v in [f.clean(m.get("content"))] if v), None)


def strip_site(title: str | None, site: str | None) -> str | None:
    """'Sulfuric Acid - Carolina Chemical' -> 'Sulfuric Acid' (the site's part dropped)."""
    if not title:
        return None
    parts = [p.strip() for p in re.split(r"\s+[|–—-]\s+|\s*[|｜_]\s*", title) if p.strip()]
    if len(parts) > 1:
        site_key = re.sub(r"\W", "", (site or "").lower())
        keep = [p for p in parts if not site_key or re.sub(r"\W", "", p.lower()) not in site_key]
        keep = keep if keep and site_key else parts[:-1]
        return " - ".join(keep[:1]) if keep else parts[0]
    return parts[0] if parts else None


def _heading(block, xpath: str) -> str | None:
    """A heading's text as one line (a name broken over source lines stays whole)."""
    for node in block.xpath(xpath):
        text = f.text(node)
        if text:
            return text if len(text) <= 200 else f.first_line(node, ".")
    return None


def _page_h1(root) -> str | None:
    """The page's own `<h1>` when the content block lost it with a header around it (a
    "page-header" block holding breadcrumbs, the name and a product code; a site header that
    also carries the product's name). A logo (an h1 that is only a link to the home page or an
    image) is not a heading."""
    for node in root.xpath("//h1"):
        links = node.xpath(".//a/@href")
        if node.xpath(".//img") or any(urlsplit(str(h)).path in ("", "/") for h in links):
            continue
        text = _heading(node, ".")
        if text:
            return text
    return None


def heading(root, block) -> str | None:
    """The product's heading: the content block's h1, else the page's own h1 (a header block
    took it out of the content), else a product-title element; but when that one is not what
    the page's `<title>` names and another h1 is, that other h1 (an account widget's
    "Mon compte", a review's or a returns box's h1 came first)."""
    first = _heading(block, ".//h1") or _page_h1(root) or _heading(block, "." + _TITLE_XPATH)
    title_ = f.first(root, "//title")
    words = _words(title_)
    if not words:
        return first
    # an h1 or h2 that is the <title> itself (the site's name dropped) names the product,
    # whatever came first (a deal site's other deals, each titled by its own h1)
    shown = strip_site(title_, site_name(root))  # the <title> without the site's name
    whole = _key(shown)
    if len(whole) >= 8 and _key(first) != whole:
        exact = next((h for h in (_heading(n, ".") for n in root.xpath("//h1 | //h2"))
                      if h and _key(h) == whole), None)
        if exact:
            return exact
    if _named(first, words):
        return first
    # an h2 when the page has no h1 naming the product (a review's headline, marked up as a
    # name, came first; shown by Hero's baby-food shop)
    named = next((h for xpath in ("//h1", "//h2") for h in (_heading(n, ".") for n in
                                                              root.xpath(xpath))
                  if h and _named(h, words)), None)
    if named:
        return named
    if first and len(_words(first)) <= 1 and len(words) >= 3:
        # a one-word menu heading ("Sale", "Mens") that the title does not name: the product
        # is named only in the page's <title>
        return shown
    return first


def _words(text: str | None) -> set[str]:
    return {w for w in re.findall(r"\w+", (text or "").lower()) if len(w) > 1 or w.isdigit()}


def _key(text: str | None) -> str:
    return re.sub(r"\W+", "", (text or "").lower())


def _named(text: str | None, title_words: set[str]) -> bool:
    """Most of `text`'s words (at least two) are in the page's title."""
    words = _words(text)
    return len(words) >= 2 and len(words & title_words) >= 0.6 * len(words)


# An icon font's glyph (Font Awesome's heart, U+F004) is a picture, not a letter.
_ICON_GLYPHS = re.compile("[\ue000-\uf8ff]+")


def _after_price(name: str) -> str:
    """A classified ad's heading "♥ Log In needed $15 · Casio FX-991ES" names the item after
    the price and its separator (the price is the ad's; what comes before are the heading's
    own buttons); icon-font glyphs are dropped from any heading."""
    name = f.clean(_ICON_GLYPHS.sub(" ", name)) or name
    head, sep, rest = name.partition(" · ")
    if sep and rest and offers.amounts(head) and re.search(
            r"\d\s*(?:[^\w\s]{1,3}|[A-Z]{3})?\s*$", head) and len(rest) >= 3:
        return rest
    return name


def title(root, block, schema: dict) -> str | None:
    heading_ = heading(root, block)
    return (heading_ or schema.get("name")
            or f.first(root, "//meta[@property='og:title']/@content")
            or strip_site(f.first(root, "//title"), site_name(root)))


def selected_pack(root) -> str | None:
    """The pack size preselected in a size `<select>` ("Size: 500ML" chosen among 500ML, 1L,
    4L): the pack the shown price belongs to. A placeholder ("Choose an option") is no choice."""
    for select in root.iter("select"):
        options = [o for o in select.iter("option")]
        packs = [o for o in options if offers.quantity(f.text(o) or "")]
        if len(packs) < 2 or len(packs) < len(options) // 2:
            continue  # not a size choice (a sort order, a country, a page size)
        chosen = next((o for o in packs if o.get("selected") is not None), None)
        if chosen is not None:
            return offers.quantity(f.text(chosen) or "")
    return None


# A bare currency sign several countries use: the page's own data may name the currency.
_SHARED_SYMBOL = re.compile(r"(?<![A-Za-z])\$|[¥￥]|\bkr\b|\bRs\b")


def _marked_price(block) -> list[str]:
    """The price the page marks as its product's (`itemprop="price"`, every mark agreeing):
    a rail of other products placed before the product ("People who viewed this item also
    viewed") shows other prices first."""
    marked = [f.text(el) or "" for el in block.xpath(".//*[@itemprop='price']")]
    priced = [x for x in marked if offers.amounts(x)]
    if priced and len({offers.amounts(x)[0] for x in priced}) == 1:
        return priced[:1]
    return []


def read(root, schema: dict) -> dict | None:
    """The fields of the page's one product (None when the page names no product)."""
    block = regions.main_block(root)
    name = title(root, block, schema)
    if not name:
        return None
    name = strip_site(name, site_name(root)) if " | " in name else name
    name = _after_price(name)
    name, title_purity = offers.split_title(name)
    found = regions.pairs(block)
    text = "\n".join(regions.lines(block))
    labelled_cas = (f.cas_as_written(regions.pick(found, "cas", f.cas_as_written))
                    or schema.get("cas") or f.cas_as_written(name))
    cas = labelled_cas or f.cas_as_written(text)
    sizes = cards.size_prices(block)
    shown_prices = cards.price_texts(block)
    if sizes:
        low, high, currency, qty = sizes["low"], sizes["high"], sizes["currency"], sizes["quantity"]
        price_text = None
        # The range the page states above its size table can reach lower than the table's
        # rows ("$105.00 – $120.00" over a 50LB row at $120.00): the buyer is shown that range,
        # and the low end's pack is then not shown.
        s_low, s_high, s_cur = offers.price_range(shown_prices[:1])
        if s_low is not None and s_cur == currency and s_low < low - 0.005 and \
                (s_high or s_low) >= (high or low) - 0.005:
            low, high, qty, price_text = s_low, s_high, None, shown_prices[0]
    else:
        shown = _marked_price(block) or shown_prices[:1]
        low, high, currency = offers.price_range(shown)
        if low is None:  # a line that is nothing but a price, in the product block
            alone = next((x for x in regions.lines(block) if len(x) <= 30 and offers.amounts(x)
                          and not re.sub(r"[\s*/]", "", offers.MONEY.sub("", x))), None)
            low, high, currency = offers.price_range([alone] if alone else [])
            shown = [alone] if alone else shown
        if low is None and schema.get("price") is not None:
            low, high, currency = schema["price"], schema.get("price_max"), schema.get("currency")
        if low is None:
            low, high, currency = offers.price_range([regions.pick(found, "price") or ""])
        if low is not None and schema.get("currency") and schema.get("price") is not None and \
                abs(low - schema["price"]) < 0.005 and _SHARED_SYMBOL.search(shown[0] if shown
                                                                            else ""):
            currency = schema["currency"].upper()  # "$210" that the page's data says is TWD
        price_text = shown[0] if shown else (
            f"{schema.get('currency') or ''} {schema['price']:g}".strip()
            if schema.get("price") is not None and low == schema["price"] else None)
        qty = selected_pack(root) or regions.pick(found, "quantity", offers.quantity)
        qty = offers.quantity(qty) if qty else offers.quantity(name)
        per_unit = re.search(r"/\s*(kg|g|mg|l|ml|t|lb|吨|千克|公斤|克|升)(?![A-Za-z])",
                             price_text or "", re.I)
        if not qty and low is not None and per_unit:
            qty = f"1 {per_unit.group(1)}"  # "￥429.00/kg" is the price of one kilogram
    purity = title_purity or offers.purity(regions.pick(found, "purity", offers.purity) or "") \
        or schema.get("purity")
    return {
        "title": name, "cas": cas, "cas_labelled": bool(labelled_cas),
        "has_heading": bool(heading(root, block) or schema.get("name")),
        "price_amount": low, "price_max": high,
        "price_currency": currency or schema.get("currency"), "price_text": price_text,
        "price_basis": cards.price_basis(regions.lines(block), low) if low is not None else None,
        # a price element is shown, even a 0.00 placeholder: the page is a shop's product page
        "price_shown": any(offers.amounts(x) for x in shown_prices),
        "purity": purity, "quantity": qty,
        "min_order": regions.pick(found, "min_order"),
        "stock": regions.pick(found, "stock") or schema.get("stock"),
        "formula": regions.pick(found, "formula"),
        "product_name": regions.pick(found, "name", lambda v: len(v) > 3 and not v.islower()),
        "sku": regions.pick(found, "sku") or schema.get("sku"),
        "description": schema.get("description") or f.first(
            block, ".//*[contains(@class,'description')]"),
    }
