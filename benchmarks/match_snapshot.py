"""Everything `match` answers on fixed listings, one JSON line per listing, to diff before and
after a speed change (a change for speed must not change a single result).

    python benchmarks/match_snapshot.py OUT_DIR [SET.jsonl ...]

Writes OUT_DIR/<name>.jsonl for each set: every listing's hits, mentions, substances, errors,
page kind and page cues (keys sorted). The sets are the project's real-text sets
(tests/data/real_text*.jsonl), any evaluation set given (lines {"id", "listing"}), and
bench_match's generated workloads (all-distinct 20,000, the same with SMILES rewritten, 5,000
repeated). Then `diff -r BEFORE AFTER` (or `cmp` file by file): no output, no change.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_match  # noqa: E402  (the workloads are generated there)

from chem.matcher import Matcher, Result  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REAL_SETS = sorted((ROOT / "tests" / "data").glob("real_text*.jsonl"))


def read_set(path: Path) -> list[dict]:
    """Listings of an evaluation set (each line {"id", "listing": {...}})."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            out.append({**case["listing"], "id": case["id"]})
    return out


def line_of(result: Result) -> str:
    out = result.as_dict(with_substances=True)
    out["page_cues"] = list(result.page_cues)
    out["errors"] = result.errors
    return json.dumps(out, ensure_ascii=False, sort_keys=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("sets", nargs="*", type=Path, help="more evaluation sets (JSON Lines)")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    matcher = Matcher()
    sets = {p.stem: read_set(p) for p in [*REAL_SETS, *a.sets]}
    distinct = bench_match.distinct_pool(20_000, a.seed, matcher.watchlist)
    sets["bench-distinct"] = distinct
    sets["bench-rewritten"] = bench_match.rewritten(distinct, a.seed)
    sets["bench-repeated"] = bench_match.repeated(5_000, 3_000, a.seed, matcher.watchlist)
    a.out.mkdir(parents=True, exist_ok=True)
    for name, listings in sets.items():
        lines = [line_of(r) for r in matcher.match_many(listings)]
        (a.out / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{name}: {len(lines)} listings -> {a.out / (name + '.jsonl')}")


if __name__ == "__main__":
    main()
