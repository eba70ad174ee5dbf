"""Entity resolution and vendor networks: identifiers normalize, merges carry reasons."""

from __future__ import annotations

import pytest

from pipelines.catalog.connection import open_db
from pipelines.catalog.entities import core_name, name_score, normalize_name, resolve
from pipelines.catalog.identifiers import (
    normalize_address,
    normalize_domain,
    normalize_email,
    normalize_phone,
    vendor_identifiers,
)
from pipelines.catalog.writer import CatalogWriter
from pipelines.validate import check


@pytest.mark.parametrize("raw,country", [
    ("+86 131 0000 0001", None),
    ("0086-131-0000-0001", None),
    ("(+86) 131-0000-0001", None),
    ("131 0000 0001", "China"),
    ("13100000001", "CN"),
    ("86 13100000001", None),
])
def test_phone_formats_normalize_to_one_e164(raw, country):
    assert normalize_phone(raw, country) == "+8613100000001"


def test_other_identifiers():
    assert normalize_email(" MAILTO:Sales@Amarvel.EXAMPLE ") == "sales@amarvel.example"
    assert normalize_email("not an email") is None
    assert normalize_domain("https://www.Acme-Chem.com.cn/about?x=1") == "acme-chem.com.cn"
    # A storefront on a marketplace is its own host, never the marketplace's domain.
    assert normalize_domain("https://hubeiamarvel.en.made-in-china.com/") == \
        "hubeiamarvel.en.made-in-china.com"
    assert normalize_domain("https://www.made-in-china.com/") is None
    assert normalize_address("Room 1203, No. 18 Zhongshan Road, Wuhan") == \
        normalize_address("RM 1203 18 ZHONGSHAN RD. WUHAN")
    assert normalize_address("China") is None  # too short to identify anyone
    idents = vendor_identifiers({"country": "China", "phones": ["131 0000 0001"],
                                 "handles": {"whatsapp": ["+86 13100000001"],
                                             "telegram": ["@Jenny_Chem"]}})
    assert idents == [("phone", "+8613100000001", "131 0000 0001", "phones"),
                      ("telegram", "jenny_chem", "@Jenny_Chem", "handles")]


@pytest.mark.parametrize("a,b", [
    ("Hubei Amarvel Biotech Co., Ltd.", "AMARVEL BIOTECH"),
    ("Wuhan Shuokang Biological Technology Co., Ltd", "Shuokang Biological Tech. Co. Limited"),
    ("Zürich Chemie GmbH", "Zurich Chemie"),
    ("湖北阿马维尔生物科技有限公司", "阿马维尔生物"),
])
def test_company_names_agree_after_normalization(a, b):
    assert name_score(a, b) >= 90


def test_different_companies_do_not_agree():
    assert name_score("Hubei Amarvel Biotech Co., Ltd.", "Hubei Aoks Bio-Tech Co., Ltd.") < 90
    assert name_score("Vendor 12 Chemical Co., Ltd.", "Vendor 1512 Chemical Co., Ltd.") == 0
    assert normalize_name("Acme Chem Co., Ltd.") == "acme chem"
    assert core_name("Hubei Amarvel Biotech Co., Ltd.") == "amarvel"
    assert core_name("Chemical Co., Ltd.") == "chemical"  # nothing distinctive left: keep name


def vendor(platform, vid, name, **kw) -> dict:
    rec, reason = check({"type": "vendor", "platform": platform, "vendor_id": vid,
                         "name": name, **kw})
    assert rec is not None, reason
    return rec


def load(db, recs):
    w = CatalogWriter(db, kind="ingest")
    for r in recs:
        w.add(r)
    return w.close()


def test_vendors_sharing_a_phone_form_one_network(tmp_path):
    db = open_db(tmp_path / "c.db")
    load(db, [
        vendor("a", "1", "Golden Dragon Trading", phones=["+86 131 0000 0001"]),
        vendor("b", "2", "Blue Sky Chemical", phones=["0086 131-0000-0001"]),
        vendor("b", "3", "Unrelated Solvents", phones=["+49 30 1234567"]),
    ])
    nets = dict(db.execute(
        "select p.vendor_id, n.network from vendor_networks n"
        " join vendor_profiles p on p.vendor = n.vendor").fetchall())
    assert nets["1"] == nets["2"] != nets["3"]
    (row,) = db.execute("select size, platforms, linked_by from network_overview").fetchall()
    assert row == (2, 2, '["phone:+8613100000001"]')
    # Different names: a network, not a merge.
    assert db.execute("select count(*) from vendor_merges where decision = 'merged'"
                      ).fetchone() == (0,)


def test_same_company_on_two_platforms_merges_with_a_reason(tmp_path):
    db = open_db(tmp_path / "c.db")
    load(db, [
        vendor("chemmarket", "hubei-amarvel", "Hubei Amarvel Biotech Co., Ltd.",
               emails=["Sales@Amarvel-Bio.example"], country="China"),
        vendor("b2bhub", "55123", "AMARVEL BIOTECH", emails=["sales@amarvel-bio.example"]),
        # Same name, no shared contact: recorded as a candidate, not merged.
        vendor("thirdsite", "x", "Amarvel Biotech Limited", emails=["x@other.example"]),
    ])
    merges = db.execute("select kept, merged, decision, reason from vendor_merges"
                        " order by id").fetchall()
    assert merges[0][:3] == (1, 2, "merged")
    assert "'Hubei Amarvel Biotech Co., Ltd.' ~ 'AMARVEL BIOTECH'" in merges[0][3]
    assert "email:sales@amarvel-bio.example" in merges[0][3]
    assert {m[2] for m in merges[1:]} == {"candidate"}
    assert db.execute("select vendor_id, vendor from vendor_profiles order by vendor_id"
                      ).fetchall() == [("55123", 1), ("hubei-amarvel", 1), ("x", 3)]
    assert db.execute("select vendor, platforms from vendors_multi_platform").fetchall() == [
        (1, 2)]
    assert db.execute("select name, country from vendors where id = 1").fetchone() == (
        "Hubei Amarvel Biotech Co., Ltd.", "CN")
    # Resolution is idempotent: a second run records nothing new.
    assert resolve(db, now="2030-01-01T00:00:00Z") == {"merged": 0, "candidates": 0,
                                                       "networks": 0}
    assert db.execute("select count(*) from vendor_merges").fetchone() == (len(merges),)


def test_vendors_sharing_a_wallet_form_one_network(tmp_path):
    """Payment addresses read from vendor pages (kept only when their checksum holds) link
    storefronts like a shared phone: the same TRON address on two sites, one network."""
    tron = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
    db = open_db(tmp_path / "c.db")
    load(db, [
        vendor("vendorsite", "acme.example", "Acme Research", handles={"tron": [tron]}),
        vendor("vendorsite", "pure-chems.example", "Pure Chems Shop",
               handles={"tron": [tron], "bitcoin": ["1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"]}),
        vendor("vendorsite", "other.example", "Other Labs",
               handles={"ethereum": ["0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"]}),
    ])
    nets = dict(db.execute(
        "select p.vendor_id, n.network from vendor_networks n"
        " join vendor_profiles p on p.vendor = n.vendor").fetchall())
    assert nets["acme.example"] == nets["pure-chems.example"]
    assert nets.get("other.example") != nets["acme.example"]
    (linked,) = db.execute("select linked_by from network_overview").fetchone()
    assert f"wallet:tron:{tron}" in linked  # the address kept as written (base58 is cased)
    kinds = {r[0] for r in db.execute("select kind from vendor_identifiers")}
    assert "wallet" in kinds
