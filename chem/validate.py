"""Watchlist quality checks: every structure, CAS number, rule and cross-reference.

Public precursor lists carry wrong CAS check digits, mislabelled structures and duplicated
entries; `validate` finds those in ours. It never raises: each problem is reported.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rdkit import Chem, RDLogger
from rdkit.Chem import AllChem

from chem import changelog
from chem.cas import check_digit_ok
from chem.names import is_latin
from chem.radar_data import DRUG_COLUMNS, PARTNER_COLUMNS, ROUTE_COLUMNS, SCHEDULE_COLUMNS
from chem.radar_validate import radar_problems, structure_facts
from chem.text import name_key, primed_key, strip_salt_words
from chem.watchlist import Watchlist

TIERS = {"precursor", "pre-precursor", "reagent"}
# Regime codes, their meaning and the date each was last checked: chem/data/regimes.csv.
STALE_AFTER_MONTHS = 6
FAMILIES = {
    "fentanyl", "methamphetamine", "amphetamine", "MDMA", "LSD", "heroin", "cocaine", "GHB",
    "PCP", "ketamine", "methaqualone", "cannabinoid", "nitazene", "cathinone", "other", "general",
}


# Columns each data file must have (the loader reads them by name).
REQUIRED_COLUMNS = {
    "watchlist.csv": ("id", "name", "synonyms", "abbreviations", "names_zh", "names_other", "cas",
                      "salt_cas", "smiles", "inchikey", "formula", "family", "tier", "regimes",
                      "designer_target", "sources", "notes"),
    "classes.csv": ("id", "name", "smarts", "entry", "regimes", "source", "notes"),
    "transforms.csv": ("id", "kind", "rxn", "description"),
    "abbreviation_clashes.csv": ("abbreviation", "meaning", "cas", "guard_terms"),
    "regimes.csv": ("code", "jurisdiction", "meaning", "sources", "last_checked", "notes"),
    "changelog.csv": ("version", "date", "change", "subject", "detail", "source", "confidence"),
    "controlled_drugs.csv": DRUG_COLUMNS,
    "drug_schedules.csv": SCHEDULE_COLUMNS,
    "routes.csv": ROUTE_COLUMNS,
    "route_partners.csv": PARTNER_COLUMNS,
}
REQUIRED_FILES = ("watchlist.csv", "regimes.csv", "changelog.csv")


@dataclass(frozen=True)
class Problem:
    where: str  # entry id, or the data file
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}"


def _entry_problems(e, regimes) -> list[Problem]:
    out: list[Problem] = []

    def bad(field: str, message: str) -> None:
        out.append(Problem(e.id, field, message))

    facts = structure_facts(e.smiles)
    if facts is None:
        bad("smiles", f"does not parse: {e.smiles!r}")
    else:
        key, formula = facts
        if key != e.inchikey:
            bad("inchikey", f"{e.inchikey!r} but the structure gives {key!r}")
        if e.formula and formula != e.formula:
            bad("formula", f"{e.formula!r} but the structure gives {formula!r}")
    for cas in e.all_cas:
        if not check_digit_ok(cas):
            bad("cas", f"{cas!r} fails the CAS check digit")
    for cas, form in e.salt_cas:
        if not form:
            bad("salt_cas", f"{cas} has no form (write CAS=form, e.g. =hydrochloride)")
    for name in e.names_zh:
        stripped, words = strip_salt_words(name)
        if words:
            bad("names_zh", f"{name!r} carries salt words {words} (the matcher strips them)")
    if e.tier not in TIERS:
        bad("tier", f"{e.tier!r} is not one of {sorted(TIERS)}")
    for regime in e.regimes:
        if regime not in regimes:
            bad("regimes", f"unknown regime code {regime!r}")
    for family in e.family:
        if family not in FAMILIES:
            bad("family", f"unknown family {family!r}")
    if not e.sources:
        bad("sources", "no source for this entry")
    for source in e.sources:
        if source.count("(") != source.count(")"):
            bad("sources", f"unbalanced parentheses (a ';' inside a source splits it): {source!r}")
    for fname in ("synonyms", "abbreviations", "names_zh", "names_other"):
        for name in getattr(e, fname):
            if name.count("(") != name.count(")") or name.count("[") != name.count("]"):
                bad(fname, f"unbalanced brackets in {name!r}")
    if not e.name:
        bad("name", "empty")
    return out


def check_files(data_dir: Path | str) -> list[Problem]:
    """Problems that stop the data loading at all: missing files, bad encoding, missing columns."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    for name, columns in REQUIRED_COLUMNS.items():
        path = data_dir / name
        if not path.exists():
            if name in REQUIRED_FILES:
                problems.append(Problem(name, "file", f"missing from {data_dir}"))
            continue
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                header = next(csv.reader(fh), [])
                rows = sum(1 for _ in fh)
        except (UnicodeDecodeError, csv.Error) as exc:
            problems.append(Problem(name, "file", f"unreadable: {exc}"))
            continue
        missing = [c for c in columns if c not in header]
        if missing:
            problems.append(Problem(name, "header", f"missing columns: {', '.join(missing)}"))
        if name == "watchlist.csv" and not rows:
            problems.append(Problem(name, "rows", "no entries"))
    if not (data_dir / "VERSION").exists():
        problems.append(Problem("VERSION", "file", f"missing from {data_dir}"))
    return problems


