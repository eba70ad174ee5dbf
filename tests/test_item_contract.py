"""Every field of every item reaches the catalog, or is excluded by name with the reason.

A listing and a vendor with every field set to a distinctive value go through validation and the
real catalog writer into a real SQLite file; each field is then looked up where the contract
(`pipelines/catalog/fields.py`) says it lives. A field added to `scrapers/items.py` fails here
until the catalog stores it or names why not.
"""

from __future__ import annotations

import json
import sqlite3
import typing
from dataclasses import fields

import pytest

from pipelines.catalog.connection import open_db
from pipelines.catalog.fields import (
    EVIDENCE_FIELDS,
    LATE_VERSIONED,
    LISTING_NOT_COLUMNS,
    LISTING_UNVERSIONED,
    VENDOR_NOT_COLUMNS,
    VERSIONED_FIELDS,
)
from pipelines.catalog.schema import TABLES
from pipelines.catalog.writer import CatalogWriter
from pipelines.validate import check
from scrapers.items import Listing, Vendor

EVIDENCE_COLUMN = {"fetched_at": "fetched_at", "body_sha256": "sha256", "warc_file": "warc_file",
                   "warc_record_id": "warc_record_id", "page_url": "url"}


def distinctive(cls, **fixed):
    """An item with every field set to a value no other field has."""
    hints = typing.get_type_hints(cls)
    values = {}
    for i, f in enumerate(fields(cls)):
        tp = hints[f.name]
        origin = typing.get_origin(tp)
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        base = args[0] if args and origin is not list and origin is not dict else tp
        if typing.get_origin(base) is list:
            values[f.name] = [f"{f.name}-a", f"{f.name}-b"]
        elif typing.get_origin(base) is dict:
            values[f.name] = {"wechat": [f"{f.name}-w"]}
        elif base is bool:
            values[f.name] = True
        elif base is float:
            values[f.name] = 100.25 + i
        else:
            values[f.name] = f"{f.name}-{i}"
    values.update(fixed)
    return cls(**values)


def stored(value):
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    path = tmp_path_factory.mktemp("contract") / "c.db"
    vendor = distinctive(Vendor, platform="echemi", vendor_id="v-1",
                         profile_url="https://example.test/v-1",
                         warc_record_id="<urn:uuid:vendor>", page_url="https://example.test/vp")
    listing = distinctive(Listing, platform="echemi", url="https://example.test/p/1",
                          vendor_id="v-1", warc_record_id="<urn:uuid:listing>",
                          page_url="https://example.test/page", title="Distinctive title 99%")
    writer = CatalogWriter(open_db(path), kind="ingest")
    for item in (vendor, listing):
        rec, reason = check(item)
        assert reason is None, reason
        writer.add(rec)
    writer.flush()
    writer.close(mark_gone=False)
    writer.db.close()
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    yield con, listing, vendor
    con.close()


def test_every_listing_field_reaches_the_catalog_or_is_excluded_by_name(catalog):
    con, listing, _ = catalog
    row = dict(con.execute("select * from listings").fetchone())
    version = dict(con.execute("select * from listing_versions").fetchone())
    evidence = dict(con.execute("select * from evidence where id = ?",
                                [row["evidence"]]).fetchone())
    for f in fields(Listing):
        value = getattr(listing, f.name)
        if f.name in EVIDENCE_FIELDS:
            assert evidence[EVIDENCE_COLUMN[f.name]] == value, f.name
        elif f.name in LISTING_NOT_COLUMNS:
            assert f.name == "vendor_id"
            assert row["vendor_profile"] == f"{listing.platform}:{value}"
            assert version["vendor_id"] == value
        else:
            assert row[f.name] == stored(value), f.name
        if f.name in VERSIONED_FIELDS:
            assert version[f.name] == stored(value), f.name


def test_every_vendor_field_reaches_the_catalog_or_is_excluded_by_name(catalog):
    con, _, vendor = catalog
    row = dict(con.execute("select * from vendor_profiles").fetchone())
    evidence = dict(con.execute("select * from evidence where id = ?",
                                [row["evidence"]]).fetchone())
    for f in fields(Vendor):
        value = getattr(vendor, f.name)
        if f.name in VENDOR_NOT_COLUMNS:
            assert evidence[EVIDENCE_COLUMN[f.name]] == value, f.name
        else:
            assert row[f.name] == stored(value), f.name


def test_exclusions_name_real_fields_with_a_reason():
    listing_fields = {f.name for f in fields(Listing)}
    vendor_fields = {f.name for f in fields(Vendor)}
    for name, reason in {**LISTING_NOT_COLUMNS, **LISTING_UNVERSIONED}.items():
        assert name in listing_fields and reason.strip(), name
    for name, reason in VENDOR_NOT_COLUMNS.items():
        assert name in vendor_fields and reason.strip(), name
    assert set(LATE_VERSIONED) <= set(VERSIONED_FIELDS)
    assert "price_max" in TABLES["listings"][0] and "price_max" in VERSIONED_FIELDS


def test_a_catalog_made_before_price_max_gains_the_column_and_keeps_its_versions(tmp_path):
    """Idempotent migration: an older catalog (no price_max) gets the column on open; a listing
    stored before gets no new version for the upgrade alone, and one when a price range shows."""
    path = tmp_path / "old.db"
    rec, _ = check(Listing(platform="echemi", url="https://example.test/p/2", title="NPP 99%",
                           price_amount=10.0))
    writer = CatalogWriter(open_db(path), kind="ingest")
    writer.add(rec)
    writer.close(mark_gone=False)
    writer.db.close()
    con = sqlite3.connect(path)
    for view in [r[0] for r in con.execute("select name from sqlite_master where type='view'")]:
        con.execute(f"drop view {view}")
    con.execute("alter table listings drop column price_max")
    con.execute("alter table listing_versions drop column price_max")
    con.commit()
    con.close()
    for _ in range(2):  # twice: the migration changes nothing the second time
        open_db(path).close()
    con = sqlite3.connect(path)
    cols = [r[1] for r in con.execute("pragma table_info(listings)")]
    assert cols.count("price_max") == 1
    con.close()

    def write(item):
        w = CatalogWriter(open_db(path), kind="ingest")
        w.add(check(item)[0])
        w.close(mark_gone=False)
        w.db.close()

    write(Listing(platform="echemi", url="https://example.test/p/2", title="NPP 99%",
                  price_amount=10.0))
    con = sqlite3.connect(path)
    assert con.execute("select version, price_max from listings").fetchone() == (1, None)
    con.close()
    write(Listing(platform="echemi", url="https://example.test/p/2", title="NPP 99%",
                  price_amount=10.0, price_max="25"))
    con = sqlite3.connect(path)
    assert con.execute("select version, price_max from listings").fetchone() == (2, 25.0)
    assert json.loads(con.execute("select changed from listing_versions where version = 2")
                      .fetchone()[0]) == ["price_max"]
    con.close()
