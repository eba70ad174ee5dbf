"""What kind of page a listing is, from the page's own signals, before asking what it sells.

`page_kind(listing, vocab)` answers one of `KINDS`:
- `offer` / `catalogue`: a vendor page (commerce cues: price, pack size, order quantity, stock,
  inquiry, supplier identity; a catalogue also lists many products);
- `sds`: a safety data sheet (its section structure, composition table, "safety data sheet");
- `regulation`: legal or customs text (statute enumerations, schedules, tariff headings);
- `article`: news, encyclopaedia, market report, dictionary entry;
- `forum`: forum posts, mailing lists, blogs;
- `other`: association pages and the like.

Only offers and catalogues can offer a substance; on an SDS the product named in its
identification (title, product name) is the subject and the composition table only mentions;
every other kind only mentions. A listing with no cue at all is an offer (that is what a
crawler collects). The vocabulary (phrases with a kind and a weight) is `chem/data/page_kinds.csv`,
loaded once by `chem.knowledge` and passed in; nothing here reads files.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

from chem.genre_entry import ENTRY_KINDS, EntryForms, entry_cues

OFFER, CATALOGUE, SDS, REGULATION, ARTICLE, FORUM, OTHER = (
    "offer", "catalogue", "sds", "regulation", "article", "forum", "other")
KINDS = (OFFER, CATALOGUE, SDS, REGULATION, ARTICLE, FORUM, OTHER)
CAN_OFFER = frozenset({OFFER, CATALOGUE, SDS})
_OFFERED, _MENTION = "offered", "mention"  # the segment roles of chem.subject
_SCORED = ("commerce", SDS, REGULATION, ARTICLE, FORUM, OTHER)
_NOT_A_PAGE_KIND = ("title_topic", "sds_product_label", "title_question")
SDS_MIN = 5  # two strong SDS cues (or an SDS title): a page that only links its SDS is no SDS
GENRE_MIN = 3  # a non-commerce genre needs this much to outweigh the default (offer)
MAX_CHARS = 20_000

# Structure, not vocabulary: SDS section numbering, a composition row (CAS number then a
# concentration), statute enumerations, a dateline, a price with a currency.
_SDS_SECTION = re.compile(r"(?im)^\s*(?:section\s*)?(?:1[0-6]|[1-9])\s*[.:)]\s*"
                          r"(?:identification|hazard|composition|first[- ]aid|fire|accidental|"
                          r"handling|exposure|physical|stability|toxicolog|ecolog|disposal|"
                          r"transport|regulatory|other information)")
_COMPOSITION_ROW = re.compile(r"\b\d{2,7}-\d{2}-\d\b[^\n\d]{0,12}(?:[<>≤≥]?\s*\d{1,3}(?:[.,]\d+)?"
                              r"\s*(?:-|–|to)\s*\d{1,3}(?:[.,]\d+)?|\d{1,3}[.,]\d+)")
_ENUMERATION = re.compile(r"(?m)^\s*\(\s*(?:[a-z]{1,2}|\d{1,2})\s*\)\s+\S")
# "SINGAPORE (ICIS news)--Indian acetone has ...", "CHARLESTON, WV – On October 27": a place in
# capitals at a line start, an agency in brackets, a dash, then a sentence (not "INC -- ACETONE").
_DATELINE = re.compile(r"(?m)^[A-Z][A-Z]{2,}(?:,?[ ][A-Z]{2,})*\s*(?:\([^)\n]{2,30}\))?\s*"
                       r"(?:--|—|–|:)\s*(?:The\s|[A-Z][a-z])")
# A price, not a market figure ("$1.5m", "USD 21.45 Billion", "$1,040/tonne").
_PRICE = re.compile(r"(?:[$€£¥]\s?\d[\d,.]*|\d[\d,.]*\s?(?:€|usd|eur|rmb|rs\.?|inr))(?![\d,.])"
                    r"(?!\s*(?:m\b|bn|million|billion|crore|lakh|/\s*t|/\s*tonne|/\s*mt|"
                    r"per tonne|/yr))", re.IGNORECASE)
# A blog post's date line, a weekday then a date on a line of its own, as blog platforms print it
# in the writer's language ("Tuesday, August 17, 2010", "Monday, 23 April 2012", "jueves, 7 de
# mayo de 2009", "quinta-feira, 7 de maio de 2009", "Dienstag, 17. August 2010", "mardi 7 mai
# 2009", "giovedì 7 maggio 2009", "donderdag 7 mei 2009").
_WEEKDAYS = ("monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
             "lunes|martes|miércoles|jueves|viernes|sábado|domingo|"
             "segunda-feira|terça-feira|quarta-feira|quinta-feira|sexta-feira|"
             "montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|"
             "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
             "lunedì|martedì|mercoledì|giovedì|venerdì|sabato|"
             "maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag")
_POST_DATE = re.compile(rf"(?im)^\s*(?:{_WEEKDAYS}),?\s+(?:\d{{1,2}}\.?\s+(?:de\s+)?[^\W\d_]{{3,}}"
                        rf"|[^\W\d_]{{3,}}\s+\d{{1,2}}),?\s+(?:de\s+)?\d{{4}}\s*$")
# A dictionary or encyclopaedia headword: a pronunciation guide ("Acetone, << AS uh tohn, >>",
# "/tol"yooh een'/, n. Chem.") or an etymology dated in brackets ("[1870-75; TOLU + -ENE]").
_HEADWORD = re.compile(r"<<\s*[A-Za-z][^<>\n]{1,40}>>|^\s*/[^/\n]{2,40}/,?\s*(?:n|adj|v)\.\s"
                       r"|\[\d{4}(?:[-–]\d{2,4})?;"
                       # Webster: "\Ac"e*tone\, n. [See Acetic.] (Chem.)"; "noun Chemistry."
                       r"|\\[^\\\n]{2,40}\\,?\s*(?:\([^)\n]{1,40}\)\s*,?\s*)?(?:n|adj|v)\."
                       r"|^\s*(?:noun|n\.)\s+(?:chem(?:istry)?|pharm(?:acy)?|med(?:icine)?)\."
                       # a field label before the definition, as science dictionaries print it:
                       # "(organic chemistry) C4H10O A colorless liquid", "<chemistry> A
                       # nitrogenous base", "[ORG CHEM] Reduction of nitro groups"
                       r"|^\s*(?:\((?:organic |inorganic |analytical |physical )?chemistry\)"
                       r"|<(?:organic |inorganic )?chemistry>"
                       r"|\[(?:org |inorg |analy |phys )?chem\])\s*\S"
                       # a lexicon entry's translation gloss on its own line: "Englisch:
                       # potassium permanganate", "English: acetone",
                       # ("Englischer Begriff: acetone")
                       r"|^\s*(?:englisch(?:er begriff)?|english(?: term)?|anglais|inglés|inglese"
                       r"|engels)\s*:\s*[^\W\d]",
                       re.M | re.I)
# A dictionary's etymology in brackets right after the headword: "E'THER, n. [L. aether; Gr.
# ...]", "γ-butyrolakton [řec. + lat.]" (looked for only in a text with a bracket).
_ETYMOLOGY = re.compile(r"(?m)^[^\n\[]{1,60}+\[(?:L|Lat|Gr|Gk|Fr|Ger|G|It|Sp|Ar|OE|ME|AS|řec|"
                        r"lat|něm|fr|angl|gr)\.[\s;+,]", re.I)
# A reference work's apparatus, which a vendor's copy of its prose leaves behind: numbered
# citation marks ("[2]", "[1,2]", "[a]") and the wiki's own markup ("== Production ==",
# "PreparationEdit" and "[edit | edit source]" section links).
# Not a locant or a fusion letter of a chemical name ("benzo[1,3]dioxole", "benz[a]anthracene",
# "[1,3]dioxolo"): a citation mark ends its word ("HCl[1],", "nature.[2]"), a locant runs on.
_CITATION = re.compile(r"(?<![-\[])\[(?:\d{1,3}(?:\s?[,–-]\s?\d{1,3})*|[a-z])\](?![\w-])")
_WIKI_HEADING = re.compile(r"(?m)^[ \t]*={1,4}[^=\n]{2,60}={1,4}[ \t]*$")
_EDIT_LINK = re.compile(r"(?m)\[edit(?:\s*\|\s*edit source)?\]"
                        r"|^[A-Z][a-z]+(?: [a-z]+){0,3}Edit[ \t]*$")
CITATIONS_STRONG = 3  # this many citation marks are a reference work whatever else the page has
# A pack size or a grade in the title ("Acetone 160kg Drum", "Hydrochloric Acid 250 Kg",
# "Toluene, HPLC Grade 99.8%", "toluene-180-kg-drum"): how a vendor names what it sells.
_TITLE_QUANTITY = re.compile(
    r"(?i)(?<![\w.])\d+(?:[.,]\d+)?[\s-]?(?:kgs?|g|gm|grams?|l|lt|ltr|litres?|liters?|ml|gal|"
    r"gallons?|lbs?|oz|tons?|mt)\b|(?<![\w.])\d{1,3}(?:[.,]\d+)?\s?%")
# A lab report or practical write-up (pharmacy and chemistry course notes): its own labels at
# line starts ("Aim: To prepare ...", "Requirements: ...", "Theory: ...", "Procedure:").
_LAB_LABEL = re.compile(r"(?im)^\s*(aim|object|objective|requirements|apparatus(?: required)?|"
                        r"chemicals required|theory|theoretical back ?ground|principle|procedure|"
                        r"observations?|inference|conclusion|precautions)\s*:")
LAB_LABELS_MIN = 3
# A mailing-list message: "From: <...>", "Subject: Re: ...", "Date: ..." header lines.
_MAIL_HEADER = re.compile(r"(?im)^(?:from|subject|date|to|sent):\s+\S")
_MANY_CAS = re.compile(r"\b\d{2,7}-\d{2}-\d\b")


@dataclass(frozen=True)
class PageVocab:
    """Cue phrases by kind with weights (lower case), plus the title-topic words and the SDS
    product labels, from page_kinds.csv. All cue phrases are compiled into one regex, so a page
    is scanned once whatever the number of kinds."""

    cues: dict[str, tuple[tuple[str, int], ...]]
    title_topics: tuple[str, ...]
    sds_product_labels: tuple[str, ...]
    kinds_of: dict[str, tuple[tuple[str, int], ...]]  # phrase -> ((kind, weight), ...)
    by_first: dict[str, tuple[tuple[tuple[str, ...], str], ...]]  # first token -> phrases
    unspaced: re.Pattern  # phrases of scripts written without spaces (价格, とは)
    title_questions: tuple[str, ...] = ()  # "what is", "was ist", "nedir": a title that asks
    topic_re: re.Pattern = re.compile(r"(?!)")  # the title topics, compiled once
    question_re: re.Pattern = re.compile(r"(?!)")  # the title questions, compiled once
    entry: EntryForms = EntryForms()  # a reference entry's labels (chem.genre_entry)

    @classmethod
    def load(cls, path: Path) -> PageVocab:
        groups: dict[str, list[tuple[str, int]]] = {}
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                kind = row["kind"].strip()
                if kind not in _SCORED and kind not in _NOT_A_PAGE_KIND + ENTRY_KINDS:
                    raise ValueError(f"{path.name}: unknown kind {kind!r}")
                groups.setdefault(kind, []).append((row["phrase"].strip().lower(),
                                                     int(row["weight"])))
        cues = {k: tuple(groups.get(k, ())) for k in _SCORED}
        topics = tuple(p for p, _ in groups.get("title_topic", ()))
        questions = tuple(p for p, _ in groups.get("title_question", ()))
        kinds_of: dict[str, list[tuple[str, int]]] = {}
        for kind, pairs in cues.items():
            for phrase, weight in pairs:
                kinds_of.setdefault(phrase, []).append((kind, weight))
        by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for phrase in kinds_of:
            if not _UNSPACED.search(phrase):
                toks = tuple(_TOKEN.findall(phrase))
                by_first.setdefault(toks[0], []).append((toks, phrase))
        unspaced = tuple(p for p in kinds_of if _UNSPACED.search(p))
        return cls(cues, topics,
                   tuple(p for p, _ in groups.get("sds_product_label", ())),
                   {p: tuple(v) for p, v in kinds_of.items()},
                   {k: tuple(sorted(v, key=lambda t: -len(t[0]))) for k, v in by_first.items()},
                   _phrase_regex(unspaced), questions, _phrase_regex(topics),
                   _phrase_regex(questions), EntryForms.from_groups(groups))


_REGEX_CACHE: dict[tuple[str, ...], re.Pattern] = {}


def _phrase_regex(phrases: tuple[str, ...]) -> re.Pattern:
    """Whole-word alternation (longest first); phrases in scripts without spaces between words
    (Chinese, Japanese) match anywhere."""
    found = _REGEX_CACHE.get(phrases)
    if found is None:
        ordered = sorted(phrases, key=len, reverse=True)
        spaced = [re.escape(p) for p in ordered if not _UNSPACED.search(p)]
        unspaced = [re.escape(p) for p in ordered if _UNSPACED.search(p)]
        alts = []
        if spaced:
            alts.append(rf"(?<![\w])(?:{'|'.join(spaced)})(?![\w])")
        if unspaced:
            alts.append("|".join(unspaced))
        found = re.compile("|".join(alts) or r"(?!)")
        _REGEX_CACHE[phrases] = found
    return found


_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


@dataclass(frozen=True)
class PageKind:
    kind: str
    scores: dict[str, float]
    cues: tuple[str, ...]  # the phrases and structures that decided it, for the analyst

    @property
    def can_offer(self) -> bool:
        return self.kind in CAN_OFFER


_TOKEN = re.compile(r"\w+|[^\w\s]")


def _phrases_in(text: str, vocab: PageVocab) -> set[str]:
    """The cue phrases standing in `text` (lower case) as whole words: the text's tokens are
    looked up by their first word, so a page costs one pass whatever the number of phrases."""
    toks = _TOKEN.findall(text)
    found: set[str] = set()
    for i, tok in enumerate(toks):
        for phrase_toks, phrase in vocab.by_first.get(tok, ()):
            if tuple(toks[i:i + len(phrase_toks)]) == phrase_toks:
                found.add(phrase)
                break  # the longest phrase starting here
    if _UNSPACED.search(text):
        found.update(m.group(0) for m in vocab.unspaced.finditer(text))
    return found


def _scores(text: str, vocab: PageVocab, seen: list[str] | None) -> dict[str, float]:
    """Per kind, the sum of the weights of its distinct cue phrases in `text` (lower case)."""
    scores = dict.fromkeys(_SCORED, 0.0)
    for phrase in sorted(_phrases_in(text, vocab)):
        for kind, weight in vocab.kinds_of.get(phrase, ()):
            scores[kind] += weight
            if seen is not None:
                seen.append(f"{kind}:{phrase}")
    return scores


def page_kind(listing: dict, vocab: PageVocab) -> PageKind:
    """The kind of page `listing` (title, description, url, ...) is; see the module doc."""
    title = str(listing.get("title") or listing.get("name") or "")
    description = str(listing.get("description") or "")
    url = str(listing.get("url") or "")
    raw = f"{title}\n{description}"[:MAX_CHARS]
    words = url_words(url)
    text = f"{raw}\n{words}".lower()
    seen: list[str] = []
    scores = _scores(text, vocab, seen)
    # the title says what the page is more loudly than a passing word in its text (a listing
    # that is its title alone, untruncated, has had its title scored just now)
    alone = not description and not words and len(raw) > len(title)
    in_title = (dict(scores) if alone else _scores(title.lower(), vocab, None)) if title else {}
    for k in (SDS, ARTICLE, FORUM, REGULATION):
        if in_title.get(k, 0) >= 2:
            scores[k] += 2
    if title and _asks(title, vocab):
        scores[ARTICLE] += 3  # "What is MEK?", "Aseton nedir?": an explainer, not an offer
        seen.append("article:question title")
    if _HEADWORD.search(raw) or ("[" in raw and _ETYMOLOGY.search(raw)):
        scores[ARTICLE] += 3
        seen.append("article:dictionary headword")
    labs = len({m.group(1).lower() for m in _LAB_LABEL.finditer(raw)})
    if labs >= LAB_LABELS_MIN:
        scores[ARTICLE] += 3
        seen.append(f"article:{labs} lab-report labels")
    sections = len({m.group(0).strip().lower()[:6] for m in _SDS_SECTION.finditer(raw)})
    if sections >= 2:
        scores[SDS] += 3
        seen.append(f"sds:{sections} numbered sections")
    if scores[SDS] and len(rows := _COMPOSITION_ROW.findall(raw)) >= 2:
        scores[SDS] += 2
        seen.append(f"sds:{len(rows)} composition rows")
    enumerations = len(_ENUMERATION.findall(raw))
    if enumerations >= 4:
        scores[REGULATION] += 3
        seen.append(f"regulation:{enumerations} enumerated items")
    if _DATELINE.search(raw):
        scores[ARTICLE] += 2
        seen.append("article:dateline")
    if len(_MAIL_HEADER.findall(raw)) >= 2:
        scores[FORUM] += 3
        seen.append("forum:mail headers")
    if _POST_DATE.search(raw):
        scores[FORUM] += 2
        seen.append("forum:post date")
    if _PRICE.search(raw):
        scores["commerce"] += 2
        seen.append("commerce:price")
    if title and _TITLE_QUANTITY.search(title):
        scores["commerce"] += 1
        seen.append("commerce:pack or grade in title")
    _reference_apparatus(raw, scores, seen)
    for cue, weight in entry_cues(raw, vocab.entry):
        scores[ARTICLE] += weight
        seen.append(f"article:{cue}")
    kind = _decide(scores, raw)
    return PageKind(kind, scores, tuple(seen))


def _reference_apparatus(raw: str, scores: dict[str, float], seen: list[str]) -> None:
    """Citation marks and wiki markup: a reference work's apparatus. A few marks outweigh no
    commerce cue (+2); many, or the wiki's own markup, make the page an article (+3)."""
    wiki = ("==" in raw and _WIKI_HEADING.search(raw)) or (
        ("[edit" in raw or "Edit" in raw) and _EDIT_LINK.search(raw))
    if wiki:
        scores[ARTICLE] += 3
        seen.append("article:wiki markup")
    elif "[" in raw and (marks := len(_CITATION.findall(raw))):
        scores[ARTICLE] += 3 if marks >= CITATIONS_STRONG else 2
        seen.append(f"article:{marks} citation marks")


