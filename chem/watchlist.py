"""The watchlist: data files under chem/data, loaded into typed entries.

Files (all CSV, UTF-8, `;` separates list values):
- watchlist.csv: one row per controlled substance (see `Entry`).
- classes.csv: class rules (SMARTS) for regulated families, e.g. "4-AP, its amides and carbamates".
- transforms.csv: reaction SMARTS that unmask designer precursors (deprotection, hydrolysis, ...).
- abbreviation_clashes.csv: other meanings of vendor abbreviations (4-AP = 4-aminopyridine).
- regimes.csv: the regime codes, their sources and the date each was last checked against them.
- changelog.csv: the dated version history (entries added/removed, regime changes).
- names_i18n.csv: names of the entries in more languages, each with its source.
- short_forms.csv: formula short forms ("HCl", "H2SO4") read as the entry only in an offer's title.
- VERSION: the declared watchlist version; the loaded version adds a hash of the data files
  (`chem.data_files`: which files are read, the hash, the tool versions).
- controlled_drugs.csv, drug_schedules.csv, routes.csv, route_partners.csv: the radar's end
  products, schedule codes, reaction templates and reagents (`chem.radar_data`); read when
  present, hashed apart (`radar_hash`) since the matcher does not read them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

# The data directory and its version stamp (chem.data_files), re-exported: the watchlist's
# callers have always imported them from here.
from chem.data_files import DATA_DIR as DATA_DIR
from chem.data_files import DATA_FILES as DATA_FILES
from chem.data_files import MissingDataFile as MissingDataFile
from chem.data_files import data_hash as data_hash
from chem.data_files import radar_hash as radar_hash
from chem.data_files import require_files as require_files
from chem.data_files import tool_versions as tool_versions
from chem.radar_data import Drug, DrugSchedule, Partner, Route


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


@dataclass(frozen=True)
class Entry:
    id: str
    name: str
    synonyms: tuple[str, ...]
    abbreviations: tuple[str, ...]
    names_zh: tuple[str, ...]
    names_other: tuple[str, ...]
    cas: tuple[str, ...]
    salt_cas: tuple[tuple[str, str], ...]  # (CAS, form) e.g. ("99918-43-1", "dihydrochloride")
    smiles: str
    inchikey: str
    formula: str
    family: tuple[str, ...]
    tier: str  # precursor | pre-precursor | reagent
    regimes: tuple[str, ...]
    designer_target: bool
    sources: tuple[str, ...]
    notes: str

    @property
    def connectivity(self) -> str:
        return self.inchikey[:14]

    @property
    def all_cas(self) -> tuple[str, ...]:
        return self.cas + tuple(c for c, _ in self.salt_cas)

    @classmethod
    def from_row(cls, row: dict[str, str]) -> Entry:
        salt_cas = []
        for item in _split(row.get("salt_cas")):
            cas, _, form = item.partition("=")
            salt_cas.append((cas.strip(), form.strip()))
        return cls(
            id=row["id"].strip(),
            name=row["name"].strip(),
            synonyms=tuple(_split(row.get("synonyms"))),
            abbreviations=tuple(_split(row.get("abbreviations"))),
            names_zh=tuple(_split(row.get("names_zh"))),
            names_other=tuple(_split(row.get("names_other"))),
            cas=tuple(_split(row.get("cas"))),
            salt_cas=tuple(salt_cas),
            smiles=row["smiles"].strip(),
            inchikey=row["inchikey"].strip(),
            formula=(row.get("formula") or "").strip(),
            family=tuple(_split(row.get("family"))),
            tier=(row.get("tier") or "").strip(),
            regimes=tuple(_split(row.get("regimes"))),
            designer_target=(row.get("designer_target") or "").strip() in ("1", "true", "yes"),
            sources=tuple(_split(row.get("sources"))),
            notes=(row.get("notes") or "").strip(),
        )


@dataclass(frozen=True)
class ClassRule:
    id: str
    name: str
    smarts: str
    entry: str  # the watchlist entry the class belongs to
    regimes: tuple[str, ...]
    source: str
    notes: str


@dataclass(frozen=True)
class Transform:
    id: str
    kind: str  # deprotection | hydrolysis | dehalogenation | ...
    rxn: str  # reaction SMARTS, one reactant template
    description: str
    # families whose entries this transform never unmasks: a ring halogen on an amphetamine-type
    # precursor makes another drug's precursor (radar of unlisted analogues), not a masked one
    excluded_families: tuple[str, ...] = ()


@dataclass(frozen=True)
class AbbreviationClash:
    abbreviation: str
    meaning: str
    cas: str
    guard_terms: tuple[str, ...]


@dataclass(frozen=True)
class Regime:
    code: str  # UN-I, US-ListI, CN-EXP-NA, ...
    jurisdiction: str
    meaning: str
    sources: str
    last_checked: str  # ISO date the regime was last checked against its sources
    notes: str


@dataclass(frozen=True)
class Change:
    """One line of the version history (changelog.csv)."""

    version: str
    date: str  # ISO date of the version
    change: str  # added | removed | regimes | regime-code-added | regime-code-removed | ...
    subject: str  # entry id, regime code or transform id
    detail: str  # regimes at addition, "+CODE;-CODE", or a description
    source: str
    confidence: str


@dataclass(frozen=True)
class LocalName:
    """A name of an entry in another language (names_i18n.csv)."""

    entry: str
    language: str  # ISO 639-1 code
    name: str
    source: str


@dataclass(frozen=True)
class ShortForm:
    """A formula short form vendors put in titles ("HCl", "H2SO4") (short_forms.csv)."""

    short_form: str
    entry: str
    source: str


@dataclass
class Watchlist:
    version: str
    entries: list[Entry]
    classes: list[ClassRule] = field(default_factory=list)
    transforms: list[Transform] = field(default_factory=list)
    clashes: list[AbbreviationClash] = field(default_factory=list)
    regimes: dict[str, Regime] = field(default_factory=dict)
    changelog: list[Change] = field(default_factory=list)
    local_names: list[LocalName] = field(default_factory=list)
    short_forms: list[ShortForm] = field(default_factory=list)
    drugs: list[Drug] = field(default_factory=list)
    drug_schedules: dict[str, DrugSchedule] = field(default_factory=dict)
    routes: list[Route] = field(default_factory=list)
    route_partners: list[Partner] = field(default_factory=list)
    radar_hash: str = ""  # of the radar's files (RADAR_FILES), apart from the matcher's version

    @property
    def declared_version(self) -> str:
        """The version in VERSION, without the data hash."""
        return self.version.split("+", 1)[0]

    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}

    def find(self, query: str) -> list[Entry]:
        """Entries a query names exactly (see `lookup`)."""
        return [e for e, _ in self.lookup(query)]

    def lookup(self, query: str) -> list[tuple[Entry, str]]:
        """Entries a query names exactly, each with how: an id (any case), a CAS (any written
        form), a name, synonym, abbreviation or foreign name (by name key), or a Chinese name.
        Salt and hydrate words are ignored when the query as written matches nothing
        ("Norfentanyl HCl", "4-苯胺基哌啶二盐酸盐"). The one exact lookup the CLI and the web
        share; the matcher's `NameIndex` reads running text (fuzzy, dictionary, spans)
        instead."""
        from chem.cas import find_cas, normalize_cas
        from chem.text import clean_text, name_key, strip_salt_words

        mentions = find_cas(query)
        cas = normalize_cas(query) or (mentions[0].cas if len(mentions) == 1 else None)
        for text in dict.fromkeys((query, strip_salt_words(query)[0])):
            key = name_key(text)
            zh = clean_text(strip_salt_words(text)[0]).strip()
            out = []
            for e in self.entries:
                how = _named_by(e, text.strip().lower(), cas, key, zh)
                if how:
                    out.append((e, how))
            if out:
                return out
        return []


def _named_by(e: Entry, lowered: str, cas: str | None, key: str, zh: str) -> str | None:
    """How an entry is named by a query's id form, CAS, name key and Chinese form, if it is."""
    from chem.text import clean_text, name_key

    if e.id == lowered:
        return "entry id"
    if key and key in {name_key(n) for n in (e.name, *e.synonyms)}:
        return "name"
    if key and key in {name_key(n) for n in e.abbreviations}:
        return "abbreviation"
    if (key and key in {name_key(n) for n in e.names_other}) or (
            zh and zh in {clean_text(n) for n in e.names_zh}):
        return "name"
    if cas and cas in e.all_cas:
        return "cas"
    return None


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if any((v or "").strip() for v in r.values())]


