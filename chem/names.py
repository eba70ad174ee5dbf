"""Name index: watchlist names, dictionary synonyms, abbreviations, Chinese names, fuzzy lookup.

Built once from the watchlist and the offline dictionary; `lookup` answers one phrase,
`fuzzy` one name span (misspellings), `chinese` the watchlist Chinese names inside a text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from chem.caches import LRU, NAME_CACHE
from chem.dictionary import Dictionary
from chem.knowledge import FalseFriends
from chem.text import clean_text, name_key, primed_key, strip_salt_words, tables
from chem.watchlist import Entry, Watchlist

_DIGITS = re.compile(r"\D")
# Characters that make a Chinese name part of a longer one (对甲苯磺酸 is not 甲苯).
_ZH_PREFIX = frozenset("对邻间二三四氯溴碘氟硝基羟氨甲乙丙丁戊己苯环异叔仲聚\x00")
_ZH_SUFFIX = frozenset("磺基胺醇醛酮腈酯酰烷烯炔酚醚肟嗪啶唑聚酸\x00")
# After a two-character acid name (硫酸, 盐酸) a metal makes it a salt (硫酸钠 is sodium sulfate).
_ZH_METALS = frozenset("钠钾铵铜铁锌镁钙钡铝锂")
MIN_FUZZY_LENGTH = 7
MIN_FUZZY_DICTIONARY_KEY = 12


@dataclass
class Span:
    start: int
    end: int
    kind: str  # watchlist | dictionary | abbreviation | fuzzy | family
    payload: object
    phrase: str


class NameIndex:
    def __init__(self, watchlist: Watchlist, dictionary: Dictionary,
                 false_friends: FalseFriends | None = None):
        self.dictionary = dictionary
        ff = false_friends or FalseFriends.empty()
        self.not_names = ff.generic_prefixes | ff.not_names
        self.by_name: dict[str, list[Entry]] = {}
        # Names with primed locants, keyed with the primes kept ("3'-chloropropiophenone").
        self.by_primed: dict[str, list[Entry]] = {}
        curated = self._index_names(watchlist, ff)
        self._index_abbreviations(watchlist)
        self.zh_names: list[tuple[str, Entry]] = sorted(
            ((clean_text(strip_salt_words(n)[0]), e) for e in watchlist.entries
             for n in e.names_zh),
            key=lambda p: -len(p[0]),
        )
        # Misspellings are matched against the curated names and the dictionary's long
        # (systematic) synonyms only: its short ones include designations one letter away from
        # ordinary words ("vitamin l" ~ "vitamins").
        self.fuzzy_choices: dict[int, list[str]] = {}
        for key in self.by_name:
            if len(key) >= 6 and (key in curated or len(key) >= MIN_FUZZY_DICTIONARY_KEY):
                self.fuzzy_choices.setdefault(len(key), []).append(key)
        self._fuzzy_cache = LRU(NAME_CACHE)  # name key -> (target, edits) or None
        self._index_local_names(watchlist)

    def _index_names(self, watchlist: Watchlist, ff: FalseFriends) -> set[str]:
        """Curated names and the dictionary's names of each entry's structure, less the names
        of other isomers and non-names; returns the curated keys."""
        curated: set[str] = set()
        for e in watchlist.entries:
            for n in (e.name, *e.synonyms, *e.names_other):
                primed = primed_key(n)
                if primed:
                    self.by_primed.setdefault(primed, []).append(e)
                    if self._plain_key_is_another_compound(name_key(n), e):
                        continue  # "3-chloropropiophenone" is 936-59-4, not 3'-chloro
                self._add(name_key(n), e)
                curated.add(name_key(n))
        blocks = {e.connectivity for e in watchlist.entries}
        by_block: dict[str, list[Entry]] = {}
        for e in watchlist.entries:
            by_block.setdefault(e.connectivity, []).append(e)
        for block, keys in self.dictionary.names_for_inchikey_blocks(blocks).items():
            for key in keys:
                if len(key) >= 6 and not key.isdigit():
                    for e in by_block[block]:
                        self._add(key, e)
        # names the dictionary gives an entry that denote another isomer ("butylene glycol"
        # is 1,3-butanediol): neither the entry nor the dictionary record answers them
        self.blocked = frozenset(name_key(name) for name, _ in ff.not_entry_names)
        for key in self.blocked:
            self.by_name.pop(key, None)
        for word in self.not_names:
            self.by_name.pop(name_key(word), None)
        return curated

    def _index_abbreviations(self, watchlist: Watchlist) -> None:
        """Abbreviations, and the guard terms and CAS numbers of those that clash."""
        self.by_abbrev: dict[str, list[Entry]] = {}
        for e in watchlist.entries:
            for a in e.abbreviations:
                self.by_abbrev.setdefault(name_key(a), []).append(e)
        self.clash_guards: dict[str, list[str]] = {}
        self.clash_cas: dict[str, set[str]] = {}
        for c in watchlist.clashes:
            key = name_key(c.abbreviation)
            self.clash_guards.setdefault(key, []).extend(
                name_key(g) for g in c.guard_terms if name_key(g))
            if c.cas:
                self.clash_cas.setdefault(key, set()).add(c.cas)

    def _index_local_names(self, watchlist: Watchlist) -> None:
        """Names in other languages (names_i18n.csv): Latin-script ones join the name index (but
        not the misspelling search); the others (Cyrillic, Devanagari, Chinese, kana, hangul)
        are matched as whole words of the raw text, so 盐酸 is not read inside 盐酸盐. And
        formula short forms ("HCl", "H2SO4"): as written or in capitals."""
        by_id = {e.id: e for e in watchlist.entries}
        script: dict[str, list[Entry]] = {}
        for local in watchlist.local_names:
            entry = by_id.get(local.entry)
            if entry is None or not local.name:
                continue
            if is_latin(local.name):
                self._add(name_key(local.name), entry)
            else:
                script.setdefault(script_key(local.name), []).append(entry)
        self.script_names = script
        alts = "|".join(re.escape(k) for k in sorted(script, key=len, reverse=True))
        self._script_re = re.compile(rf"(?<!\w)(?:{alts})(?!\w)") if alts else None
        self.short_forms: dict[str, list[Entry]] = {}
        for sf in watchlist.short_forms:
            entry = by_id.get(sf.entry)
            if entry is not None:
                for form in (sf.short_form, sf.short_form.upper()):
                    self.short_forms.setdefault(form, []).append(entry)

    def _plain_key_is_another_compound(self, key: str, entry: Entry) -> bool:
        record = self.dictionary.lookup_key(key)
        return record is not None and record.inchikey[:14] != entry.connectivity

    def _add(self, key: str, entry: Entry) -> None:
        if len(key) < 3:
            return
        bucket = self.by_name.setdefault(key, [])
        if entry not in bucket:
            bucket.append(entry)

    def ambiguous(self, key: str, entry: Entry) -> bool:
        """A name that also denotes another compound (the dictionary, or another entry)."""
        entries = self.by_name.get(key, [])
        if len({e.connectivity for e in entries}) > 1:
            return True
        record = self.dictionary.lookup_key(key)
        return record is not None and record.inchikey[:14] != entry.connectivity

    def lookup(self, phrase: str, i: int, j: int) -> Span | None:
        """The watchlist name, dictionary name or abbreviation `phrase` is, if any."""
        key = name_key(phrase)
        if len(key) < 2:
            return None
        primed = primed_key(phrase)
        if primed and primed in self.by_primed:
            return Span(i, j, "watchlist", self.by_primed[primed], phrase)
        variants = [(key, phrase)]
        stripped, removed = strip_salt_words(phrase)
        if removed:
            skey = name_key(stripped)
            if len(skey) >= 2:
                variants.append((skey, stripped))
        generic_words = tables().generic_words
        if phrase.lower().strip(".,;:()") in self.not_names or key in self.blocked:
            return None  # "pseudo", "Heliotrope": a word that only looks like a substance
        for k, p in variants:
            entries = self.by_name.get(k)
            if entries:
                return Span(i, j, "watchlist", entries, phrase)
            generic = p.lower().strip(".,;:()") in generic_words
            record = self.dictionary.lookup_key(k) if len(k) >= 4 and not generic else None
            if record is not None:
                return Span(i, j, "dictionary", record, phrase)
            entries = self.by_abbrev.get(k)
            if entries and abbrev_case_ok(p):
                return Span(i, j, "abbreviation", entries, phrase)
            entries = self.short_forms.get(p.strip(".,;:()[]"))
            if entries:
                return Span(i, j, "short_form", entries, phrase)
            family = self._family(k)
            if family:
                return Span(i, j, "family", family, phrase)
        return None

    def _family(self, key: str) -> list[Entry] | None:
        """A plural of a listed name ("piperidines", "ephedrines"): the family, not the compound."""
        for suffix in ("es", "s"):
            if key.endswith(suffix) and len(key) > 6:
                entries = self.by_name.get(key[: -len(suffix)])
                if entries:
                    return entries
        return None

    def fuzzy(self, phrase: str) -> tuple[str, int] | None:
        """(watchlist name key, edits) for a misspelt name span, or None."""
        if phrase.lower().strip(".,;:()") in self.not_names:
            return None
        key = name_key(strip_salt_words(phrase)[0])
        if key in self._fuzzy_cache:
            return self._fuzzy_cache.get(key)
        best = self._fuzzy_search(key)
        self._fuzzy_cache.put(key, best)
        return best

    def _fuzzy_search(self, key: str) -> tuple[str, int] | None:
        size = len(key)
        allowed = 0 if size < MIN_FUZZY_LENGTH else 1 if size < 10 else 2 if size < 18 else 3
        if not allowed or key.isdigit() or self.dictionary.lookup_key(key) is not None:
            return None
        digits = _DIGITS.sub("", key)
        best = None
        for length in range(size - allowed, size + allowed + 1):
            choices = self.fuzzy_choices.get(length)
            if not choices:
                continue
            for target, dist, _ in process.extract(key, choices, scorer=OSA.distance,
                                                   score_cutoff=allowed, limit=5):
                # Locants are not typos (1,3-butanediol is not 1,4-butanediol); a longer word
                # that starts with the name is another word (chloroformate, piperidines).
                if _DIGITS.sub("", target) != digits or key.startswith(target):
                    continue
                if best is None or dist < best[1]:
                    best = (target, int(dist))
        return best

    def local(self, text: str) -> list[tuple[str, Entry]]:
        """Names in non-Latin scripts (names_i18n.csv) standing as whole words in `text`."""
        if self._script_re is None:
            return []
        found = []
        for m in self._script_re.finditer(script_key(text)):
            found.extend((m.group(0), e) for e in self.script_names[m.group(0)])
        return found

    def chinese(self, text: str) -> list[tuple[str, Entry]]:
        """Watchlist Chinese names in `text`, longest first, each text stretch read once."""
        found = []
        remaining = text
        for zh, entry in self.zh_names:
            if not zh or zh not in remaining:
                continue
            for m in re.finditer(re.escape(zh), remaining):
                before = remaining[m.start() - 1] if m.start() else ""
                after = remaining[m.end()] if m.end() < len(remaining) else ""
                if before not in _ZH_PREFIX and after not in _ZH_SUFFIX and not (
                        len(zh) <= 2 and after in _ZH_METALS):
                    found.append((zh, entry))
                    break
            remaining = remaining.replace(zh, "\x00")  # a salt word beside it stays a salt word
        return found


def is_latin(name: str) -> bool:
    """Every letter of `name` is a Latin letter (accents allowed)."""
    return all(unicodedata.name(c, "").startswith("LATIN") for c in name if c.isalpha())


_SPACES = re.compile(r"\s+")


def script_key(text: str) -> str:
    """Text compared with non-Latin names: NFKC, case-folded, spaces collapsed (no homoglyph
    folding: a Cyrillic name is read in Cyrillic)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold())


def abbrev_case_ok(written: str) -> bool:
    letters = [c for c in written if c.isalpha()]
    if len(letters) <= 3:
        return all(c.isupper() for c in letters) or "boc" in written.lower()
    return True
