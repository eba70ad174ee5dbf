"""Pages with many offers: search results, category lists and catalog tables, on any layout.

A card is the largest element that holds links to exactly one product URL; cards that are
siblings under one parent, two or more of them, and that show a price or a CAS number, are a
result list. Each card gives one listing with its own link, name, CAS, price range, purity and
pack size; the same products written in several views (grid, list, compact) are read once, with
the view that shows the most.
"""

from __future__ import annotations

import itertools
import re

import lxml.etree

from chem.cas import find_cas
from scrapers.parsers import card_links, cardtext, fastre, offers, regions
from scrapers.parsers import fields as f

_CARD_MIN = 2
# A group of cards in a container marked as advertising or recommendations, beside the page's
# main result list, is a rail, not results ("Sponsored products", "Customers also bought").
_RAIL = re.compile(r"sponsor|advert|(?:^|[\s_-])ads?(?:$|[\s_-])|carousel|recommend|(?:^|[\s_-])"
                   r"rail|gesponsert|anzeige|sponsoris|patrocinad|also-?(?:viewed|bought)", re.I)
# Names that are page chrome, not products: offer counters, saving badges, sort controls, help.
_COUNTER_TITLE = re.compile(
    r"^\(?\s*\d+\s*(?:neue?r?|gebrauchte?r?|new|used|offers?|angebote?|ofertas?|offres?)\b|"
    r"^(?:save|sparen|spare|économisez|ahorra|oszczędź)\b|\b(?:other|more) (?:offers|sellers|"
    r"buying choices)\b|^(?:sort(?:ed)? by|sortieren|trier par|ordenar|sortuj|排序)\b|"
    r"^(?:visit the )?help\b|^hilfe\b", re.I)
# "CAS:5989-27-5 (+)-Dipentene": the number leads the name in some cards
_LEADING_CAS = re.compile(
    r"^\s*(?:CAS\s*(?:No\.?|#|号|RN)?\s*[:：]?\s*)?\d{2,7}-\d{2}-\d\s+(?=\S)", re.I)
_CALL_TO_ACTION = re.compile(
    r"^(?:view|details?|more|read more|view (?:full )?details|buy|buy now|add to cart|order|"
    r"select options|choose options|shop now|learn more|in den warenkorb|details ansehen|mehr|"
    r"kaufen|zobacz|szczegóły|do koszyka|kup teraz|wybierz opcje|ver|comprar|más|voir|acheter|"
    r"подробнее|купить|ver mais|详情|查看|查看详情|立即购买|加入购物车|bekijk|bestel|"
    r"разгледай|виж|поръчай|dettagli|vedi|acquista)\b", re.I)


def _card_groups(block, links: dict) -> list[list[tuple]]:
    """Sibling cards grouped by parent: [(card element, product URL), ...] per group."""
    owner: dict = {}  # element -> the one URL inside it, or None when several
    for a, link in links.items():
        for anc in itertools.chain((a,), a.iterancestors()):  # lazily: most stop at the card
            state = owner.get(anc, "unset")
            if state == "unset":
                owner[anc] = link
            elif state != link:
                if state is None:
                    break
                owner[anc] = None
            else:
                break
    groups: dict = {}
    for a, link in links.items():
        card = a
        for anc in a.iterancestors():
            if owner.get(anc) != link:
                break
            card = anc
        parent = card.getparent()
        if parent is not None and owner.get(parent) is None:
            group = groups.setdefault(parent, {})
            group.setdefault(card, link)
    return [list(g.items()) for g in groups.values() if len(g) >= _CARD_MIN]


def _product_thumbs(group: list[tuple], links: dict) -> bool:
    """Cards that show no price but are plainly products: three or more, each with a picture and
    both a name link and a call-to-action link ("View details", "Voir les détails") to its own
    product page (a marketplace's best sellers, a catalog's featured items)."""
    if len(group) < 3:
        return False
    for card, link in group:
        anchors = [a for a in card.iter("a") if links.get(a) == link]
        texts = [f.clean(a.text_content()) or "" for a in anchors]
        if card.find(".//img") is None or not any(_CALL_TO_ACTION.match(x) for x in texts):
            return False
    return True


# Compiled once: an XPath string given to .xpath() is compiled again on every call.
_ROWS = lxml.etree.XPath(".//tr")
_STRIKES = ("del", "s", "strike")


