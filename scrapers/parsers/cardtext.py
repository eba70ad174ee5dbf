"""What a product card shows besides its name: discount badges, and prices a shop strikes
through with a style class instead of a <del>.

Small rules the card reader (`cards.read_card`) asks about one card at a time:

- A badge ("-37%", "−5%", "-50,00 €", "SALE", "UUS") printed first in a card that is one big
  link is not the product's name; the card's heading (or its next line) names the product.
- A link after a seller's label ("Agent: DNG Stack", "Sold by Acme", "Verkäufer: X") leads to
  the seller's page, not to the card's product.
- A price inside a box classed as the old price (Magento's `<p class="old-price"><span
  class="price">`, after "Tavahind:" / "Regular Price:") is the list price, not a range's end.
- A site's home page ("/", a language root "/et/", "/en-gb/") shows its offers in carousels:
  there they are the page's listings, not a rail of recommendations beside a result list.
- A price a shop shows struck through by a class ("line-through", "old-price", Tailwind's
  `line-through` utility) is the list price the offer is compared with, never the high end of a
  range, also when no element of the card is classed as a price.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import lxml.etree

from scrapers.parsers import offers, regions

# A discount or novelty badge: a percentage or an amount taken off, or one word of the kind.
BADGE = re.compile(
    r"^(?:[-−–]\s*\d{1,3}(?:[.,]\d+)?\s*%(?:\s*(?:off|rabatt?|alennus|soodus))?|"
    r"\d{1,3}\s*%\s*(?:off|rabatt?|alennus|soodus|zniżki|de réduction)|"
    r"[-−–]\s*\d[\d\s.,]*\s*(?:€|eur|\$|£|kr|zł|lei|kč)|"
    r"(?:sale|new|neu|nouveau|nuevo|novo|nowość|uus|uusi|hot|top|soodus!?|akcija|akce|"
    r"promo|special|bestseller|aktion)!?)$", re.I)
_HEADING = lxml.etree.XPath(".//h2|.//h3|.//h4|.//h5|.//h6")


def is_badge(text: str | None) -> bool:
    """True for a badge's whole text ("-37%", "−5%", "-50,00 €", "SALE")."""
    return bool(text) and BADGE.match(text.strip()) is not None


def name_in_link(a) -> str | None:
    """The product's name in a link whose first line is a badge: the heading inside the link,
    else its first line that is neither a badge nor a price nor a stock note."""
    for h in _HEADING(a):
        text = " ".join(h.text_content().split())
        if text and not is_badge(text):
            return text
    for line in regions.text_lines(a.text_content()):
        if len(line) >= 3 and not is_badge(line) and not offers.amounts(line) and \
                re.search(r"[^\W\d_]{2}", line):
            return line
    return None


def unstruck_text(card, struck: Callable[[object], bool]) -> str | None:
    """The card's text without the elements `struck` marks as crossed-out prices (None when the
    card has none): what a price range is read from when no element is classed as a price."""
    marked = [el for el in card.iterdescendants() if isinstance(el.tag, str) and struck(el)]
    if not marked:
        return None
    parts: list[str] = []

    def walk(el) -> None:
        if el in marked_set:
            if el.tail:
                parts.append(el.tail)
            return
        if isinstance(el.tag, str) and el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if el is not card and el.tail:
            parts.append(el.tail)

    marked_set = set(marked)
    walk(card)
    return "".join(parts)


# The label before a link to whoever sells the card's offer.
_SELLER_LABEL = re.compile(
    r"(?:\bagent|\bseller|\bsold by|\bdealer|\bvendor|\bverkäufer|\bhändler|\banbieter|"
    r"\bvendeur|\bvendu par|\bvendedor|\bvendido por|\bvenditore|\bvenduto da|\bsprzedawca|"
    r"\bprodejce|\bпродавец|\bмагазин|卖家|商家|店铺|賣家)\s*[:：]?\s*$", re.I)


def seller_link(a) -> bool:
    """True for a link that the text just before it labels as the seller ("Agent: <a>")."""
    prev = a.getprevious()
    before = (prev.tail if prev is not None else (a.getparent().text
                                                  if a.getparent() is not None else None))
    return bool(before) and _SELLER_LABEL.search(before[-40:]) is not None


_LANGUAGE_ROOT = re.compile(r"/(?:[a-z]{2}(?:[-_][a-z]{2})?/?)?(?:index\.\w{3,4})?", re.I)


def home_page(url: str) -> bool:
    """True for a site's home page: "/", "/et/", "/en-gb/", "/index.php" (no query)."""
    parts = urlsplit(url)
    return not parts.query and _LANGUAGE_ROOT.fullmatch(parts.path or "/") is not None


# A box holding the crossed-out list price ("regular" is left out: Magento writes the current
# price of an undiscounted product in a "regular-price" box).
_OLD_BOX = re.compile(r"(?:^|[\s_-])(?:old|was|before|crossed|strike|striked|strikethrough|"
                      r"line-?through)(?:$|[\s_-])|price[-_]*(?:old|was|before)", re.I)


def in_old_price_box(node, depth: int = 2) -> bool:
    """True when one of the price element's nearest boxes is classed as the old price."""
    for anc in node.iterancestors():
        if depth == 0:
            return False
        depth -= 1
        if _OLD_BOX.search(anc.get("class") or ""):
            return True
    return False
