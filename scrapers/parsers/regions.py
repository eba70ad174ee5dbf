"""Where things are on a page: the product block, its visible lines and its labelled values.

`main_block(root)` is a copy of the page without site chrome (header, footer, navigation, menus,
sidebars, cookie and newsletter boxes, modals) and without related-product sections ("You may also
like", "Customers also viewed"): what a person reads as the page's own content. `lines()` gives
its visible text one line per block element; `pairs()` reads label/value pairs from table cells
(side by side or one row above the other), definition lists, adjacent elements and
"Label: value" lines, keyed by the field the label names (`vocab.field_of`).
"""

from __future__ import annotations

import copy
import functools
import re
from urllib.parse import urlsplit

from scrapers.parsers import fastre, offers, vocab
from scrapers.parsers import fields as f

_CHROME = re.compile(
    r"(?:^|[\s_-])(?:header|footer|navbar|nav|menu|megamenu|sidebar|breadcrumbs?|cookie|"
    r"newsletter|modal|popup(?:content|box|wrap(?:per)?|container)?|offcanvas|mini-?cart|topbar|"
    r"top-bar|site-header|site-footer)"
    r"(?:$|[\s_-])", re.I)
_RELATED = re.compile(  # one class or id token: a related-products section, not "price-related"
    r"^(?:related|upsells?|up-sells|cross-?sells?|recommend|similar|also|recently|viewed|"
    r"you-?may|others-?also|ostatnio|product-slider)|related[-_]?products?|also[-_]?(?:like|"
    r"viewed|bought)|recent(?:ly)?[-_]?viewed", re.I)
_RELATED_HEADINGS = re.compile(
    r"you may also like|related products|customers also|customers who bought|recently viewed|"
    r"similar (?:products|items)|we also recommend|other offers|"
    r"frequently bought|ähnliche|zubehör|kunden kauften auch|andere angebote|"
    r"ostatnio oglądane|podobne produkty|inne oferty|productos relacionados|productos similares|"
    r"también te puede interesar|otras ofertas|produits similaires|vous aimerez aussi|"
    r"autres offres|articoli simili|prodotti (?:correlati|simili)|potrebbe interessarti|"
    r"ha(?:nno)? (?:acquistato|visto) anche|altre offerte|cump[aă]rate frecvent|"
    r"produtos (?:relacionados|similares)|"
    r"vergelijkbare producten|anderen bekeken ook|îți mai recomandăm|iti mai recomandam|"
    r"produse similare|alte oferte|podobné produkty|súvisiace produkty|související produkty|"
    r"podobni izdelki|sarnased tooted|līdzīgas preces|ar šo preci|похожие товары|"
    r"подобные товары|с этим товаром (?:покупают|смотрят)|сопутствующие товары|"
    r"другие предложения|相关产品|推荐产品|猜你喜欢|其它您可能感兴趣", re.I)


_SCREEN_READER = frozenset(("a-offscreen", "sr-only", "screen-reader-text", "visually-hidden",
                            "visuallyhidden", "screenreader-only", "sr-text"))
_XML_SPACE = re.compile(r"[ \t\r\n]+")  # what XPath's normalize-space() collapses


def _screen_reader(el) -> bool:
    """A class token names text for screen readers only (the tokens XPath's
    `contains(concat(' ', normalize-space(@class), ' '), ' sr-only ')` finds)."""
    cls = el.get("class")
    return bool(cls) and not _SCREEN_READER.isdisjoint(_XML_SPACE.split(cls))


def _attrs(el) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''} {el.get('role') or ''}"


def _holds_main(el) -> bool:
    """The page's main landmark (or an element around it) is content whatever its classes say
    ("nav_redesign ... role=main" on a marketplace's result column)."""
    if el.tag in ("header", "footer", "nav", "select", "option", "button"):
        return False
    return el.get("role") == "main" or bool(el.xpath(".//main|.//*[@role='main']"))


def _holds_heading(el) -> bool:
    """A box named like chrome ("detail-header", "page-header") that holds the page's h1 is the
    content's own heading block (name, breadcrumbs, price), not the site's header; an h1 that
    is only the logo (an image, a link home) does not make it so."""
    return any(not h1.xpath(".//img") and not any(urlsplit(str(h)).path in ("", "/")
                                                  for h in h1.xpath(".//a/@href"))
               for h1 in el.iter("h1"))