def _in_heading(a) -> bool:
    """`ancestor::h1|...|ancestor::h5` is not empty (a tag-filtered walk up, in C)."""
    return next(a.iterancestors("h1", "h2", "h3", "h4", "h5"), None) is not None


def _struck(node) -> bool:
    """`ancestor-or-self::del|ancestor-or-self::s|ancestor-or-self::strike` is not empty."""
    return node.tag in _STRIKES or next(node.iterancestors(*_STRIKES), None) is not None


_TAG = re.compile(r"<[^>]+>")
_NAMED_CLASS = re.compile(r"title|name", re.I)


def _first_line(a) -> str | None:
    """A name link's first line: "English name<br>中文名 (note)" names the product once."""
    text = a.text_content()
    if "\n" not in text:  # one line (most name links): no lines to split
        return f.clean(text)
    found = regions.text_lines(text)
    return found[0] if len(found) > 1 and len(found[0]) >= 3 else f.clean(text)


def _title(card, link: str, links: dict) -> str | None:
    best, best_rank = None, None
    for a in card.iter("a"):
        if links.get(a) != link:
            continue
        text = _first_line(a)
        if cardtext.is_badge(text):  # "-37%" first in a card that is one big link
            text = cardtext.name_in_link(a)
        title_attr = a.get("title")
        attr = f.clean(_TAG.sub("", title_attr)) if title_attr else None
        if text and attr and text.endswith(("...", "…")) and len(attr) > len(text):
            text = attr
        text = text or attr
        if not text or offers.amounts(text) or _CALL_TO_ACTION.match(text):
            continue
        named = bool(_in_heading(a) or _NAMED_CLASS.search(a.get("class") or ""))
        rank = (named, len(text))
        if best_rank is None or rank > best_rank:
            best, best_rank = text, rank
    if best:
        return best
    return f.first_line(card, ".//h2|.//h3|.//h4|.//h5|.//*[contains(@class,'title')]|"
                              ".//*[contains(@class,'name')]")


def read_card(card, link: str, links: dict, text: str | None = None) -> dict:
    """The fields one card shows (`text`: the card's `text_content()`, when read already)."""
    card_lines = regions.text_lines(card.text_content() if text is None else text)  # read once
    found = regions.pairs(card, card_lines)
    title = _title(card, link, links)
    title = _LEADING_CAS.sub("", title) if title else title
    name, title_purity = offers.split_title(title) if title else (None, None)
    text = "\n".join(card_lines)
    cas = f.cas_as_written(regions.pick(found, "cas")) or f.cas_as_written(
        " ".join(x for x in text.split("\n") if not offers.amounts(x)))
    sizes = size_prices(card)
    shown = price_texts(card)
    if sizes:
        low, high, currency = sizes["low"], sizes["high"], sizes["currency"]
        qty = sizes["quantity"]
    else:
        low, high, currency = offers.price_range(shown or [cardtext.unstruck_text(
            card, _struck_price) or text])
        qty = regions.pick(found, "quantity", offers.quantity)
        qty = offers.quantity(qty) if qty else offers.quantity(name) or _pack_after_price(card)
    purity = title_purity or offers.purity(regions.pick(found, "purity") or "")
    return {"url": link, "title": name, "cas": cas, "price_amount": low, "price_max": high,
            "price_currency": currency, "purity": purity, "quantity": qty,
            "price_basis": price_basis(card_lines) if low is not None else None,
            "price_text": f.clean(" ".join(shown))}


def _crossed_out(el) -> bool:
    """Crossed out by its tag (or an ancestor's) or marked as the old price by its class."""
    return _struck(el) or bool(_OLD.search(el.get("class") or ""))


def _struck_price(el) -> bool:
    """A price crossed out by its tag or its class (the list price beside the offer's)."""
    return _crossed_out(el) and offers.has_amount(el.text_content() or "")


def _pack_after_price(card) -> str | None:
    """The pack a price is quoted for, written after it: "$26/500ML", "€12 / 25 g"."""
    for line in regions.lines(card):
        m = re.search(r"\d\s*/\s*(\d[^/]*)$", line)
        if m and offers.amounts(line) and offers.quantity(m.group(1)):
            return offers.quantity(m.group(1))
    return None


_NET = re.compile(r"netto|\bnet\b|ex\.? ?tax|excl|zzgl|без ндс|不含税|hors taxe|\bht\b|sin iva|"
                  r"bez dph|brez ddv|bez pdv|ohne mwst|without vat|ex\.? vat", re.I)


