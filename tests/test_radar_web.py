"""The Radar page of the real Datasette (`precursor-watch serve` on a loopback port) and the radar
section of `report`, over the sample catalog (the demo crawl, whose writer scored the radar)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from webkit import fetch, get_json

pytestmark = [pytest.mark.crawl, pytest.mark.subprocess]


def test_radar_page_json_and_html(sample_server):
    data = get_json(f"{sample_server}/-/radar.json")
    by_name = {r["name"]: r for r in data["rows"]}
    valero = by_name["valerophenone"]
    assert valero["route_path"]["steps"] == ["alpha-bromination", "amination"]
    assert len(valero["route_path"]["smiles"]) == 3  # substance -> 2-bromo ketone -> cathinone
    assert any(r.startswith("vendors: Jinghong Pharmtech Ltd") for r in valero["reasons"])
    assert "N-Phenethyl-4-piperidone" not in by_name and "1-phenethyl-4-piperidone" not in by_name
    scores = [r["score"] for r in data["rows"]]
    assert scores == sorted(scores, reverse=True)
    status, _, body = fetch(f"{sample_server}/-/radar")
    html = body.decode()
    assert status == 200 and "Radar: unlisted substances" in html
    assert "/-/structure/route.svg?smiles=" in html and "alpha-bromination" in html
    assert 'href="/-/radar"' in html  # in the page navigation
    drawn = fetch(f"{sample_server}/-/structure/route.svg?smiles=CCCCC(Br)C(=O)c1ccccc1")
    assert drawn[0] == 200 and b"<svg" in drawn[2]
    assert get_json(f"{sample_server}/-/radar.json?since=2999-01-01")["rows"] == []
    assert "not a date" in get_json(f"{sample_server}/-/radar.json?since=soon")["error"]


def test_report_has_a_radar_section(sample_catalog, tmp_path):
    def report(fmt: str) -> str:
        out = tmp_path / f"report.{fmt}"
        proc = subprocess.run([sys.executable, "-m", "precursor_watch", "report", "--db",
                               str(sample_catalog), "--format", fmt, "-o", str(out)],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return out.read_text(encoding="utf-8")

    data = json.loads(report("json"))
    names = [r["name"] for r in data["radar"]]
    assert "valerophenone" in names and "butyrophenone" in names
    assert names.index("valerophenone") < names.index("acetophenone")
    html = report("html")
    section = html[html.index("Radar: unlisted substances"):]
    assert "alpha-bromination then amination: alpha-PVP" in section and "<svg" in section
