"""The company behind any page: its name and contacts, wherever the site shows them.

Name: schema.org Organization (JSON-LD or microdata), `og:site_name`, the logo's alt/title
text, the site's part of `<title>`, then the copyright line. Contacts: `tel:`/`mailto:`/
WhatsApp/Telegram/Skype/WeChat links, labelled phone and e-mail values, and phones, e-mails and
handles written in the header, footer, contact and address blocks. Registration and licence
numbers (ICP备, 营业执照, VAT, NIP, ...) are never phones.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

import lxml.etree

from scrapers.parsers import fastre, product, regions, vocab, wallets
from scrapers.parsers import fields as f

_ORG_TYPES = {"Organization", "Corporation", "LocalBusiness", "Store", "OnlineStore",
              "WholesaleStore"}


def _org(objects: list[dict]) -> dict:
    for o in objects:
        kind = o.get("@type")
        kinds = set(kind if isinstance(kind, list) else [kind])
        if kinds & _ORG_TYPES:
            return o
    return {}


def _logo_name(root) -> str | None:
    for img in root.xpath("//img[contains(translate(concat(@class,' ',@id,' ',@src,' ',@alt),"
                          "'LOGO','logo'),'logo')]"):
        for attr in ("alt", "title"):
            value = f.clean(img.get(attr))
            if value and value.lower() not in ("logo", "site logo") and len(value) < 80:
                return re.sub(r"\s*(?:logo|®)\s*$", "", value, flags=re.I).strip() or None
    return None


def _copyright_name(text: str) -> str | None:
    m = re.search(r"(?:copyright|©|\(c\))\s*(?:©\s*)?(?:\d{4}\s*(?:[-–]\s*\d{4})?\s*)?"
                  r"([A-Z][\w&.,' -]{2,60}?)(?:\s*(?:all rights|\.\s|,\s*inc|\||$))",
                  text, re.I | re.M)
    return f.clean(m.group(1)).strip(" .,") if m else None


def _key(text: str | None) -> str:
    """A name's letters and digits, lower-cased and without accents ('Vsezaoči' is the
    'vsezaoci' of its domain and of a title that writes it without the háček)."""
    folded = unicodedata.normalize("NFKD", (text or "").lower())
    return re.sub(r"\W+", "", "".join(c for c in folded if not unicodedata.combining(c)))


_LEGAL = re.compile(
    r"^(?:(?-i:[A-Z0-9])[\w&.,'()\- ]{1,70}?[\s,]+(?:co\.,?\s*ltd\.?|company limited|corporation|"
    r"corp\.|inc\.?|llc|l\.l\.c\.|gmbh|ag|s\.a\.|s\.l\.|s\.r\.l\.|sp\. z o\.o\.|ltd\.?|limited|"
    r"b\.v\.|pvt\. ltd\.?)|[\u4e00-\u9fff][\u4e00-\u9fff（）()]{1,30}有限公司|ООО .{2,60})$", re.I)


def seller(block) -> str | None:
    """A company's legal name standing alone in the page's own content: on a marketplace
    page, the seller (the site itself is the platform). Several different names (a list of
    suppliers or suggested companies) name no one seller."""
    names = f.unique(x for x in regions.lines(block) if len(x) <= 80 and _LEGAL.match(x))
    if names:  # the companies a cookie-consent dialog lists ("Meta Platforms, Inc.") sell nothing
        consent = _consent_lines(block)
        names = [x for x in names if x not in consent]
    return names[0] if len(names) == 1 else None


# A cookie-consent dialog (Cookiebot, OneTrust, a CMP): it names the providers whose cookies the
# site sets ("Google LLC", "Meta Platforms, Inc."), not the seller.
_CONSENT = lxml.etree.XPath(
    ".//*[re:test(concat(@id, ' ', @class), "
    "'cookie|consent|gdpr|onetrust|cybot|(^|[ _-])cmp', 'i')]",
    namespaces={"re": "http://exslt.org/regular-expressions"})


def _consent_lines(block) -> set[str]:
    """Lines of the outermost consent dialogs (their nested parts match too: read once)."""
    found = _CONSENT(block)
    inside = set(found)
    outer = [el for el in found if not any(a in inside for a in el.iterancestors())]
    return {x for el in outer for x in regions.lines(el)}


def name(root, objects: list[dict], domain: str | None = None) -> str | None:
    """The company's name as the site shows it: a seller's legal name standing alone in the
    page's content (a marketplace page), else the candidate (Organization data, og:site_name,
    the logo's text, the parts of `<title>` other than the page's own heading, the copyright
    line) that most places on the page repeat, the registered domain counting as one; ties go
    to that order."""
    shown = seller(regions.main_block(root))
    if shown:
        return shown
    org = f.clean(str(_org(objects).get("name") or "")) or None
    site = product.site_name(root)
    logo = _logo_name(root)
    chrome = regions.chrome_text(root)
    copyright_ = _copyright_name(chrome)
    title = f.first(root, "//title") or ""
    heading = _key(f.first(root, "//h1"))
    parts = [p.strip() for p in re.split(r"\s+[|–—-]\s+|\s*[|｜]\s*", title) if p.strip()]
    if len(parts) == 1:  # "某某化工网，找化工，更方便！", "Acme,chemicals from all over the world"
        parts = [p.strip() for p in re.split(r"\s*[，,]\s*", title) if p.strip()]
    titled = [p for p in (parts[-1], parts[0]) if len(parts) > 1 and len(p) <= 60
              and _key(p) and _key(p) not in heading] if parts else []
    # "Search results on Example.de for: ...": the site named by its own domain in the title
    written = re.search(rf"(?<![\w.])({re.escape(domain)}\.[a-z]{{2,6}}(?:\.[a-z]{{2}})?)(?![\w.])",
                        title, re.I) if domain and len(domain) > 2 else None
    if not written and domain and len(domain) > 2:  # "Shopname24.ee" alone in the header
        written = re.search(rf"^({re.escape(domain)}(?:\.[a-z]{{2,6}}){{0,2}})$", chrome,
                            re.I | re.M)
    candidates = [c for c in (org, site, logo, *titled, copyright_,
                              written.group(1) if written else None) if c and _key(c)]
    if not candidates:
        return None
    sources = [_key(x) for x in (org, site, logo, title, copyright_, chrome, domain) if x]

    def support(candidate: str) -> int:
        key = _key(candidate)
        return sum(1 for src in sources if key in src or (len(src) > 3 and src in key))

    best = max(candidates, key=lambda c: (support(c), -candidates.index(c)))
    # a word of the site's name ('Springfield', the city in the <title>) is not the name when a
    # candidate holds it whole together with the domain ('UsedSpringfield.com', og:site_name)
    fuller = [c for c in (org, site, logo) if c and domain and len(domain) > 3
              and _key(domain) in _key(c)
              and len(_key(c)) <= len(_key(domain)) + 4  # the domain written out, no more
              and _key(best) in _key(c) and _key(best) != _key(c)]
    return fuller[0] if fuller and best in titled and _key(domain) not in _key(best) else best


def _not_registration(text: str) -> str:
    """`text` with registration/licence numbers blanked: the label's line, and the next line
    when the label stands alone on its own."""
    out, blank_next = [], False
    for line in text.split("\n"):
        hit = vocab.REGISTRATION.search(line)
        out.append("" if hit or (blank_next and line.strip()) else line)
        if line.strip():
            blank_next = bool(hit) and not re.search(r"\d{5,}", line)
    return "\n".join(out)


_HOURS = re.compile(r"^\d{1,2}[.:]\d{2}\s*[-–]\s*\d{1,2}[.:]\d{2}$")
# A number the page asks the reader to call, wherever it stands ("call us on 1890 400 001",
# "Shop by Phone - Call 1-800-284-8155", "客服專線：(02)2711-1758"): the site's own line.
_CALL = re.compile(
    r"(?:\bcall(?:\s+us)?(?:\s+(?:on|at|free))?|\bappelez(?:-nous)?(?:\s+le)?|"
    r"\bllámenos(?:\s+al)?|\bllame\s+al|\bchiamaci(?:\s+al)?|\bligue(?:-nos)?(?:\s+para)?|"
    r"\bzadzwoń(?:\s+pod)?|客服專線|客服专线|客服電話|客服电话|服務專線|服务热线)"
    r"\s*[:：]?\s*(\+?\(?\d[\d ()\-.]{6,}\d)", re.I)
_CALL = fastre.guarded(_CALL)  # same matches, skipping ahead by the first characters
# An address the page asks the reader to write to ("envia um email para: clientes@…", "email
# us at …", "écrivez-nous à …"), wherever it stands: the site's own, like a number to call.
_WRITE = re.compile(
    r"(?:\be-?mail(?:\s+us)?\s+(?:to|at|para|an|à|a|do|na)|\bwrite\s+to\s+us(?:\s+at)?|"
    r"\bécrivez(?:-nous)?\s+à|\bescr[íi]b(?:enos|anos)\s+a|\bschreiben\s+sie\s+uns\s+an|"
    r"\bnapisz\s+do\s+nas\s+na|\bscrivici\s+a)\s*[:：]?\s*([\w.+-]+@[\w-]+(?:\.[\w-]+)+)", re.I)


def _phone_like(candidate: str) -> bool:
    """A phone number, not opening hours, a bank account or a zero-padded register number."""
    digits = re.sub(r"\D", "", candidate)
    return bool(not _HOURS.match(candidate.strip()) and 7 <= len(digits) <= 15
                and not digits.startswith("000"))


_URL_IGNORED = str.maketrans("", "", "\t\r\n")  # characters urlsplit drops before it parses


def _messenger_host(href: str) -> bool:
    """False when `href`'s host cannot be a messenger's (wa.me, *.whatsapp.com, t.me,
    telegram.me): a long list's other links skip the URL parse."""
    key = href.translate(_URL_IGNORED).lower()  # urlsplit's hostname is a lowered substring
    return any(name in key for name in ("wa.me", "whatsapp.com", "t.me", "telegram.me"))