def _read_classes(data_dir: Path) -> list[ClassRule]:
    return [
        ClassRule(
            id=r["id"].strip(),
            name=r["name"].strip(),
            smarts=r["smarts"].strip(),
            entry=r["entry"].strip(),
            regimes=tuple(_split(r.get("regimes"))),
            source=(r.get("source") or "").strip(),
            notes=(r.get("notes") or "").strip(),
        )
        for r in _read_csv(data_dir / "classes.csv")
    ]


def _read_transforms(data_dir: Path) -> list[Transform]:
    return [
        Transform(
            id=r["id"].strip(),
            kind=r["kind"].strip(),
            rxn=r["rxn"].strip(),
            description=(r.get("description") or "").strip(),
            excluded_families=tuple(_split(r.get("excluded_families"))),
        )
        for r in _read_csv(data_dir / "transforms.csv")
    ]


def _read_clashes(data_dir: Path) -> list[AbbreviationClash]:
    return [
        AbbreviationClash(
            abbreviation=r["abbreviation"].strip(),
            meaning=r["meaning"].strip(),
            cas=(r.get("cas") or "").strip(),
            guard_terms=tuple(_split(r.get("guard_terms"))),
        )
        for r in _read_csv(data_dir / "abbreviation_clashes.csv")
    ]


