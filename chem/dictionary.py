"""Offline dictionary of ordinary chemical names and CAS numbers -> structures.

Source: the PubChem-derived identifier tables shipped by the `chemicals` package (ChEDL; columns:
PubChem CID, CAS, formula, MW, SMILES, InChI, InChIKey, IUPAC name, common name, synonyms...).
The index (name key -> record, CAS -> record) is built once and cached as a pickle under
$PRECURSOR_WATCH_CACHE (default ~/.cache/precursor-watch), keyed by the source files and the
name-normalization code, so a change to either rebuilds it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdkit import Chem

from chem import standardize as standardize_mod
from chem import text as text_mod
from chem.cas import check_digit_ok
from chem.standardize import Standardized, not_a_sold_form, plain_mol
from chem.text import name_key

_CAS_SHAPE = re.compile(r"\d{2,7}-\d{2}-\d")
INDEX_FORMAT = 7


@dataclass(frozen=True)
class Record:
    cid: str
    cas: str
    formula: str
    smiles: str
    inchikey: str
    name: str  # the common name where there is one


def source_files() -> list[Path]:
    try:
        import chemicals
    except ImportError:  # pragma: no cover - a declared dependency
        return []
    folder = Path(chemicals.__file__).parent / "Identifiers"
    names = ["chemical identifiers pubchem small.tsv", "chemical identifiers pubchem large.tsv",
             "Inorganic db.tsv"]
    return [folder / n for n in names if (folder / n).exists()]


def cache_dir() -> Path:
    base = os.environ.get("PRECURSOR_WATCH_CACHE")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "precursor-watch"


def _fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256(f"format={INDEX_FORMAT}".encode())
    digest.update(Path(text_mod.__file__).read_bytes())
    for f in files:
        st = f.stat()
        digest.update(f"{f.name}:{st.st_size}:{int(st.st_mtime)}".encode())
    text_dir = text_mod.active_data_dir()
    for data in ("salt_words.csv", "confusables.csv", "zh_traditional.csv"):
        digest.update((text_dir / data).read_bytes())
    # the parents standardized at build time (`_parent_index`) follow this code and data
    from rdkit import __version__ as rdkit_version

    digest.update(f"rdkit={rdkit_version}".encode())
    digest.update(Path(standardize_mod.__file__).read_bytes())
    digest.update((standardize_mod._ACTIVE[0] / "normalizations.csv").read_bytes())
    return digest.hexdigest()[:16]


class Dictionary:
    """name key -> record and CAS -> record over ~70k PubChem compounds."""

    def __init__(self, records: list[Record], by_name: dict[str, int], by_cas: dict[str, int],
                 by_smiles: dict[str, int] | None = None,
                 by_record_smiles: dict[str, int] | None = None,
                 parents: dict[str, tuple[Standardized, bytes | None, str | None]] | None = None,
                 canonicals: dict[str, str] | None = None):
        self.records = records
        self.by_name = by_name
        self.by_cas = by_cas
        self.by_smiles = by_smiles or {}  # RDKit canonical isomeric SMILES -> record
        # a record's SMILES string -> the record `by_smiles` gives for its canonical form
        self.by_record_smiles = by_record_smiles or {}
        # Computed once with the index: a record SMILES that is its own parent -> its canonical
        # SMILES; any other (salt, charged, labelled, normalized form) -> its standardization
        # and parent molecule (RDKit binary).
        self.canonicals = canonicals or {}
        self.parents = parents or {}

    def canonical_of(self, smiles: str) -> str | None:
        return self.canonicals.get(smiles)

    def parent_of(self, smiles: str) -> tuple[Standardized, Chem.Mol | None] | None:
        """The standardization of a record's SMILES computed when the index was built."""
        found = self.parents.get(smiles)
        if found is None:
            return None
        result, binary, _ = found
        return result, (Chem.Mol(binary) if binary is not None else None)

    def sold_form(self, smiles: str) -> tuple[bool, str | None]:
        found = self.parents.get(smiles)
        return (False, None) if found is None else (True, found[2])

    def lookup_record_smiles(self, smiles: str) -> Record | None:
        """`lookup_smiles` of the canonical form of a record's own SMILES string, without
        parsing it (the canonical form was computed with the index)."""
        idx = self.by_record_smiles.get(smiles)
        return self.records[idx] if idx is not None else None

    def lookup_smiles(self, canonical: str) -> Record | None:
        """The record whose structure has this canonical SMILES (its InChIKey is then known)."""
        idx = self.by_smiles.get(canonical)
        return self.records[idx] if idx is not None else None

    def inchikey_of(self, canonical: str) -> str | None:
        """The standard InChIKey of the structure with this canonical SMILES, if indexed."""
        idx = self.by_smiles.get(canonical)
        return self.records[idx].inchikey if idx is not None else None

    def lookup_name(self, name: str) -> Record | None:
        idx = self.by_name.get(name_key(name))
        return self.records[idx] if idx is not None else None

    def lookup_key(self, key: str) -> Record | None:
        idx = self.by_name.get(key)
        return self.records[idx] if idx is not None else None

    def lookup_cas(self, cas: str) -> Record | None:
        idx = self.by_cas.get(cas)
        return self.records[idx] if idx is not None else None

    def names_for_inchikey_blocks(self, blocks: set[str]) -> dict[str, list[str]]:
        """Every synonym key whose record's connectivity block is in `blocks`."""
        out: dict[str, list[str]] = {}
        for key, idx in self.by_name.items():
            block = self.records[idx].inchikey[:14]
            if block in blocks:
                out.setdefault(block, []).append(key)
        return out

    @classmethod
    def build(cls, files: list[Path]) -> Dictionary:
        records: list[Record] = []
        best_name: dict[str, tuple[int, int]] = {}  # key -> (column rank, record index)
        by_cas: dict[str, int] = {}
        secondary_cas: dict[str, int] = {}
        for path in files:
            with path.open(encoding="utf-8", errors="replace") as fh:
                for line in fh:
                    cols = line.rstrip("\n").split("\t")
                    if len(cols) < 8 or not cols[4]:
                        continue
                    idx = len(records)
                    common = cols[8] if len(cols) > 8 and cols[8] else cols[7]
                    records.append(Record(cols[0], cols[1], cols[2], cols[4], cols[6], common))
                    if cols[1] and cols[1] not in by_cas:
                        by_cas[cols[1]] = idx
                    for rank, name in enumerate(cols[7:]):
                        name = name.strip()
                        if not name or len(name) > 200:
                            continue
                        if _CAS_SHAPE.fullmatch(name):
                            if check_digit_ok(name):
                                secondary_cas.setdefault(name, idx)
                            continue
                        key = name_key(name)
                        if len(key) < 3:
                            continue
                        prev = best_name.get(key)
                        if prev is None or rank < prev[0]:
                            best_name[key] = (rank, idx)
        for cas, idx in secondary_cas.items():
            by_cas.setdefault(cas, idx)
        return cls(records, {k: v[1] for k, v in best_name.items()}, by_cas,
                   *_canonical_index(records), *_parent_index(records))