_GROSS = re.compile(r"brutto|\bgross\b|incl\.?(?:uding)? (?:vat|tax|mwst)|inkl\.? (?:mwst|ust)|"
                    r"z vat|\bttc\b|con iva|含税|с ндс|\bvat incl|\b[sz] dph|vrátane dph|vč\. ?dph|"
                    r"\bz ddv|\bs pdv|with vat", re.I)


def price_basis(lines: list[str], chosen: float | None = None) -> str | None:
    """The VAT basis of the price a page states: "incl. VAT" when a gross (brutto, incl. VAT,
    TTC) price is labelled, "excl. VAT" when only a net one is; None when the page says neither.
    With the `chosen` amount: a net label on another amount than the chosen one ("40.00€ Brez
    DDV: 36.53€") makes the chosen one the gross price."""
    priced = [x for x in lines if len(x) < 80 and (offers.amounts(x) or _GROSS.fullmatch(
        x.strip(" :")) or _NET.fullmatch(x.strip(" :")))]
    joined = " ".join(priced)
    if _GROSS.search(joined):
        return "incl. VAT"
    if not _NET.search(joined):
        return None
    if chosen is not None:  # amounts after a net label, on its line or the next one
        net = [m.low for i, x in enumerate(priced) if _NET.search(x)
               for m in (offers.amounts(x[_NET.search(x).start():]) or offers.amounts(
                   priced[i + 1] if i + 1 < len(priced) else ""))]
        if net and all(abs(n - chosen) > 0.005 for n in net):
            return "incl. VAT"
    return "excl. VAT"


_PRICE_CLASS = ("price", "cena", "preis", "precio", "prix", "prezzo", "preco", "preço", "tsena",
                "amount", "jiage")
_PRICE_WORD = re.compile("|".join(map(re.escape, _PRICE_CLASS)))  # any of them in a class
# Class tokens of a price that is not the offer's: old/list/struck-through, net, per unit.
_OLD = re.compile(r"(?:^|[\s_-])(?:old|regular|was|strike|striked|strikethrough|line-?through|"
                  r"before|compare|crossed|rrp|uvp|msrp|netto|net)(?:$|[\s_-])|list-?price|"
                  r"unit-?price|base-?price|price[-_]*(?:old|was|before|regular|compare|list)",
                  re.I)
# What a price next to the offer's own is: other sellers' offers ("Andere Angebote EUR 25,50
# (1 gebrauchter Artikel)", "(3 new offers)"), a saving or coupon badge ("Save $27.00", "EUR 1,00
# sparen"), shipping ("+ EUR 4,90 Versandkosten"), cashback or loyalty points ("Späť na NAY
# Extra kartu 1,09 €", "+ до 448 бонусов").
_NOT_ITEM = re.compile(
    r"\(\s*\d+\s*(?:neue?r?|gebrauchte?r?|new|used|offers?|angebote?|ofertas?|offres?|"
    r"nouveaux?|nuevos?|nowe|używane)\b|andere angebote|other (?:sellers|offers)|"
    r"more buying choices|\boffers? from\b|autres offres|otras ofertas|inne oferty|"
    r"\bsparen\b|\bsave\b|you save|\bsaving|économisez|ahorra|oszczędzasz|\bcoupon|gutschein|"
    r"versand|shipping|\bpostage|\bdelivery\b|livraison|envío|wysyłka|dostawa|运费|"
    r"cash-?back|money back|späť na|zpět na|zurück auf|бонус|\bpoints?\b|punkty|punti", re.I)


# "inkl. MwSt. zzgl. Versandkosten", "plus shipping": a note on the item's own price that
# shipping comes on top, not a shipping charge ("+ EUR 4,90 Versandkosten" names its amount).
_SHIPPING_NOTE = re.compile(r"\b(?:zzgl|plus|excl|exkl|hors)\.?\s+(?:frais de\s+)?"
                            r"(?:versand\w*|shipping|delivery|porto|livraison)\b", re.I)


def _not_item_price(node, text: str) -> bool:
    """The price in `node` belongs to something else than the item: another seller's offer, a
    saving, shipping (read from the price's own text, its parent's and the label before it)."""
    parent = node.getparent()
    around = (f.text(parent) or "").replace(text, " ") if parent is not None else ""
    context = [text, around]  # what the price's own small block says beside the figure
    prev = node.getprevious() if node.getprevious() is not None else (
        parent.getprevious() if parent is not None else None)
    if prev is not None and isinstance(prev.tag, str):
        context.append(f.text(prev) or "")
    return any(_NOT_ITEM.search(_SHIPPING_NOTE.sub(" ", c)) for c in context
               if len(c) < 40)  # not the whole card


