"""The ordinary compounds and the vendor context of the radar's retrospective benchmark.

`make_pool` draws vendor-like small organics from the PubChem-derived identifier table of the
`chemicals` package (through `chem.dictionary`) with a fixed seed and writes them, with their
provenance, to benchmarks/data/radar_ordinary.csv; the benchmark reads that file, so its numbers
do not move when the table or the filter code changes. `offers` gives every substance vendors and
a first-seen date the same way for every wave (seeded).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from rdkit import Chem, RDLogger
from rdkit.Chem import Descriptors

POOL_PATH = Path(__file__).parent / "data" / "radar_ordinary.csv"
POOL_SEED = 20261207
ELEMENTS = {"C", "H", "N", "O", "S", "F", "Cl", "Br", "I", "P"}


def vendor_like(smiles: str) -> Chem.Mol | None:
    """A single neutral organic compound of the size chemical vendors catalogue (6-35 heavy
    atoms, MW <= 500, common elements, no isotopes), else None."""
    if "." in smiles or not smiles:
        return None
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return None
    atoms = mol.GetAtoms()
    if not any(a.GetSymbol() == "C" for a in atoms):
        return None
    if any(a.GetSymbol() not in ELEMENTS or a.GetIsotope() or a.GetFormalCharge()
           and a.GetSymbol() != "N" and a.GetSymbol() != "O" for a in atoms):
        return None
    if Chem.GetFormalCharge(mol) != 0:
        return None
    if not 6 <= mol.GetNumHeavyAtoms() <= 35 or Descriptors.MolWt(mol) > 500:
        return None
    return mol


def make_pool(n: int, exclude_keys: set[str], covered, seed: int = POOL_SEED,
              path: Path = POOL_PATH) -> int:
    """Draw `n` ordinary compounds: vendor-like, not covered by the current watchlist
    (`covered(smiles)`), not one of `exclude_keys` (InChIKey connectivity blocks of the
    watchlist and the controlled drugs). Written to `path`; returns how many."""
    from chem.dictionary import default_dictionary, source_files

    RDLogger.DisableLog("rdApp.*")
    records = sorted((r for r in default_dictionary().records if r.smiles and r.inchikey),
                     key=lambda r: r.inchikey)
    rng = random.Random(seed)
    rng.shuffle(records)
    out, seen = [], set()
    for r in records:
        block = r.inchikey[:14]
        if block in seen or block in exclude_keys:
            continue
        if vendor_like(r.smiles) is None or covered(r.smiles):
            continue
        seen.add(block)
        out.append(r)
        if len(out) >= n:
            break
    import chemicals

    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# {len(out)} ordinary compounds drawn with random.Random({seed}) from the "
                 f"PubChem-derived identifier table of chemicals {chemicals.__version__} "
                 f"({', '.join(f.name for f in source_files())}), sorted by InChIKey then "
                 f"shuffled; vendor-like (single neutral organic, 6-35 heavy atoms, MW <= 500, "
                 f"C H N O S F Cl Br I P, no isotopes), none covered by the watchlist matcher "
                 f"or a controlled drug. Written by benchmarks/bench_radar.py --make-pool.\n")
        w = csv.writer(fh)
        w.writerow(["cid", "cas", "name", "smiles", "inchikey"])
        for r in out:
            w.writerow([r.cid, r.cas, r.name, r.smiles, r.inchikey])
    return len(out)


def read_pool(path: Path = POOL_PATH) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines))


def offers(substances: list[str], precursors: list[str], to_schedule: set[str], seed: int,
           today: dt.date, n_vendors: int = 40, n_precursor_vendors: int = 10,
           p_precursor_vendor: float = 0.5) -> tuple[dict[str, tuple[str, ...]],
                                                     dict[str, str], dict[str, int]]:
    """Simulated market: `n_vendors` vendors, of which `n_precursor_vendors` also sell 2-12 of
    the listed `precursors`. Every substance is offered by 1-3 vendors drawn uniformly; a
    substance about to be scheduled (`to_schedule`) takes each of its vendors from the
    precursor vendors with probability `p_precursor_vendor` (regulators schedule what is
    seized, and what is seized was sold beside listed precursors). First-seen dates are
    uniform over the last two years for all. Returns vendors per substance, first-seen per
    substance and listed precursors per vendor."""
    rng = random.Random(seed)
    vendors = [f"vendor-{i:02d}" for i in range(n_vendors)]
    precursor_vendors = vendors[:n_precursor_vendors]
    listed_by_vendor = {v: len(rng.sample(precursors, min(len(precursors), rng.randint(2, 12))))
                        for v in precursor_vendors}
    offered: dict[str, tuple[str, ...]] = {}
    first_seen: dict[str, str] = {}
    for s in substances:
        chosen = set()
        for _ in range(rng.randint(1, 3)):
            if s in to_schedule and rng.random() < p_precursor_vendor:
                chosen.add(rng.choice(precursor_vendors))
            else:
                chosen.add(rng.choice(vendors))
        offered[s] = tuple(sorted(chosen))
        first_seen[s] = (today - dt.timedelta(days=rng.randint(0, 720))).isoformat()
    return offered, first_seen, listed_by_vendor
