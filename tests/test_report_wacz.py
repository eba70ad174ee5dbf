"""`precursor-watch report --format wacz` on the sample catalog: a WACZ that the `wacz`
package's own validator accepts, holding exactly the archived pages behind the report's hits
(records copied byte for byte: their SHA-256 headers equal the catalog's evidence rows), with
pages.jsonl, a CDX index and a datapackage.json whose per-file SHA-256 verifies; a tampered
file fails validation; a missing WARC is an error and leaves no file."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

WACZ = str(Path(sys.executable).with_name("wacz"))


def report(db: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "precursor_watch", "report", "--db", str(db),
                           *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd or db.parent)


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([WACZ, "validate", "-f", str(path)], capture_output=True, text=True,
                          timeout=300)


def evidence_of(db: Path, entry: str | None = None) -> dict[str, tuple[str, str]]:
    conn = sqlite3.connect(db)
    sql = ("select distinct e.id, e.url, e.sha256 from hits h join listings l on l.id ="
           " h.listing join evidence e on e.id = l.evidence where h.current = 1")
    params: list = []
    if entry:
        sql += " and h.entry = ?"
        params.append(entry)
    return {rid: (url, sha) for rid, url, sha in conn.execute(sql, params)}


@pytest.mark.crawl
@pytest.mark.subprocess
def test_wacz_validates_and_holds_the_evidence_behind_the_hits(sample_catalog, tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    from scrapers.evidence import SHA_HEADER

    out = tmp_path / "evidence.wacz"
    r = report(sample_catalog, "--format", "wacz", "--output", str(out))
    assert r.returncode == 0, r.stderr
    v = validate(out)
    assert v.returncode == 0 and "is valid" in v.stdout, v.stdout + v.stderr

    expected = evidence_of(sample_catalog)
    assert len(expected) > 20
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        assert {"pages/pages.jsonl", "indexes/index.cdx.gz", "datapackage.json",
                "report/report.html", "report/hits.csv"} <= names
        package = json.loads(z.read("datapackage.json"))
        for res in package["resources"]:  # every file's SHA-256, recomputed here
            assert res["hash"] == "sha256:" + hashlib.sha256(z.read(res["path"])).hexdigest()
        assert {res["path"] for res in package["resources"]} == names - {
            "datapackage.json", "datapackage-digest.json"}
        pages = [json.loads(x) for x in z.read("pages/pages.jsonl").decode().splitlines()]
        assert pages[0]["format"] == "json-pages-1.0"
        assert {p["url"] for p in pages[1:]} == {url for url, _ in expected.values()}
        cdx = gzip.decompress(z.read("indexes/index.cdx.gz")).decode().splitlines()
        assert len(cdx) >= len(expected)
        warcs = [n for n in names if n.startswith("archive/")]
        records = {}
        for name in warcs:
            for rec in ArchiveIterator(io.BytesIO(z.read(name))):
                if rec.rec_type == "response":
                    records[rec.rec_headers.get_header("WARC-Record-ID")] = (
                        rec.rec_headers.get_header("WARC-Target-URI"),
                        rec.rec_headers.get_header(SHA_HEADER))
    assert set(records) == set(expected)
    for rid, (url, _sha) in expected.items():
        assert records[rid][0] == url
        assert records[rid][1]  # the capture's own payload digest travelled with it
    # The record's payload SHA-256 header is the one in the crawl's own WARC (byte copy).
    conn = sqlite3.connect(sample_catalog)
    warc_file, = conn.execute("select warc_file from evidence limit 1").fetchone()
    original = {}
    with (sample_catalog.parent / warc_file).open("rb") as fh:
        for rec in ArchiveIterator(fh):
            original[rec.rec_headers.get_header("WARC-Record-ID")] = rec.rec_headers.get_header(
                SHA_HEADER)
    assert all(original[rid] == records[rid][1] for rid in records)


@pytest.mark.crawl
@pytest.mark.subprocess
def test_wacz_follows_the_filters_and_detects_tampering(sample_catalog, tmp_path):
    out = tmp_path / "npp.wacz"
    r = report(sample_catalog, "--format", "wacz", "--output", str(out), "--entry", "NPP")
    assert r.returncode == 0, r.stderr
    with zipfile.ZipFile(out) as z:
        pages = z.read("pages/pages.jsonl").decode().splitlines()[1:]
    assert {json.loads(p)["url"] for p in pages} == {
        url for url, _ in evidence_of(sample_catalog, "npp").values()}
    # Change one byte of the CSV inside: the package's own validator refuses it.
    bad = tmp_path / "tampered.wacz"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "report/hits.csv":
                body = body.replace(b"npp", b"nPp", 1)
            dst.writestr(item, body)
    assert validate(bad).returncode != 0


@pytest.mark.crawl
@pytest.mark.subprocess
def test_wacz_without_the_warc_files_is_an_error(sample_catalog, tmp_path):
    lonely = tmp_path / "alone"
    lonely.mkdir()
    shutil.copy(sample_catalog, lonely / "catalog.db")
    out = lonely / "x.wacz"
    r = report(lonely / "catalog.db", "--format", "wacz", "--output", str(out), cwd=lonely)
    assert r.returncode != 0 and "not found" in r.stderr and "--evidence-root" in r.stderr
    assert not out.exists()
    r = report(lonely / "catalog.db", "--format", "wacz", "--output", str(out), "--evidence-root",
               str(sample_catalog.parent), cwd=lonely)
    assert r.returncode == 0, r.stderr
    assert validate(out).returncode == 0
    assert report(lonely / "catalog.db", "--format", "wacz").returncode != 0  # needs --output


def make_key(folder: Path, name: str) -> tuple[Path, Path]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    private, public = folder / f"{name}.pem", folder / f"{name}.pub.pem"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return private, public


def verify(package: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "precursor_watch", "verify-package",
                           str(package), *args], capture_output=True, text=True, timeout=120)


def rewrite(src_path: Path, dst_path: Path, name: str, change) -> None:
    with zipfile.ZipFile(src_path) as src, zipfile.ZipFile(dst_path, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            dst.writestr(item, change(body) if item.filename == name else body)


@pytest.mark.subprocess
def test_wacz_signed_with_the_analysts_key_validates_and_verifies(sample_catalog, tmp_path):
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    key, pub = make_key(tmp_path, "analyst")
    _, other = make_key(tmp_path, "other")
    out = tmp_path / "signed.wacz"
    r = report(sample_catalog, "--format", "wacz", "--output", str(out), "--entry", "npp",
               "--sign-key", str(key))
    assert r.returncode == 0, r.stderr
    assert "signed by key sha256:" in r.stderr
    v = validate(out)
    assert v.returncode == 0 and "Has signature" in v.stdout, v.stdout + v.stderr
    # The anonymous-signature fields, checked here with the library directly: ECDSA P-256 over
    # the UTF-8 digest string, raw r||s, the public key as SubjectPublicKeyInfo.
    with zipfile.ZipFile(out) as z:
        package = z.read("datapackage.json")
        sd = json.loads(z.read("datapackage-digest.json"))["signedData"]
    assert set(sd) == {"hash", "created", "software", "version", "signature", "publicKey"}
    assert sd["hash"] == "sha256:" + hashlib.sha256(package).hexdigest()
    assert sd["created"] == json.loads(package)["created"]
    public = serialization.load_der_public_key(base64.b64decode(sd["publicKey"]))
    assert public.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo) == pub.read_bytes()
    raw = base64.b64decode(sd["signature"])
    assert len(raw) == 64
    public.verify(encode_dss_signature(int.from_bytes(raw[:32], "big"),
                                       int.from_bytes(raw[32:], "big")),
                  sd["hash"].encode(), ec.ECDSA(hashes.SHA256()))
    ok = verify(out, "--public-key", str(pub))
    assert ok.returncode == 0 and "signature valid" in ok.stdout, ok.stderr
    wrong = verify(out, "--public-key", str(other))
    assert wrong.returncode != 0 and "another key" in wrong.stderr
    # A changed datapackage.json (one resource's hash) or a changed signature: refused.
    bad = tmp_path / "bad-package.wacz"
    rewrite(out, bad, "datapackage.json", lambda b: b.replace(b"sha256:", b"sha256:0", 1))
    assert verify(bad).returncode != 0
    bad_sig = tmp_path / "bad-signature.wacz"
    flipped = sd["signature"][:10] + ("A" if sd["signature"][10] != "A" else "B") + \
        sd["signature"][11:]
    rewrite(out, bad_sig, "datapackage-digest.json",
            lambda b: b.replace(sd["signature"].encode(), flipped.encode()))
    r = verify(bad_sig)
    assert r.returncode != 0 and "does not verify" in r.stderr
    # Not a key for this signature, or --sign-key without a package: clear errors.
    rsa = tmp_path / "rsa.pem"
    from cryptography.hazmat.primitives.asymmetric import rsa as rsa_mod

    rsa.write_bytes(rsa_mod.generate_private_key(65537, 2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    r = report(sample_catalog, "--format", "wacz", "--output", str(tmp_path / "x.wacz"),
               "--sign-key", str(rsa))
    assert r.returncode != 0 and "P-256" in r.stderr and not (tmp_path / "x.wacz").exists()
    r = report(sample_catalog, "--format", "csv", "--sign-key", str(key))
    assert r.returncode != 0 and "--format wacz" in r.stderr
