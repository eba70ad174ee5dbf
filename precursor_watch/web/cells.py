"""Readable Datasette cells: JSON arrays as lists, countries as code + name, structure drawings
for InChIKeys, vendor ids as links to the dossier with the vendor's name, evidence ids as links
to the inert archived copy. Everything scraped is escaped (markupsafe)."""

from __future__ import annotations

import json
from urllib.parse import quote as _quote

from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from pipelines.catalog.links import safe_link
from precursor_watch.web.countries import country_label

STRUCTURE_TABLES = {"substances": "inchikey", "watchlist_entries": "inchikey"}
STRUCTURE_COLUMNS = {"structure", "entry_inchikey", "substance"}
VENDOR_COLUMNS = {"vendor", "kept", "merged", "merged_into", "other"}
EVIDENCE_COLUMNS = {"evidence_id"}
EVIDENCE_TABLES = {"listings", "vendor_profiles", "listing_versions"}
COUNTRY_COLUMNS = {"country"}


def quote(value) -> str:
    return _quote(str(value), safe="")


def as_text_list(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _json_list(value) -> list | None:
    if not (isinstance(value, str) and value.startswith("[") and value.endswith("]")):
        return None
    try:
        out = json.loads(value)
    except ValueError:
        return None
    return out if isinstance(out, list) else None


def structure_img(datasette, key: str) -> Markup:
    src = datasette.urls.path(f"/-/structure/{quote(key)}.svg")
    return Markup(f'<img class="pw-structure" src="{escape(src)}" alt="structure {escape(key)}"'
                  f' width="120" height="120" loading="lazy"><br>{escape(key)}')


def render(row, value, column, table, database, datasette):
    foreign_key = isinstance(value, dict) and "value" in value
    if foreign_key:  # an expanded foreign key: Datasette links it by its label
        value = value["value"]
    if value is None:
        return None
    if isinstance(value, str) and value.strip()[:8].lower().startswith(("http:", "https:")) \
            and not safe_link(value):
        return escape(value)  # Datasette would link it; scraped URLs are links only when safe
    if column == "listing" and not foreign_key and isinstance(value, str) \
            and table != "listings":
        href = datasette.urls.row(database, "listings", tilde_encode(value))
        return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
    if isinstance(value, str) and value and (
            STRUCTURE_TABLES.get(table) == column or column in STRUCTURE_COLUMNS) \
            and len(value) == 27 and value[14] == "-":
        return structure_img(datasette, value)
    if column in COUNTRY_COLUMNS and isinstance(value, str):
        return escape(country_label(value))
    if column in EVIDENCE_COLUMNS or (column == "evidence" and table in EVIDENCE_TABLES):
        href = datasette.urls.path(f"/-/evidence?id={quote(value)}")
        return Markup(f'<a href="{escape(href)}">archived copy</a>')
    if column in VENDOR_COLUMNS and isinstance(value, int) and table not in ("vendors",):
        return _vendor_link(datasette, database, value)
    if table == "hits" and column == "entry" and isinstance(value, str):
        return _entry_cell(datasette, database, value)
    items = _json_list(value)
    if items is not None:
        if all(isinstance(i, str | int | float) for i in items):
            return Markup("<br>".join(str(escape(str(i))) for i in items)) if items else ""
        return escape(json.dumps(items, ensure_ascii=False, indent=1))
    return None


def _vendor_link(datasette, database, vendor: int):
    async def inner():
        db = datasette.get_database(database)
        row = (await db.execute("select name from vendors where id = ?", [vendor])).first()
        name = row[0] if row and row[0] else f"vendor {vendor}"
        href = datasette.urls.path(f"/-/vendor/{vendor}")
        return Markup(f'<a href="{escape(href)}">{escape(name)}</a>')
    return inner


def _entry_cell(datasette, database, entry: str):
    """A hit's watchlist entry: its name linked to the entry, with the structure drawing."""
    async def inner():
        db = datasette.get_database(database)
        row = (await db.execute("select name, inchikey from watchlist_entries where id = ?",
                                [entry])).first()
        href = datasette.urls.row(database, "watchlist_entries", tilde_encode(entry))
        name = row[0] if row and row[0] else entry
        link = Markup(f'<a href="{escape(href)}">{escape(name)}</a>')
        return link + Markup("<br>") + structure_img(datasette, row[1]) if row and row[1] \
            else link
    return inner