_BUY_CONTROL = re.compile(r"add[-_]?to[-_]?(?:cart|basket|bag)|addtocart|add_cart|buy[-_]?now|"
                          r"btn-buy|buy-button|buy-?box", re.I)
_BAR_WORDS = frozenset(("header", "footer", "navbar", "nav", "sidebar", "topbar", "top-bar"))


def _buy_box(el, chrome_word: str) -> bool:
    """A short box named like a page bar ("details-footer" under the product's details, a
    sticky "navbar-holder") that shows a price and holds the buy button is the product's own
    buy box, not the site's chrome. Modals, pop-ups and mini-carts stay chrome."""
    if chrome_word.strip(" _-").lower() not in _BAR_WORDS:
        return False
    text = f.text(el) or ""
    if len(text) > 400 or not offers.amounts(text):
        return False
    return any(isinstance(x.tag, str) and _BUY_CONTROL.search(f"{_attrs(x)} {x.get('name') or ''}")
               for x in el.iter())


_TITLE_TAGS = frozenset(("div", "span", "p", "strong", "b", "td", "em", "label"))
_HEADING_TAGS = frozenset(("h2", "h3", "h4", "h5", "h6"))
_CHROME_TAGS = frozenset(("header", "footer", "nav", "aside", "select", "option", "button"))
_BOX_TAGS = frozenset(("div", "section", "ul", "ol"))
_DIGIT = re.compile(r"\d")


def _related_heading(el) -> bool:
    """A heading or a short title element naming a related-products or other-offers section
    ("You may also like", "Articoli simili", "Подобные товары", "Alte oferte")."""
    if el.tag in _HEADING_TAGS:
        return bool(_RELATED_HEADINGS.search(f.text(el) or ""))
    if el.tag not in _TITLE_TAGS or not el.text:
        return False  # links and lists are never section titles: most of a long page
    own = el.text.strip()  # a title element's own words, not its whole subtree
    return 0 < len(own) <= 60 and not _DIGIT.search(own) and bool(_RELATED_HEADINGS.search(own))


def _section_of(heading):
    """The section a heading titles: the nearest ancestor holding more than the heading (and
    the elements that merely wrap it), when it opens with that heading. A section that holds
    the page's h1, or in which the heading stands after other content, is not the heading's
    own: then the heading alone goes."""
    title = f.text(heading) or ""
    node = heading
    while node.getparent() is not None and len(f.text(node.getparent()) or "") <= len(title) + 20:
        node = node.getparent()
    section = node.getparent()
    if section is None or section.tag in ("body", "html", "main") or section.xpath(".//h1") \
            or not (f.text(section) or "").startswith(title[:20]):
        return node
    return section


@functools.lru_cache(maxsize=2)  # the listings and the company read the same page's block
def main_block(root):
    """A copy of the page's own content (chrome and related-product sections removed); shared
    by its readers, who never change it."""
    body = root.find(".//body")
    block = copy.deepcopy(body if body is not None else root)
    drop, hidden = [], []
    for el in block.iter():  # (the tests inlined: a long list has hundreds of thousands)
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if el is not block and _screen_reader(el):
            hidden.append(el)
        chrome = tag in _CHROME_TAGS
        named = boxed = None
        if tag in _BOX_TAGS:
            attrs = _attrs(el)
            named = _CHROME.search(attrs)
            boxed = named or any(_RELATED.search(t) for t in attrs.split())
        if (chrome or boxed) and not _holds_main(el) and not (boxed and _holds_heading(el)) \
                and not (named and _buy_box(el, named.group())):
            drop.append(el)
        elif (tag in _HEADING_TAGS or (tag in _TITLE_TAGS and el.text)) and _related_heading(el):
            drop.append(_section_of(el))
    for el in drop:
        if el.getparent() is not None and el is not block:
            el.drop_tree()
    for el in hidden:  # text for screen readers only ("[Sponsored]"), unless dropped above
        if el.getparent() is not None:  # (one inside a dropped section went with it)
            el.drop_tree()
    return block


# ("elementor-hidden-phone", "visible-phone": a block hidden or shown on phones, not a phone
# block; the <body>'s classes name the page's layout, "desktop-header-style-2", not a block)
_CHROME_BLOCK = re.compile(
    r"header|footer|(?:^|\s)foot\d*(?:\s|$)|contact|kontakt|address|copyright|top-?bar|"
    r"^top$|(?<!hidden-)(?<!visible-)(?<!hide-on-)(?<!show-on-)phone|hotline|telephone|call-?us",
    re.I)