# Entries drawn differently from their record in the PubChem-derived table although it is the same
# substance (checked by hand; see the rows' notes).
CROSS_CHECK_EXCEPTIONS = {
    "hypophosphorous-acid": "the table's record for 6303-21-5 (O=PO) lacks hydrogens",
    "white-phosphorus": "the table files 'white phosphorus' under elemental [P], the row is P4",
}


def cross_check(wl: Watchlist, dictionary) -> list[Problem]:
    """Compare every CAS number and English/Spanish name with the offline PubChem-derived table.

    A CAS number (salts by their parent) or name the table knows must denote the row's structure.
    Catches the commonest errors in published precursor lists: a valid CAS number attached to the
    wrong compound (3612-20-2, 1-benzyl-4-piperidone, sold as "4-piperidone") and a trade name
    that belongs to another compound ("piperonylacetone" is not PMK).
    """
    from chem.standardize import standardize

    def block(smiles: str, inchikey: str) -> str:
        return standardize(smiles).connectivity or inchikey[:14]

    problems: list[Problem] = []
    for e in wl.entries:
        if e.id in CROSS_CHECK_EXCEPTIONS:
            continue
        ours = {e.connectivity, standardize(e.smiles).connectivity if e.smiles else None}
        for cas in e.all_cas:
            rec = dictionary.lookup_cas(cas)
            if rec is not None and rec.smiles and block(rec.smiles, rec.inchikey) not in ours:
                problems.append(Problem(e.id, "cas", f"{cas} is {rec.name or rec.smiles!r} "
                                                     f"({rec.inchikey}) in the PubChem-derived "
                                                     f"table, not this structure"))
        for name in (e.name, *e.synonyms, *e.names_other):
            if primed_key(name):
                continue  # the table's keys drop primes: 3'-chloro and 3-chloro look alike there
            rec = dictionary.lookup_name(name)
            if rec is not None and rec.smiles and block(rec.smiles, rec.inchikey) not in ours:
                problems.append(Problem(e.id, "names", f"{name!r} is {rec.name!r} (CAS {rec.cas}) "
                                                       f"in the PubChem-derived table, not this "
                                                       f"structure"))
    by_id = wl.by_id()
    for local in wl.local_names:  # names in other languages the table happens to know
        e = by_id.get(local.entry)
        if e is None or e.id in CROSS_CHECK_EXCEPTIONS or not is_latin(local.name):
            continue
        rec = dictionary.lookup_name(local.name)
        if rec is not None and rec.smiles and block(rec.smiles, rec.inchikey) != e.connectivity \
                and block(rec.smiles, rec.inchikey) != standardize(e.smiles).connectivity:
            problems.append(Problem("names_i18n.csv", f"{e.id}:{local.name}",
                                    f"is {rec.name!r} (CAS {rec.cas}) in the PubChem table"))
    return problems


