"""Offline dictionary of ordinary chemical names and CAS numbers -> structures.

Source: the PubChem-derived identifier tables shipped by the `chemicals` package (ChEDL; columns:
PubChem CID, CAS, formula, MW, SMILES, InChI, InChIKey, IUPAC name, common name, synonyms...).
The index (name key -> record, CAS -> record) is built once and cached as a pickle under
$PRECURSOR_WATCH_CACHE (default ~/.cache/precursor-watch), keyed by the content (SHA-256) of the
source files and the name-normalization code, so a change to either rebuilds it and a new
install of the same files (new file times) does not; copies unused for STALE_DAYS are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import re
from collections.abc import Callable
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


STALE_DAYS = 14  # index copies of other keys unused this long are removed


def content_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, remembered in the cache folder under (path, size, mtime), so
    a new install of the same tables (new file times) finds the same index and an unchanged
    file is not read again."""
    st = path.stat()
    memo = cache_dir() / "digests.json"
    key = f"{path.resolve()}:{st.st_size}:{st.st_mtime_ns}"
    try:
        known = json.loads(memo.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if key in known:
        return known[key]
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    known[key] = h.hexdigest()
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        tmp = memo.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(known), encoding="utf-8")
        tmp.replace(memo)
    except OSError:
        pass  # read-only cache folder: hash again next time
    return known[key]


def remove_stale(keep: Path, days: float = STALE_DAYS) -> list[Path]:
    """Delete the index copies (about 50 MB each) other than `keep` that no process has
    loaded for `days` (an old version's, or one keyed on file times); the paths removed."""
    import time

    removed = []
    cutoff = time.time() - days * 86400
    for old in keep.parent.glob("dictionary-*.pickle"):
        try:
            if old != keep and old.stat().st_mtime < cutoff:
                old.unlink()
                removed.append(old)
        except OSError:
            continue  # another process removed or holds it
    return removed


def _fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256(f"format={INDEX_FORMAT}".encode())
    digest.update(Path(text_mod.__file__).read_bytes())
    for f in files:
        digest.update(f"{f.name}:{content_digest(f)}".encode())
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
        result = self.standardized_of(smiles)
        return None if result is None else (result, self.parent_mol_of(smiles))

    def standardized_of(self, smiles: str) -> Standardized | None:
        """`parent_of` without the molecule (nothing is unpickled)."""
        found = self.parents.get(smiles)
        return None if found is None else found[0]

    def parent_mol_of(self, smiles: str) -> Chem.Mol | None:
        """The parent molecule of `parent_of`, unpickled afresh on each call."""
        found = self.parents.get(smiles)
        return Chem.Mol(found[1]) if found is not None and found[1] is not None else None

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
    def build(cls, files: list[Path], progress: Progress | None = None,
              workers: int = 1) -> Dictionary:
        """The index of the `chemicals` tables; `progress(step, done, total)` is called as the
        structure passes go (the long part of a build), done by `workers` forked processes
        when more than one (only from a process without threads: `ensure_index`)."""
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
        names = {k: v[1] for k, v in best_name.items()}
        if workers > 1:
            return cls(records, names, by_cas, *_structures_in_workers(records, workers, progress))
        return cls(records, names, by_cas,
                   *_canonical_index(records, progress), *_parent_index(records, progress))


Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 2000  # records between progress calls


def _canonical_index(records: list[Record], progress: Progress | None = None,
                     ) -> tuple[dict[str, int], dict[str, int]]:
    """Canonical SMILES -> record, computed once with the index: a listing's SMILES found here
    takes the record's InChIKey instead of computing InChI again. Beside it, each record's own
    SMILES string -> the record of its canonical form (a listing that prints it is not parsed)."""
    from rdkit import RDLogger

    RDLogger.DisableLog("rdApp.*")
    out: dict[str, int] = {}
    canonical_of: dict[str, str] = {}
    for idx, rec in enumerate(records):
        if progress and idx % PROGRESS_EVERY == 0:
            progress("canonical SMILES", idx, len(records))
        mol = Chem.MolFromSmiles(rec.smiles) if rec.smiles and rec.inchikey else None
        if mol is not None:
            canonical = Chem.MolToSmiles(mol)
            out.setdefault(canonical, idx)
            canonical_of.setdefault(rec.smiles, canonical)
    return out, {smiles: out[canonical] for smiles, canonical in canonical_of.items()}


def _parent_index(records: list[Record], progress: Progress | None = None,
                  ) -> tuple[dict[str, tuple[Standardized, bytes | None, str | None]],
                             dict[str, str]]:
    """Every record's standardization, done once with the index: a plain SMILES that is its own
    parent keeps only its canonical SMILES; salts, charged, labelled and normalized forms keep
    the result of the full ChEMBL-order work and the parent molecule."""
    parents: dict[str, tuple[Standardized, bytes | None, str | None]] = {}
    canonicals: dict[str, str] = {}
    run = standardize_mod._standardize.__wrapped__  # uncached: 70k molecules stay out of memory
    for i, rec in enumerate(records):
        if progress and i % PROGRESS_EVERY == 0:
            progress("parents", i, len(records))
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


STRUCTURE_CHUNK = 2000  # records per task of a parallel build