def _asks(title: str, vocab: PageVocab) -> bool:
    """A title that is a question: ends with a question mark, starts "Q.", or holds a question
    phrase of the vocabulary ("what is", "qu'est-ce que", "что такое", "とは")."""
    t = title.strip().lower()
    if " " not in t:
        t = re.sub(r"[-_]+", " ", t)  # a title taken from the address: "how-to-use-..."
    return t.endswith(("?", "？")) or t.startswith(("q. ", "q: ")) or bool(
        vocab.question_re.search(t))


def _decide(scores: dict[str, float], raw: str) -> str:
    commerce = scores["commerce"]
    if scores[SDS] >= SDS_MIN:
        return SDS
    best = max((REGULATION, ARTICLE, FORUM, OTHER), key=lambda k: (scores[k], -KINDS.index(k)))
    other = scores[best]
    if other >= GENRE_MIN and other > commerce:
        return best
    if other >= 2 and commerce == 0:
        return best
    if len(set(_MANY_CAS.findall(raw))) >= 5:
        return CATALOGUE
    return OFFER


_URL_WORDS = re.compile(r"[a-z]+")
# Path and host words that name a page's section, and the cue phrase (page_kinds.csv) each
# stands for; `_URL_ROOTS` are word parts ("encyclopedia2.thefreedictionary.com", "wikidoc",
# "/slovnik-pojmu/", "/glossariy/").
# Not "news" or "blog": a vendor's own site files its product posts there ("/news/company-news/
# butanones-health-hazards..."), and what such a page is its text says.
_URL_HINTS = {"blogspot": "blog", "forum": "forum",
              "forums": "forum", "thread": "thread", "showthread": "thread", "msds": "msds",
              "sds": "msds", "product": "product code", "products": "product code",
              "shop": "add to cart", "cart": "add to cart", "law": "statute", "laws": "statute",
              "statutes": "statute", "legislation": "statute", "codes": "statute",
              "slovnik": "glossary", "palabra": "dictionary", "lexique": "glossary",
              # a government's own site (gov.uk, osha.gov, gob.mx, gouv.fr, govt.nz) sells nothing
              "gov": "government site", "gob": "government site", "gouv": "government site",
              "govt": "government site",
              # a site's article section ("/article/676698/acetone", "/articles/health/...",
              # "/article-the-prospect-of-..."); no vendor offer in the sets files under it
              "article": "this article", "articles": "this article"}
