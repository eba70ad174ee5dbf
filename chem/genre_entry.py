"""The forms of a reference entry that a vendor's copy of its prose does not carry.

A vendor page that copies an encyclopaedia's lead paragraph keeps the prose and drops the entry's
frame; a reference page keeps the frame. `entry_cues(raw, forms)` finds four such frames, in the
languages of the vocabulary (`chem/data/page_kinds.csv`, kinds `entry_label`, `author_label`,
`date_label`, `news_agency`), plus two of the scripts' own dictionary forms:

- field labels of a glossary, dictionary or poison-information entry at a line start, before a
  colon: "Synonym:", "Stichwort:", "Eintrag:", "Also known as:", "Kaldes for:", "Bruges til:",
  "読み:", "品詞:";
- an article's authorship or date line: "Autore: Robert Simon", "Author: ...", "Updated 16 May
  2017", "Data Della Creazione: 21 Giugno 2021", "最終更新日:Tue, 30 Jun 2020";
- a news agency's credit closing the text ("... pro Liter angeboten. dpa");
- a Japanese dictionary's kana reading on a line of its own ("(とるえん)", "とるえん");
- a historical dictionary's dated quotations ("1858. Thudichum, The Urine, 314. ...").

Each is a page-level form, never a word of the prose, so a vendor's copied paragraph does not
carry it. The caller adds the weights to the article score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ENTRY_KINDS = ("entry_label", "author_label", "date_label", "news_agency")
_NEVER = re.compile(r"(?!)")
# a kana reading alone on its line, bracketed or not: "(とるえん)", "とるえん"
_KANA_READING = re.compile(r"(?m)^[ \t]*[（(]?[\u3041-\u309f・ー]{2,}[)）]?[ \t]*$")
# a dated quotation of a historical dictionary: "1873. Williamson, Chem., 289."
# (or "| 1851 Jrnl. Chem. Soc. III. 184", as another copy of the same dictionary prints it)
_DATED_QUOTATION = re.compile(r"(?m)^[ \t|]*1[5-9]\d\d\.?[ \t]+[A-Z][\w'’.-]+[,.]?[ \t][A-Z]")
DATED_QUOTATIONS_MIN = 2
_TAIL = 80  # an agency credit is looked for in the text's last characters only


def _alternation(phrases: tuple[str, ...]) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


@dataclass(frozen=True)
class EntryForms:
    """The label vocabularies compiled once (from the page_kinds.csv rows of `ENTRY_KINDS`)."""

    labels: re.Pattern = _NEVER
    authors: re.Pattern = _NEVER
    dates: re.Pattern = _NEVER
    agencies: re.Pattern = _NEVER

    @classmethod
    def from_groups(cls, groups: dict[str, list[tuple[str, int]]]) -> EntryForms:
        def words(kind: str) -> tuple[str, ...]:
            return tuple(p for p, _ in groups.get(kind, ()))
        labels, authors, dates, agencies = (words(k) for k in ENTRY_KINDS)
        return cls(
            # a label, then a colon (ASCII or full width), at a line start
            re.compile(rf"(?im)^[ \t]*(?:{_alternation(labels)})[ \t]*[:：]") if labels
            else _NEVER,
            # an author label, a colon and a name
            re.compile(rf"(?im)^[ \t]*(?:{_alternation(authors)})[ \t]*[:：][ \t]*[^\W\d_]")
            if authors else _NEVER,
            # a date label and a date (a digit within a few characters)
            re.compile(rf"(?im)^[ \t]*(?:{_alternation(dates)})[ \t]*[:：]?[^\n\d]{{0,15}}\d")
            if dates else _NEVER,
            # an agency's credit as the text's last word
            # ("... angeboten. dpa", "... umgepumpt. (mho/dpa)")
            re.compile(rf"(?i)(?<![\w-])(?:{_alternation(agencies)})[ \t.)\]]*\Z") if agencies
            else _NEVER)


def entry_cues(raw: str, forms: EntryForms) -> list[tuple[str, int]]:
    """The reference-entry forms standing in `raw` (title and description), each with the weight
    it adds to the article score: a dictionary's own forms (kana reading, dated quotations) and
    two or more entry labels are as plain as a wiki's markup (+3); one label, an authorship or
    date line, or an agency credit is a lighter cue (+2) that a commerce cue outweighs."""
    found: list[tuple[str, int]] = []
    labels = {m.group(0).strip().lower() for m in forms.labels.finditer(raw)}
    if labels:
        found.append((f"{len(labels)} entry labels", 3 if len(labels) >= 2 else 2))
    if forms.authors.search(raw) or forms.dates.search(raw):
        found.append(("authorship or date line", 2))
    if forms.agencies.search(raw.rstrip()[-_TAIL:]):  # the credit closes the text
        found.append(("news agency credit", 2))
    if _KANA_READING.search(raw):
        found.append(("kana reading", 3))
    if len(_DATED_QUOTATION.findall(raw)) >= DATED_QUOTATIONS_MIN:
        found.append(("dated dictionary quotations", 3))
    return found