def _structure_chunk(records: list[Record]) -> tuple[list[str | None], list[tuple]]:
    """A worker's share of both structure passes: each record's canonical SMILES, and the
    standardization of each SMILES (first occurrence in the chunk)."""
    from rdkit import RDLogger

    RDLogger.DisableLog("rdApp.*")
    canonical: list[str | None] = []
    for rec in records:
        mol = Chem.MolFromSmiles(rec.smiles) if rec.smiles and rec.inchikey else None
        canonical.append(Chem.MolToSmiles(mol) if mol is not None else None)
    seen: set[str] = set()
    forms: list[tuple] = []  # (index in the chunk, kind, value): keys stay the records' strings
    run = standardize_mod._standardize.__wrapped__
    for i, rec in enumerate(records):
        smiles = rec.smiles
        if not smiles or not rec.inchikey or smiles in seen:
            continue
        seen.add(smiles)
        mol = plain_mol(smiles)
        if mol is not None:
            forms.append((i, "canonical", Chem.MolToSmiles(mol)))
            continue
        result, parent = run(smiles, None)
        raw = Chem.MolFromSmiles(smiles)
        forms.append((i, "parent", (result, parent.ToBinary() if parent is not None else None,
                                    not_a_sold_form(raw) if raw is not None else None)))
    return canonical, forms


def _structures_in_workers(records: list[Record], workers: int, progress: Progress | None):
    """What `_canonical_index` and `_parent_index` give, computed by forked worker processes
    on chunks and merged in record order (first occurrence wins, as in one process)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunks = [records[i:i + STRUCTURE_CHUNK] for i in range(0, len(records), STRUCTURE_CHUNK)]
    by_smiles: dict[str, int] = {}
    canonical_of: dict[str, str] = {}
    parents: dict = {}
    canonicals: dict[str, str] = {}
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for n, (canonical, forms) in enumerate(pool.map(_structure_chunk, chunks)):
            base = n * STRUCTURE_CHUNK
            for offset, canon in enumerate(canonical):
                if canon is not None:
                    by_smiles.setdefault(canon, base + offset)
                    canonical_of.setdefault(records[base + offset].smiles, canon)
            for i, kind, value in forms:
                smiles = records[base + i].smiles
                if smiles in parents or smiles in canonicals:
                    continue
                (canonicals if kind == "canonical" else parents)[smiles] = value
            if progress:
                progress("structures", base + len(canonical), len(records))
    return (by_smiles, {smiles: by_smiles[c] for smiles, c in canonical_of.items()},
            parents, canonicals)


BUILD_WORKERS_ENV = "PRECURSOR_WATCH_BUILD_WORKERS"


def build_workers() -> int:
    """Processes for a first build of the index: $PRECURSOR_WATCH_BUILD_WORKERS, else the
    CPUs this process may use."""
    try:
        return max(1, int(os.environ.get(BUILD_WORKERS_ENV, "0")) or len(os.sched_getaffinity(0)))
    except (ValueError, AttributeError):
        return os.cpu_count() or 1


def index_path(files: list[Path] | None = None) -> Path:
    """Where the index of the current source files, code and data is cached (may not exist
    yet: the first `default_dictionary()` builds it)."""
    key = _fingerprint(source_files() if files is None else files)
    return cache_dir() / f"dictionary-{key}.pickle"


def default_dictionary() -> Dictionary:
    """The offline dictionary indexed with the active data directory's text tables and
    normalizations (name keys and parents depend on them)."""
    return _dictionary(text_mod.active_data_dir(), standardize_mod._ACTIVE[0])


@lru_cache(maxsize=2)
def _dictionary(text_dir: Path, standardize_dir: Path) -> Dictionary:
    files = source_files()
    if not files:
        return Dictionary([], {}, {})
    path = index_path(files)
    if path.exists():
        try:
            with path.open("rb") as fh:
                loaded = Dictionary(*pickle.load(fh))
            with contextlib.suppress(OSError):
                os.utime(path)  # in use: not stale
            return loaded
        except (OSError, EOFError, ValueError, TypeError, AttributeError, pickle.UnpicklingError):
            pass  # a corrupt or stale cache is rebuilt below
    return _build_and_save(files, path)


def ensure_index(progress: Progress | None = None) -> int | None:
    """Build and cache the index unless it is cached already (its record count when it was
    built, else None), reporting the build's progress; `default_dictionary()` then loads it."""
    files = source_files()
    if not files or index_path(files).exists():
        return None
    return len(_build_and_save(files, index_path(files), progress, build_workers()).records)


def _build_and_save(files: list[Path], path: Path, progress: Progress | None = None,
                    workers: int = 1) -> Dictionary:
    built = Dictionary.build(files, progress, workers)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        with tmp.open("wb") as fh:
            pickle.dump((built.records, built.by_name, built.by_cas, built.by_smiles,
                         built.by_record_smiles, built.parents, built.canonicals), fh,
                        protocol=5)
        tmp.replace(path)
        remove_stale(path)
    except OSError:
        pass  # read-only home: work from memory
    return built


default_dictionary.cache_clear = _dictionary.cache_clear  # type: ignore[attr-defined]
