"""The radar: unlisted substances a short, routine route away from a controlled drug or a listed
precursor, in a controlled series, and offered by the vendors who sell listed precursors.

Stages, data passed in:
- `RadarChemistry.build(watchlist, as_of)`: targets (controlled drugs, and watchlist entries that
  are precursors or pre-precursors), the backward route index (`chem.routes.RetroIndex`), the
  series index (`chem.series`), fingerprints of the listed entries and the matcher's structure
  index (what is already covered);
- `RadarChemistry.assess(smiles)`: one substance's chemistry (routes, series, nearest listed
  entry, covered or not); pure, cached by the caller if it wants;
- `score(chemistry, context, weights)`: the number, from the chemistry and the vendor context
  (vendors weighted by how many listed precursors they sell, vendors and platforms, recency).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

from chem.routes import (
    MAX_STEPS,
    Path,
    RetroIndex,
    Target,
    compile_routes,
    keyed,
    quiet_rdkit,
    route_key,
)
from chem.series import series_key, series_keys
from chem.structures import StructureIndex
from chem.watchlist import Watchlist

TARGET_TIERS = {"precursor": 0.9, "pre-precursor": 0.75}  # drugs weigh 1.0
STEP_FACTOR = {1: 1.0, 2: 0.8}
ANALOGUE_FACTOR = 0.7  # a route from a ring-substituted or homologous analogue of a predecessor
FORM_FACTOR = 0.9  # a route from another acid/ester/amide/nitrile form of a predecessor
LEAVING_GROUP_STEP = "leaving-group variant of"


@dataclass(frozen=True)
class Weights:
    chemistry: float = 0.6
    vendors: float = 0.25
    breadth: float = 0.1
    recency: float = 0.05
    recency_days: float = 180.0


@dataclass(frozen=True)
class RouteFinding:
    path: Path
    analogue_of: str  # "" for the substance itself, else the predecessor's key it resembles
    value: float
    kind: str = ""  # "" | "form" (acid/ester form of the predecessor) | "analogue"

    def drawing(self, smiles: str) -> dict:
        """The route as structures and arrows: the substance (or the predecessor it is an
        analogue of), the intermediate of a two-step route, the target; a label per arrow."""
        chain = [self.analogue_of or smiles]
        if self.path.intermediate:
            chain.append(self.path.intermediate)
        chain.append(self.path.target.smiles)
        return {"smiles": chain, "steps": list(self.path.steps),
                "target": self.path.target.name, "analogue": self.kind}

    def describe(self) -> str:
        text = self.path.describe()
        if self.kind == "form":
            text = f"{text} (as another acid/ester form of {self.analogue_of})"
        elif self.analogue_of:
            text = f"{text} (as a ring/chain analogue of {self.analogue_of})"
        return text


@dataclass
class Chemistry:
    """What the radar knows about one structure."""

    key: str
    covered: bool = False
    covered_by: str = ""
    routes: list[RouteFinding] = field(default_factory=list)
    series_of: list[Target] = field(default_factory=list)
    nearest: str = ""
    similarity: float = 0.0

    @property
    def route_value(self) -> float:
        return max((r.value for r in self.routes), default=0.0)

    @property
    def series_value(self) -> float:
        return max((_target_weight(t) * 0.8 for t in self.series_of), default=0.0)

    @property
    def value(self) -> float:
        """Route and series evidence combined (independent chances), plus a little for each
        further distinct target."""
        high, low = sorted((self.route_value, self.series_value), reverse=True)
        base = high + 0.25 * low * (1 - high)
        targets = {r.path.target.key for r in self.routes} | {t.key for t in self.series_of}
        return min(1.0, base + 0.03 * max(0, len(targets) - 1))

    def reasons(self) -> list[str]:
        out = [r.describe() for r in sorted(self.routes, key=lambda r: -r.value)[:3]]
        out += [f"in the controlled series of {t.name}" for t in self.series_of[:2]]
        if self.nearest:
            out.append(f"nearest listed entry: {self.nearest} (similarity {self.similarity:.2f})")
        return out


@dataclass(frozen=True)
class Context:
    """Where and when a substance is offered."""

    vendors: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    first_seen: str | None = None  # ISO date


def _target_weight(t: Target) -> float:
    return 1.0 if t.kind == "drug" else TARGET_TIERS.get(t.kind, 0.5)


def _path_value(path: Path, factor: float = 1.0) -> float:
    """A route's value: the target's weight, fewer steps, a larger share of the target brought
    by the substance, and `factor` for a route that starts from an analogue."""
    value = _target_weight(path.target) * STEP_FACTOR.get(path.length, 0.6)
    value *= 0.6 + 0.4 * path.contribution
    return value * factor


class RadarChemistry:
    """Indexes built once from a watchlist (and its drugs and routes)."""

    def __init__(self, watchlist: Watchlist, targets: list[Target], steps: int = MAX_STEPS):
        with quiet_rdkit():
            self._build(watchlist, targets, steps)

    def _build(self, watchlist: Watchlist, targets: list[Target], steps: int) -> None:
        self.watchlist = watchlist
        self.targets = targets
        self.routes = compile_routes(watchlist.routes)
        self.index = RetroIndex(targets, self.routes, watchlist.route_partners, steps)
        self.target_by_key: dict[str, Target] = {}
        for t in targets:  # the first of several leaving-group forms names them (the bromide)
            self.target_by_key.setdefault(t.key, t)
        self.target_smiles = {Chem.MolToSmiles(Chem.MolFromSmiles(t.smiles), isomericSmiles=False)
                              for t in targets}
        self.series: dict[str, list[Target]] = {}
        for t in targets:
            key = series_key(Chem.MolFromSmiles(t.smiles))
            if key:
                self.series.setdefault(key, []).append(t)
        self.pred_series: dict[str, list[str]] = {}  # series key -> predecessor keys
        self.pred_forms: dict[str, list[str]] = {}  # acid/ester form key -> predecessor keys
        for key in self.index.paths:
            mol = Chem.MolFromSmiles(key)
            if mol is None:
                continue
            skey, fkey = series_keys(mol)
            if skey:
                self.pred_series.setdefault(skey, []).append(key)
            if fkey:
                self.pred_forms.setdefault(fkey, []).append(key)
        self.structures = StructureIndex(watchlist)
        self._fpgen = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
        self._listed: list[tuple[str, object]] = []
        for e in watchlist.entries:
            mol = Chem.MolFromSmiles(e.smiles) if e.smiles else None
            if mol is not None and mol.GetNumHeavyAtoms() >= 3:
                self._listed.append((e.name, self._fpgen.GetFingerprint(mol)))
        self._listed_fps = [fp for _, fp in self._listed]

    @classmethod
    def build(cls, watchlist: Watchlist, as_of: dt.date | None = None) -> RadarChemistry:
        """Targets: drugs controlled by `as_of` (all when None) and the watchlist's precursors
        and pre-precursors."""
        targets: list[Target] = []
        for d in watchlist.drugs:
            if as_of is not None and d.controlled_since and d.controlled_since > as_of.year:
                continue
            mol = Chem.MolFromSmiles(d.smiles)
            if mol is not None:
                targets.append(Target(d.id, d.name, "drug", d.smiles, route_key(mol),
                                      mol.GetNumHeavyAtoms()))
        for e in watchlist.entries:
            if e.tier not in TARGET_TIERS or not e.smiles:
                continue
            mol = Chem.MolFromSmiles(e.smiles)
            if mol is not None:
                targets.append(Target(e.id, e.name, e.tier, e.smiles, route_key(mol),
                                      mol.GetNumHeavyAtoms()))
        return cls(watchlist, targets)

    def similarity(self, mol: Chem.Mol) -> tuple[str, float]:
        """The most similar listed entry (Morgan radius 2, Tanimoto): the plain baseline."""
        if not self._listed:
            return "", 0.0
        sims = DataStructs.BulkTanimotoSimilarity(self._fpgen.GetFingerprint(mol),
                                                  self._listed_fps)
        best = max(range(len(sims)), key=sims.__getitem__)
        return self._listed[best][0], sims[best]

    def assess(self, smiles: str, check_covered: bool = True, similarity: bool = False,
               ) -> Chemistry | None:
        """One structure's radar chemistry; None when the SMILES does not parse.

        The costlier parts run only for a structure with radar evidence (a route, a series):
        whether the matcher already covers it (`check_covered`; a structure without evidence
        scores no chemistry, and the catalog knows its matched substances anyway) and the
        nearest listed entry (always with `similarity`, the benchmark's baseline)."""
        with quiet_rdkit():
            return self._assess(smiles, check_covered, similarity)

    def _assess(self, smiles: str, check_covered: bool, similarity: bool) -> Chemistry | None:
        mol = Chem.MolFromSmiles(smiles)
        if mol is None:
            return None
        norm, key = keyed(mol)  # route_key(mol), and the molecule it was read from
        plain = key if norm is mol else None  # the SMILES the series keys start from
        chem = Chemistry(key)
        if key in self.target_by_key:
            target = self.target_by_key[key]
            if (plain or Chem.MolToSmiles(mol, isomericSmiles=False)) in self.target_smiles:
                chem.covered = True
                chem.covered_by = f"is {target.name}"
            else:  # the same reagent with another leaving group (chloride for bromide)
                path = Path((LEAVING_GROUP_STEP,), target, "", 1.0)
                chem.routes.append(RouteFinding(path, "", _target_weight(target) * 0.95))
        for path in self.index.lookup(key):
            chem.routes.append(RouteFinding(path, "", _path_value(path)))
        skey, fkey = series_keys(mol, form=not chem.routes, smiles=plain)
        if not chem.routes:
            for pred in self.pred_forms.get(fkey, [])[:8] if fkey else ():
                for path in self.index.lookup(pred):
                    chem.routes.append(RouteFinding(path, pred, _path_value(path, FORM_FACTOR),
                                                    "form"))
        if skey:
            chem.series_of = [t for t in self.series.get(skey, []) if t.key != key]
            if not chem.routes:
                for pred in self.pred_series.get(skey, [])[:8]:
                    for path in self.index.lookup(pred):
                        chem.routes.append(RouteFinding(path, pred,
                                                        _path_value(path, ANALOGUE_FACTOR),
                                                        "analogue"))
        evidence = bool(chem.routes or chem.series_of)
        if check_covered and evidence and not chem.covered:
            hits = self.structures.hits(smiles, "smiles")
            if hits:
                chem.covered, chem.covered_by = True, hits[0].evidence
        if evidence or similarity:
            chem.nearest, chem.similarity = self.similarity(mol)
        return chem


def vendor_weight(listed_count: int) -> float:
    """A vendor's weight as a precursor source: how many listed precursors it also sells."""
    return listed_count / (listed_count + 2.0)


def score(chem: Chemistry, context: Context, listed_by_vendor: dict[str, int],
          today: dt.date, weights: Weights = Weights()) -> tuple[float, dict[str, float]]:
    """The radar score in [0, 1] and its parts."""
    vendor_mass = sum(vendor_weight(listed_by_vendor.get(v, 0)) for v in set(context.vendors))
    parts = {
        "chemistry": chem.value,
        "vendors": 1 - math.exp(-vendor_mass),
        "breadth": 1 - math.exp(-(len(set(context.vendors)) + len(set(context.platforms))) / 4),
        "recency": _recency(context.first_seen, today, weights.recency_days),
    }
    total = (weights.chemistry * parts["chemistry"] + weights.vendors * parts["vendors"]
             + weights.breadth * parts["breadth"] + weights.recency * parts["recency"])
    return round(total, 4), parts


def _recency(first_seen: str | None, today: dt.date, days: float) -> float:
    if not first_seen:
        return 0.0
    try:
        seen = dt.date.fromisoformat(first_seen[:10])
    except ValueError:
        return 0.0
    return math.exp(-max(0, (today - seen).days) / days)


def vendor_reason(context: Context, listed_by_vendor: dict[str, int]) -> str:
    parts = [f"{v} ({listed_by_vendor[v]} listed)" if listed_by_vendor.get(v) else v
             for v in sorted(set(context.vendors), key=lambda v: -listed_by_vendor.get(v, 0))]
    return "vendors: " + ", ".join(parts[:5]) + (" ..." if len(parts) > 5 else "")
