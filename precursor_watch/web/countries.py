"""Countries for display: one ISO 3166 code per country however vendors wrote it ("CN", "China",
"中国"), shown with its English and Chinese names. Codes come from `identifiers.region_for`."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from pipelines.catalog.identifiers import region_for

DATA_DIR = Path(__file__).parent / "data"


@lru_cache(maxsize=1)
def _names() -> dict[str, tuple[str, str]]:
    with (DATA_DIR / "country_names.csv").open(encoding="utf-8", newline="") as fh:
        return {r["code"]: (r["name"], r["name_zh"]) for r in csv.DictReader(fh)}


def country_code(text: str | None) -> str | None:
    """ISO code for a country as written; None when it is empty or unknown."""
    return region_for(text) if text else None


def country_label(text: str | None) -> str:
    """'CN China (中国)' for any spelling of China; unknown spellings are kept as written."""
    if not text:
        return ""
    code = country_code(text)
    if code is None:
        return text
    name, zh = _names().get(code, ("", ""))
    if not name:
        return code
    return f"{code} {name} ({zh})" if zh else f"{code} {name}"