# A list or recommended retail price written before its figure ("UVP € 149,99", "RRP £20",
# "Listino: € 16,90", "建議售價 $420元"): the price the offer is compared with, not the offer's.
_LIST_PRICE = re.compile(
    r"^\s*(?:uvp|rrp|msrp|list(?:en)?\s?pre?is|list price|listino|statt|was\b|regular price|"
    r"precio (?:normal|anterior)|preço (?:normal|anterior)|старая цена|建議售價|建议零售价|原價|"
    r"市场价|定價)", re.I)


def _price_parts(node) -> list[str]:
    """Price texts in `node`, descending into children when it mixes gross and net prices."""
    if _crossed_out(node) or cardtext.in_old_price_box(node):
        return []
    text = f.text(node) or ""
    if _LIST_PRICE.match(text) and len(offers.amounts(text)) == 1:
        return []
    if not offers.amounts(text) or _not_item_price(node, text):
        return []
    # "Cena: 54,50 € Späť na kartu 1,09 €": the price beside a cashback or a saving in one
    # element; each child is read on its own so the other amount drops out.
    # "EGP 13,499 EGP 16,299 -17%": a price box holding the old price as a child of its own.
    mixed = len(offers.amounts(text)) > 1 and len(node) and (_NOT_ITEM.search(text) or any(
        isinstance(c.tag, str) and _crossed_out(c)
        for c in node.iterdescendants()))  # (the old price's box may sit a level deeper)
    if not _NET.search(text) and not mixed:
        return [text]
    return [t for child in node if isinstance(child.tag, str) and not _net_labelled(child)
            for t in _price_parts(child)]


def _net_labelled(child) -> bool:
    """A price a net label names: "9,16 € <span>netto</span>", "<span>netto:</span> 9,16 €"."""
    after, before = child.getnext(), child.getprevious()
    words = [f.text(x) or "" for x in (after, before) if x is not None and isinstance(x.tag, str)]
    if after is None and child.tail:
        words.append(child.tail)
    nearest = [w for w in words if len(w) < 20 and not offers.amounts(w)]
    return bool(nearest) and _NET.search(nearest[0]) is not None


def price_texts(el) -> list[str]:
    """Texts of the price elements in `el` (old, struck-through and net prices left out)."""
    out = []
    for node in el.iterdescendants():
        cls = node.get("class") if isinstance(node.tag, str) else None
        if cls and _PRICE_WORD.search(cls.lower()):
            out.extend(_price_parts(node))
    return f.unique(out)


def _column_currencies(tr) -> dict[int, str]:
    """Columns whose header names a currency ("单价 (RMB)", "Price (USD)", "Preis in €")."""
    out = {}
    for i, cell in enumerate(c for c in tr if isinstance(c.tag, str)):
        text = f.text(cell) or ""
        code = offers.header_currency(text)
        if code and not offers.amounts(text):
            out[i] = code
    return out


_DELIVERY_HEADER = re.compile(r"shipping|delivery|versand|lieferung|livraison|envío|entrega|"
                              r"consegna|spedizione|wysyłka|dostawa|doprava|доставка|运费|配送",
                              re.I)


def _rate_table(tr) -> bool:
    """The row belongs to a table of shipping rates (its header names delivery: 'Tempo di
    consegna | Peso | Costo', 'Versand | Gewicht | Preis'): weights priced there are
    parcels, not the product's packs."""
    table = next(tr.iterancestors("table"), None)
    first = table.find(".//tr") if table is not None else None
    return first is not None and bool(_DELIVERY_HEADER.search(" ".join(regions.lines(first))))