def _canonical_index(records: list[Record]) -> tuple[dict[str, int], dict[str, int]]:
    """Canonical SMILES -> record, computed once with the index: a listing's SMILES found here
    takes the record's InChIKey instead of computing InChI again. Beside it, each record's own
    SMILES string -> the record of its canonical form (a listing that prints it is not parsed)."""
    from rdkit import RDLogger

    RDLogger.DisableLog("rdApp.*")
    out: dict[str, int] = {}
    canonical_of: dict[str, str] = {}
    for idx, rec in enumerate(records):
        mol = Chem.MolFromSmiles(rec.smiles) if rec.smiles and rec.inchikey else None
        if mol is not None:
            canonical = Chem.MolToSmiles(mol)
            out.setdefault(canonical, idx)
            canonical_of.setdefault(rec.smiles, canonical)
    return out, {smiles: out[canonical] for smiles, canonical in canonical_of.items()}


def _parent_index(records: list[Record],
                  ) -> tuple[dict[str, tuple[Standardized, bytes | None, str | None]],
                             dict[str, str]]:
    """Every record's standardization, done once with the index: a plain SMILES that is its own
    parent keeps only its canonical SMILES; salts, charged, labelled and normalized forms keep
    the result of the full ChEMBL-order work and the parent molecule."""
    parents: dict[str, tuple[Standardized, bytes | None, str | None]] = {}
    canonicals: dict[str, str] = {}
    run = standardize_mod._standardize.__wrapped__  # uncached: 70k molecules stay out of memory
    for rec in records:
        smiles = rec.smiles
        if not smiles or not rec.inchikey or smiles in parents or smiles in canonicals:
            continue
        mol = plain_mol(smiles)
        if mol is not None:
            canonicals[smiles] = Chem.MolToSmiles(mol)
            continue
        result, parent = run(smiles, None)
        raw = Chem.MolFromSmiles(smiles)
        parents[smiles] = (result, parent.ToBinary() if parent is not None else None,
                           not_a_sold_form(raw) if raw is not None else None)
    return parents, canonicals


def default_dictionary() -> Dictionary:
    """The offline dictionary indexed with the active data directory's text tables and
    normalizations (name keys and parents depend on them)."""
    return _dictionary(text_mod.active_data_dir(), standardize_mod._ACTIVE[0])


@lru_cache(maxsize=2)
def _dictionary(text_dir: Path, standardize_dir: Path) -> Dictionary:
    files = source_files()
    if not files:
        return Dictionary([], {}, {})
    path = cache_dir() / f"dictionary-{_fingerprint(files)}.pickle"
    if path.exists():
        try:
            with path.open("rb") as fh:
                return Dictionary(*pickle.load(fh))
        except (OSError, EOFError, ValueError, TypeError, AttributeError, pickle.UnpicklingError):
            pass  # a corrupt or stale cache is rebuilt below
    built = Dictionary.build(files)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        with tmp.open("wb") as fh:
            pickle.dump((built.records, built.by_name, built.by_cas, built.by_smiles,
                         built.by_record_smiles, built.parents, built.canonicals), fh,
                        protocol=5)
        tmp.replace(path)
    except OSError:
        pass  # read-only home: work from memory
    return built


default_dictionary.cache_clear = _dictionary.cache_clear  # type: ignore[attr-defined]