_URL_ROOTS = (("wiki", "wikipedia"), ("pedia", "encyclopedia"), ("encyclop", "encyclopedia"),
              ("dictionar", "dictionary"), ("lexikon", "lexikon"), ("glossar", "glossary"),
              ("glosar", "glossary"), ("handbook", "encyclopedia"))


def url_words(url: str | None) -> str:
    """The cue phrases a listing's address stands for ("/news/2016/...", "/wiki/Acetone",
    "/product/...", "encyclopedia.example.org", "cargohandbook.com", "osha.gov"): a page's
    address names its section, or its site's kind, as plainly as its heading. Empty when it
    names none."""
    if not url:
        return ""
    words = _URL_WORDS.findall(str(url).split("://", 1)[-1].lower())
    found: list[str] = []
    for w in words:
        hint = _URL_HINTS.get(w) or next((c for root, c in _URL_ROOTS if root in w), None)
        if hint and hint not in found:
            found.append(hint)
    return " ".join(found)


def restrict(segments: list, kind: str, vocab: PageVocab) -> tuple[list, bool]:
    """The segments with the roles the page kind allows, and whether the title names a topic
    rather than a product ("Toluene Market Size", "Sulfuric Acid Storage Tanks").

    - kinds that cannot offer: every segment is a mention;
    - an SDS: the title, the name field and the product-name labels of its identification are
      the subject; everything else (composition table, CAS rows, prose) is a mention;
    - offers and catalogues: unchanged, except a title that names a topic is a mention.
    """
    topic = False
    out = []
    for seg in segments:
        role = seg.role
        if kind not in CAN_OFFER:
            role = _MENTION
        elif seg.field in ("title", "name"):
            if role == _OFFERED and vocab.topic_re.search(seg.text.lower()):
                role, topic = _MENTION, True
        elif kind == SDS:
            label = seg.field.split(":", 1)[1] if seg.field.startswith("description:") else ""
            if label not in vocab.sds_product_labels or vocab.topic_re.search(seg.text.lower()):
                role = _MENTION  # not the product, or a product named after its use
        out.append(seg if role == seg.role else replace(seg, role=role))
    return out, topic