def _name_clashes(wl: Watchlist) -> list[Problem]:
    """A name, synonym or abbreviation on two entries of different structure is ambiguous.

    Stereoisomer rows (same InChIKey connectivity block) may share a stereo-free name.
    """
    owners: dict[str, dict[str, str]] = defaultdict(dict)  # key -> {entry id: connectivity}
    for e in wl.entries:
        for n in (e.name, *e.synonyms, *e.abbreviations, *e.names_other, *e.names_zh):
            key = name_key(n)
            if key:
                owners[key][e.id] = e.connectivity
    return [
        Problem(sorted(ids)[1], "names", f"{key!r} also names {sorted(ids)[0]!r}")
        for key, ids in owners.items()
        if len(set(ids.values())) > 1
    ]


def _local_name_problems(wl: Watchlist) -> list[Problem]:
    """names_i18n.csv and short_forms.csv: a known entry, a source on every row, and no name
    (or short form) on two entries of different structure."""
    by_id = wl.by_id()
    problems: list[Problem] = []
    owners: dict[str, dict[str, str]] = defaultdict(dict)
    for e in wl.entries:
        for n in (e.name, *e.synonyms, *e.names_other):
            owners[name_key(n)][e.id] = e.connectivity
    for local in wl.local_names:
        where = f"{local.entry}:{local.language}:{local.name}"
        entry = by_id.get(local.entry)
        if entry is None:
            problems.append(Problem("names_i18n.csv", where, "unknown entry"))
            continue
        if not local.source:
            problems.append(Problem("names_i18n.csv", where, "no source"))
        if len(local.language) != 2 or not local.language.isalpha():
            problems.append(Problem("names_i18n.csv", where, "language is not an ISO 639-1 code"))
        key = name_key(local.name) if is_latin(local.name) else ""
        if key:
            owners[key][entry.id] = entry.connectivity
    for sf in wl.short_forms:
        if sf.entry not in by_id:
            problems.append(Problem("short_forms.csv", sf.short_form, "unknown entry"))
        elif not sf.source:
            problems.append(Problem("short_forms.csv", sf.short_form, "no source"))
    problems.extend(Problem("names_i18n.csv", key, f"names {sorted(ids)}")
                    for key, ids in owners.items() if len(set(ids.values())) > 1)
    return problems


def _rule_covers_entry(smarts: str, smiles: str) -> bool:
    patt = Chem.MolFromSmarts(smarts)
    mol = Chem.MolFromSmiles(smiles) if smiles else None
    return patt is None or mol is None or mol.HasSubstructMatch(patt)  # parse errors reported apart


def validate(wl: Watchlist) -> list[Problem]:
    """Every problem in the watchlist data; an empty list means it is sound."""
    RDLogger.DisableLog("rdApp.*")  # parse failures become Problems, not stderr noise
    try:
        return _validate(wl)
    finally:
        RDLogger.EnableLog("rdApp.*")