def _read_regimes(data_dir: Path) -> dict[str, Regime]:
    return {
        r["code"].strip(): Regime(
            code=r["code"].strip(),
            jurisdiction=(r.get("jurisdiction") or "").strip(),
            meaning=(r.get("meaning") or "").strip(),
            sources=(r.get("sources") or "").strip(),
            last_checked=(r.get("last_checked") or "").strip(),
            notes=(r.get("notes") or "").strip(),
        )
        for r in _read_csv(data_dir / "regimes.csv")
    }


def load_watchlist(data_dir: Path | str = DATA_DIR) -> Watchlist:
    data_dir = require_files(data_dir)
    declared = (data_dir / "VERSION").read_text().strip() or "0"
    entries = [Entry.from_row(r) for r in _read_csv(data_dir / "watchlist.csv")]
    changelog = [
        Change(**{f: (r.get(f) or "").strip() for f in Change.__dataclass_fields__})
        for r in _read_csv(data_dir / "changelog.csv")
    ]
    local_names = [LocalName(*((r.get(f) or "").strip() for f in LocalName.__dataclass_fields__))
                   for r in _read_csv(data_dir / "names_i18n.csv")]
    short_forms = [ShortForm(*((r.get(f) or "").strip() for f in ShortForm.__dataclass_fields__))
                   for r in _read_csv(data_dir / "short_forms.csv")]
    drug_schedules = {
        r["code"].strip(): DrugSchedule(r["code"].strip(), (r.get("meaning") or "").strip(),
                                        (r.get("source") or "").strip())
        for r in _read_csv(data_dir / "drug_schedules.csv")
    }
    return Watchlist(
        version=f"{declared}+{data_hash(data_dir)[:8]}",
        entries=entries,
        classes=_read_classes(data_dir),
        transforms=_read_transforms(data_dir),
        clashes=_read_clashes(data_dir),
        regimes=_read_regimes(data_dir),
        changelog=changelog,
        local_names=local_names,
        short_forms=short_forms,
        drugs=[Drug.from_row(r) for r in _read_csv(data_dir / "controlled_drugs.csv")],
        drug_schedules=drug_schedules,
        routes=[Route.from_row(r) for r in _read_csv(data_dir / "routes.csv")],
        route_partners=[Partner.from_row(r) for r in _read_csv(data_dir / "route_partners.csv")],
        radar_hash=radar_hash(data_dir),
    )


@lru_cache(maxsize=1)
def default_watchlist() -> Watchlist:
    return load_watchlist()