def _visible_text(root) -> str:
    """The page's text without scripts and styles, in one pass (an XPath with an ancestor
    test per text node costs minutes on a 20,000-card page)."""
    body = root.find(".//body")
    parts = []
    for el in (body if body is not None else root).iter():
        if isinstance(el.tag, str) and el.tag not in ("script", "style") and el.text:
            parts.append(el.text)
        if el.tail:
            parts.append(el.tail)
    return " ".join(parts)


def contacts(root, block_text: str | None = None) -> dict:
    """Phones, e-mails, messaging handles and an address from the whole page."""
    shown = block_text if block_text is not None else regions.chrome_text(root)
    chrome = _not_registration(shown)  # a licence line blanks its numbers, not its e-mail
    found = regions.pairs(root)
    phones = [p for _, label, v in found if _ == "phone" for p in f.phones(v)
              if not vocab.REGISTRATION.search(label)]
    phones += f.phones(chrome)
    phones += [p for m in _CALL.finditer(_visible_text(root)) for p in f.phones(m.group(1))]
    emails = f.emails(shown) + [e for k, _, v in found if k == "email" for e in f.emails(v)]
    emails += [e for m in _WRITE.finditer(_visible_text(root)) for e in f.emails(m.group(1))]
    handles = f.handles(chrome)
    seen: set[str] = set()  # what a repeated href adds is there already (all made unique below)
    for href in (a.get("href") for a in root.iter("a")):
        if href is None or href in seen:
            continue
        seen.add(href)
        href = str(href).strip()
        if href[:1] == "/" and not href.translate(_URL_IGNORED).startswith("//"):
            continue  # a path on this site: no scheme, no messenger's host
        scheme = href.split(":", 1)[0].lower()
        if scheme == "tel":
            phones += f.phones(unquote(href[4:]))
        elif scheme == "mailto":
            emails += f.emails(unquote(href[7:].split("?")[0]))
        elif scheme in ("skype", "weixin", "tg"):
            service = {"skype": "skype", "weixin": "wechat", "tg": "telegram"}[scheme]
            handle = re.sub(r"\?.*$", "", href.split(":", 1)[1]).strip("/")
            if handle:
                handles.setdefault(service, []).append(handle)
        elif _messenger_host(href):
            host = urlsplit(href).hostname or ""
            m = re.search(r"(?:wa\.me/|phone=)\+?(\d{7,15})", href)
            if host in ("wa.me", "api.whatsapp.com", "web.whatsapp.com") and m:
                handles.setdefault("whatsapp", []).append(m.group(1))
            elif host in ("t.me", "telegram.me") and urlsplit(href).path.strip("/"):
                handles.setdefault("telegram", []).append(urlsplit(href).path.strip("/"))
    im_numbers = {re.sub(r"\D", "", x) for x in handles.get("qq", [])}
    phones = [p for p in f.unique(phones)
              if re.sub(r"\D", "", p) not in im_numbers and _phone_like(p)]
    address = regions.pick(found, "address") or f.first(root, "//address")
    # Payment addresses can stand anywhere (a product's "Pay with BTC/USDT" box, an order page):
    # the whole page is read, and only checksum-valid addresses are kept.
    for chain, addresses in wallets.wallets(root.text_content()).items():
        handles.setdefault(chain, []).extend(addresses)
    return {"phones": _dedupe_digits(phones), "emails": f.unique(e.lower() for e in emails),
            "handles": {k: f.unique(v) for k, v in handles.items()}, "address": address}


def _dedupe_digits(phones: list[str]) -> list[str]:
    seen, out = set(), []
    for p in phones:
        key = re.sub(r"\D", "", p)[-9:]
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