def _validate(wl: Watchlist) -> list[Problem]:
    problems: list[Problem] = []
    ids: dict[str, int] = defaultdict(int)
    cas_owner: dict[str, str] = {}
    keys: dict[str, str] = {}
    for e in wl.entries:
        ids[e.id] += 1
        problems.extend(_entry_problems(e, wl.regimes))
        for cas in e.all_cas:
            if cas in cas_owner and cas_owner[cas] != e.id:
                problems.append(Problem(e.id, "cas", f"{cas} also belongs to {cas_owner[cas]}"))
            cas_owner.setdefault(cas, e.id)
        if e.inchikey in keys:
            problems.append(Problem(e.id, "inchikey", f"same structure as {keys[e.inchikey]}"))
        keys.setdefault(e.inchikey, e.id)
    problems.extend(Problem(i, "id", f"used by {n} entries") for i, n in ids.items() if n > 1)
    problems.extend(_name_clashes(wl))
    entries = wl.by_id()
    for rule in wl.classes:
        if Chem.MolFromSmarts(rule.smarts) is None:
            problems.append(Problem("classes.csv", rule.id, f"SMARTS does not compile: "
                                                            f"{rule.smarts!r}"))
        if rule.entry not in ids:
            problems.append(Problem("classes.csv", rule.id, f"unknown entry {rule.entry!r}"))
        elif not _rule_covers_entry(rule.smarts, entries[rule.entry].smiles):
            problems.append(Problem("classes.csv", rule.id,
                                    f"SMARTS does not match its own entry {rule.entry!r}"))
        for regime in rule.regimes:
            if regime not in wl.regimes:
                problems.append(Problem("classes.csv", rule.id, f"unknown regime {regime!r}"))
    for t in wl.transforms:
        try:
            rxn = AllChem.ReactionFromSmarts(t.rxn)
        except (ValueError, RuntimeError):  # RDKit's ChemicalReactionParserException
            rxn = None
        if rxn is None:
            problems.append(Problem("transforms.csv", t.id, f"reaction does not compile: "
                                                            f"{t.rxn!r}"))
        elif rxn.GetNumReactantTemplates() != 1:
            problems.append(Problem("transforms.csv", t.id, "needs exactly one reactant"))
    abbreviations = {name_key(a) for e in wl.entries for a in e.abbreviations}
    for c in wl.clashes:
        if c.cas and not check_digit_ok(c.cas):
            problems.append(Problem("abbreviation_clashes.csv", c.abbreviation,
                                    f"{c.cas!r} fails the CAS check digit"))
        if name_key(c.abbreviation) not in abbreviations:
            problems.append(Problem("abbreviation_clashes.csv", c.abbreviation,
                                    "no watchlist entry uses this abbreviation"))
        if not c.guard_terms:
            problems.append(Problem("abbreviation_clashes.csv", c.abbreviation,
                                    "no guard terms"))
    problems.extend(_regime_problems(wl))
    problems.extend(_local_name_problems(wl))
    problems.extend(Problem(where, what, message) for where, what, message in radar_problems(wl))
    problems.extend(Problem("changelog.csv", where, message)
                    for where, message in changelog.check(wl))
    return problems


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _regime_problems(wl: Watchlist) -> list[Problem]:
    out = []
    for code, regime in wl.regimes.items():
        if not regime.meaning or not regime.sources:
            out.append(Problem("regimes.csv", code, "needs a meaning and its sources"))
        if _parse_date(regime.last_checked) is None:
            out.append(Problem("regimes.csv", code, f"last_checked {regime.last_checked!r} is not "
                                                    f"a date (YYYY-MM-DD)"))
    return out


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (clamped to the month's end)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def staleness(wl: Watchlist, today: dt.date) -> list[Problem]:
    """Warnings, not errors: regimes last checked more than six months before `today`, or in
    its future. `today` is passed in so the result does not depend on the clock."""
    cutoff = months_before(today, STALE_AFTER_MONTHS)
    out = []
    for code, regime in sorted(wl.regimes.items()):
        checked = _parse_date(regime.last_checked)
        if checked is None:
            continue  # reported by validate
        if checked < cutoff:
            out.append(Problem("regimes.csv", code,
                               f"last checked {checked.isoformat()}, more than "
                               f"{STALE_AFTER_MONTHS} months before {today.isoformat()}: "
                               f"re-check it against {regime.sources}"))
        elif checked > today:
            out.append(Problem("regimes.csv", code, f"last checked {checked.isoformat()}, after "
                                                    f"{today.isoformat()}"))
    return out