@functools.lru_cache(maxsize=2)  # the company's name and its contacts read the same page's
def chrome_text(root) -> str:
    """Text of the site chrome (header, footer, contact and address blocks)."""
    parts = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in ("header", "footer", "address"):
            parts.append(el.text_content())
            continue
        cls, id_, role = el.get("class"), el.get("id"), el.get("role")
        if el.tag == "body" or not (cls or id_ or role):
            continue  # (most elements of a long list: no label to read; the body's names layout)
        label = f"{cls or ''} {id_ or ''} {role or ''}".strip()
        if label and _CHROME_BLOCK.search(label):
            parts.append(el.text_content())
    return "\n".join(parts)


def lines(el) -> list[str]:
    """Visible non-empty lines of an element (block boundaries are line breaks)."""
    return text_lines(el.text_content())


def text_lines(text: str | None) -> list[str]:
    """`lines(el)` from `el.text_content()` when the caller has read it already."""
    # f.clean of each non-blank piece, inline (a long list has hundreds of thousands)
    return [" ".join(s.split()) for s in (text or "").split("\n") if s and not s.isspace()]


_LABEL_LINE = re.compile(r"^([^:：]{1,40}?)\s*[:：]\s*(.+)$")
# A contact label later in a line starts another labelled value ("联系人：张先生 Tel：0571-…").
_SEGMENT = re.compile(r"\s(?=(?:tel|phone|mobile|fax|e-?mail|电话|手机|传真|邮箱)\.?\s*[:：])",
                      re.I)


def pairs(block, text_lines: list[str] | None = None) -> list[tuple[str, str, str]]:
    """(field, label, value) for every labelled value in `block`, in page order (`text_lines`:
    `lines(block)`, when the caller has read them already)."""
    out: list[tuple[str, str, str]] = []

    def add(label: str | None, value: str | None) -> None:
        field = vocab.field_of(label)
        value = f.clean(value)
        if field and value and len(value) < 300:
            out.append((field, f.clean(label) or "", value))

    for row in block.iter("tr"):
        cells = [c for c in row if isinstance(c.tag, str) and c.tag in ("th", "td")]
        if len(cells) >= 2 and len(cells) % 2 == 0 and vocab.field_of(f.text(cells[0])):
            for i in range(0, len(cells), 2):
                add(f.text(cells[i]), f.text(cells[i + 1]))
        elif len(cells) == 1 and vocab.field_of(f.text(cells[0])):
            nxt = row.getnext()  # label in one row, its value in the next
            if nxt is not None and nxt.tag == "tr" and len(nxt) == 1:
                add(f.text(cells[0]), f.text(nxt[0]))
    for dt in block.iter("dt"):
        dd = dt.getnext()
        if dd is not None and dd.tag == "dd":
            add(f.text(dt), f.text(dd))
    text_lines = lines(block) if text_lines is None else text_lines
    for i, line in enumerate(text_lines):
        # Both patterns need a colon: most lines of a long list have none and skip them.
        colon = ":" in line or "：" in line
        m = _LABEL_LINE.match(line) if colon else None
        segments = _SEGMENT.split(line) if colon and _SEGMENT.search(line) else ()
        if len(segments) > 1:
            for seg in segments:
                sm = _LABEL_LINE.match(seg.strip())
                if sm and vocab.field_of(sm.group(1)):
                    add(sm.group(1), sm.group(2))
        elif m and vocab.field_of(m.group(1)):
            add(m.group(1), m.group(2))
        elif vocab.field_of(line) and i + 1 < len(text_lines) and not vocab.field_of(
                text_lines[i + 1]) and not text_lines[i + 1].endswith((":", "：")):
            add(line, text_lines[i + 1])  # a label element followed by its value element
    return out


def pick(found: list[tuple[str, str, str]], field: str, check=None) -> str | None:
    """The first value labelled as `field` (that passes `check`, if given)."""
    for name, _, value in found:
        if name == field and (check is None or check(value)):
            return value
    return None


# Behind a look-ahead on their first characters and without IGNORECASE (fastre.guarded): the
# same matches, found faster on every element and line of a long page.
_CHROME, _RELATED, _RELATED_HEADINGS, _CHROME_BLOCK, _SEGMENT = (fastre.guarded(rx) for rx in (
    _CHROME, _RELATED, _RELATED_HEADINGS, _CHROME_BLOCK, _SEGMENT))
