"""The radar's knowledge: controlled end products, reaction templates and the reagents they use.

Files (CSV, UTF-8, `;` separates list values), read by `chem.watchlist.load_watchlist`:
- controlled_drugs.csv: the drugs the watchlist's precursors lead to and their controlled analogues
  (structure, InChIKey, schedules, the year first controlled, sources);
- drug_schedules.csv: the schedule codes used there and what each means;
- routes.csv: routine synthesis steps as reaction SMARTS, forward (`rxn`) and backward (`retro`),
  each with a textbook example and a literature or regulatory source;
- route_partners.csv: the common reagents a two-reactant step may draw as its other reactant.
"""

from __future__ import annotations

from dataclasses import dataclass


def split_list(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(";") if v.strip())


@dataclass(frozen=True)
class Drug:
    id: str
    name: str
    systematic_name: str
    smiles: str
    inchikey: str
    formula: str
    family: str
    schedules: tuple[str, ...]  # UN61-I, UN71-II, US-CI, ... (drug_schedules.csv)
    controlled_since: int  # year first controlled under one of `schedules` (0 if unknown)
    sources: tuple[str, ...]
    notes: str

    @classmethod
    def from_row(cls, row: dict[str, str]) -> Drug:
        since = (row.get("controlled_since") or "").strip()
        return cls(
            id=row["id"].strip(), name=row["name"].strip(),
            systematic_name=(row.get("systematic_name") or "").strip(),
            smiles=row["smiles"].strip(), inchikey=row["inchikey"].strip(),
            formula=(row.get("formula") or "").strip(), family=(row.get("family") or "").strip(),
            schedules=split_list(row.get("schedules")),
            controlled_since=int(since) if since.isdigit() else 0,
            sources=split_list(row.get("sources")), notes=(row.get("notes") or "").strip(),
        )


@dataclass(frozen=True)
class DrugSchedule:
    code: str
    meaning: str
    source: str


@dataclass(frozen=True)
class Route:
    """One routine step: `rxn` forward (one or two reactant templates, the substance in either),
    `retro` backward (one template, one or two products)."""

    id: str
    name: str  # as it reads in a reason: "alpha-bromination", "amination"
    kind: str
    rxn: str
    retro: str
    example_in: str
    example_partner: str
    example_out: str
    source: str
    notes: str

    @classmethod
    def from_row(cls, row: dict[str, str]) -> Route:
        return cls(**{f: (row.get(f) or "").strip() for f in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Partner:
    """A common reagent a two-reactant step may take as the other reactant."""

    id: str
    name: str
    smiles: str
    role: str
    notes: str

    @classmethod
    def from_row(cls, row: dict[str, str]) -> Partner:
        return cls(**{f: (row.get(f) or "").strip() for f in cls.__dataclass_fields__})


RADAR_FILES = ("controlled_drugs.csv", "drug_schedules.csv", "routes.csv", "route_partners.csv")
DRUG_COLUMNS = ("id", "name", "systematic_name", "smiles", "inchikey", "formula", "family",
                "schedules", "controlled_since", "sources", "notes")
ROUTE_COLUMNS = ("id", "name", "kind", "rxn", "retro", "example_in", "example_partner",
                 "example_out", "source", "notes")
PARTNER_COLUMNS = ("id", "name", "smiles", "role", "notes")
SCHEDULE_COLUMNS = ("code", "meaning", "source")