def size_prices(el) -> dict | None:
    """A per-size price table inside `el`: rows with one pack size and one price each, the price
    written with its currency or as a bare number under a header that names the currency.
    Rows that ask for a quote carry estimates, not prices, and are left out; so are layout rows
    that hold a table of their own and the rows of a shipping-rate table."""
    rows, columns = [], {}
    for tr in _ROWS(el):
        text = " ".join(regions.lines(tr))
        if re.search(r"quote|anfrage|zapytanie|cotiza|devis|запрос|询价", text, re.I):
            continue
        if tr.find(".//table") is not None or _rate_table(tr):
            continue  # a layout row around a whole section, or a shipping-rate table's row
        cells = [f.text(c) or "" for c in tr if isinstance(c.tag, str)]
        qty = next((offers.quantity(c) for c in cells if offers.quantity(c)), None)
        money = [(m.low, m.currency) for c in cells for m in offers.amounts(c)]
        if not money and qty:
            money = [(n, code) for i, code in columns.items() if i < len(cells)
                     for n in [offers.bare_number(cells[i])] if n is not None]
        if qty and money:
            rows.append((money[0][0], money[0][1], qty))
        elif not qty:
            columns = _column_currencies(tr) or columns
    if not rows:
        return None
    currency = rows[0][1]
    rows = [r for r in rows if r[1] == currency]
    low = min(rows, key=lambda r: r[0])
    high = max(r[0] for r in rows)
    return {"low": low[0], "high": high if high > low[0] else None, "currency": currency,
            "quantity": low[2]}


def _in_rail(card, depth: int = 4) -> bool:
    """True when a card's container (a few levels up) is marked as ads or recommendations."""
    for anc in list(card.iterancestors())[:depth]:
        label = f"{anc.get('class') or ''} {anc.get('id') or ''} {anc.get('aria-label') or ''}"
        if _RAIL.search(label):
            return True
    return False


def find_cards(block, base: str) -> list[dict]:
    """One dict per product card on a result or catalog page ([] when there is no list); a
    product shown in two cards (a sponsored copy and the organic result) is read once."""
    links, url_of = card_links.keyed(card_links.product_links(block, base),
                                     card_links.site_origin(base))
    shows: dict = {}  # card -> "price", "cas" or "" (each card's text is read once)
    texts: dict = {}  # card -> its text_content(), for the offer test and for reading the card

    def offer(card) -> bool:
        if card not in shows:
            text = texts[card] = card.text_content() or ""
            shows[card] = "price" if offers.has_amount(text) else "cas" if find_cas(text) else ""
        return bool(shows[card])

    def enough(group) -> bool:  # half the cards (two or more) show an offer: read until so
        need, count = max(_CARD_MIN, len(group) // 2), 0
        for card, _ in group:
            count += offer(card)
            if count >= need:
                return True
        return False

    def by_prices(groups: list) -> list:  # the groups showing the most prices first (stable)
        return sorted(groups, key=lambda g: -sum(offer(c) and shows[c] == "price" for c, _ in g))

    groups = [g for g in _card_groups(block, links) if enough(g) or _product_thumbs(g, links)]
    # Ordered by prices shown only where the order matters: the rails beside the main list go
    # first (ordering, then filtering, keeps the same order), so a long list whose other
    # groups are rails has the rest of its cards read once, by read_card, not tested first.
    if len(groups) > 1:
        lengths = [len(g) for g in groups]
        if lengths.count(max(lengths)) > 1:  # the main list is the first longest in that order
            groups = by_prices(groups)
        if not cardtext.home_page(base):  # a home page's carousels are its offers
            main = max(groups, key=len)
            groups = [g for g in groups if g is main or not _in_rail(g[0][0])]
    groups = by_prices(groups) if len(groups) > 1 else groups
    out: dict[str, dict] = {}
    for group in groups:
        for card, link in group:
            if link in out and out[link]["price_amount"] is not None:
                continue
            item = read_card(card, link, links, texts.get(card))
            if item["title"] and (_COUNTER_TITLE.search(item["title"])
                                  or _CALL_TO_ACTION.match(item["title"])):
                continue  # an offer counter, a saving badge, a sort control: not a product
            if item["title"] and (link not in out or item["price_amount"] is not None):
                out[link] = {**item, "url": url_of.get(link, link)}
    return list(out.values())


# Behind a look-ahead on their first characters and without IGNORECASE (fastre.guarded): the
# same matches, found faster on every card of a long list.
(_RAIL, _COUNTER_TITLE, _CALL_TO_ACTION, _NET, _GROSS, _OLD, _NOT_ITEM,
 _SHIPPING_NOTE, _LIST_PRICE, _DELIVERY_HEADER) = (fastre.guarded(rx) for rx in (
    _RAIL, _COUNTER_TITLE, _CALL_TO_ACTION, _NET, _GROSS, _OLD, _NOT_ITEM,
    _SHIPPING_NOTE, _LIST_PRICE, _DELIVERY_HEADER))
