"""The radar's chemistry: each route on a textbook example (not the data file's own), both
directions; routes of two steps; controlled series; the scorer; the data validation."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from rdkit import Chem

from chem.radar import Context, RadarChemistry, score
from chem.radar_validate import radar_problems, route_problems
from chem.routes import compile_routes, forward, forward_routes, route_key
from chem.series import series_key
from chem.watchlist import default_watchlist

# (route id, substance, other reactant, InChIKey of the expected product)
TEXTBOOK = [
    ("alpha-bromination", "CCCCC(=O)c1ccccc1", "",
     "XOQFMNXQYSTQPE-UHFFFAOYSA-N"),  # 2-bromovalerophenone
    ("amination", "CCCC(Br)C(=O)c1ccccc1", "C1CCNC1", "YDIIDRWHPFMLGR-UHFFFAOYSA-N"),  # alpha-PVP
    ("reductive-amination", "CC(=O)Cc1ccc2c(c1)OCO2", "CN", "SHXWCVYOXRDMCX-UHFFFAOYSA-N"),  # MDMA
    ("henry", "O=Cc1ccc2c(c1)OCO2", "CC[N+](=O)[O-]", "CCEVJKZHAJJQJR-UHFFFAOYSA-N"),  # MDP2NP
    ("nitroalkene-reduction", "CC(=Cc1ccc2c(c1)OCO2)[N+](=O)[O-]", "",
     "NGBBVGZWCFBOGO-UHFFFAOYSA-N"),  # MDA
    ("nitroalkene-to-ketone", "CC(=Cc1ccc2c(c1)OCO2)[N+](=O)[O-]", "",
     "XIYKRJLTYKUWAM-UHFFFAOYSA-N"),  # PMK
    ("n-phenethylation", "O=C1CCNCC1", "Cc1ccc(S(=O)(=O)OCCc2ccccc2)cc1",
     "YDJXNYNKKXZBMP-UHFFFAOYSA-N"),  # NPP from the tosylate
    ("anilide-acylation", "c1ccc(CCN2CCC(Nc3ccccc3)CC2)cc1", "CC(=O)Cl",
     "FYIUUQUPOKIKNI-UHFFFAOYSA-N"),  # acetylfentanyl
    ("amine-acylation", "c1ccc(NC2CCNCC2)cc1", "CC(C)(C)OC(=O)OC(=O)OC(C)(C)C",
     "HTIWISWAPVQGMI-UHFFFAOYSA-N"),  # 1-boc-4-AP (the aniline nitrogen untouched)
    ("boc-deprotection", "CC(C)(C)OC(=O)N1CCC(=O)CC1", "", "VRJHQPZVIGNGMX-UHFFFAOYSA-N"),
    ("cbz-deprotection", "O=C(OCc1ccccc1)N1CCC(Nc2ccccc2)CC1", "",
     "LKRMTUUCKBQGFO-UHFFFAOYSA-N"),  # 4-AP
    ("n-debenzylation", "O=C1CCN(Cc2ccccc2)CC1", "", "VRJHQPZVIGNGMX-UHFFFAOYSA-N"),
    ("ester-hydrolysis", "CCOC(=O)C1(C)OC1c1ccccc1", "",
     "UPEAOFCHTFWNFG-UHFFFAOYSA-N"),  # BMK glycidic acid, the ethyl group gone whole
    ("amide-hydrolysis", "NC(=O)Cc1ccccc1", "", "WLJVXDMOQOGPHL-UHFFFAOYSA-N"),  # phenylacetic
    ("beta-keto-decarboxylation", "CC(=O)C(C#N)c1ccccc1", "",
     "QCCDLTOVEPVEJK-UHFFFAOYSA-N"),  # APAAN to P2P
    ("glycidate-to-ketone", "COC(=O)C1(C)OC1c1ccc2c(c1)OCO2", "",
     "XIYKRJLTYKUWAM-UHFFFAOYSA-N"),  # PMK
    ("ephedrine-reduction", "CN[C@@H](C)[C@H](Cl)c1ccccc1", "",
     "MYWUZJCMWCOHBA-VIFPVBQESA-N"),  # (1R,2S)-chloroephedrine to (S)-methamphetamine
    ("imine-reduction", "Fc1ccc(N=C2CCN(CCc3ccccc3)CC2)cc1", "",
     "WWDHLOLWLHHFBH-UHFFFAOYSA-N"),  # para-fluoro ANPP
    ("meldrum-acyl-to-ketone", "CC1(C)OC(=O)C(C(=O)Cc2ccccc2)C(=O)O1", "",
     "QCCDLTOVEPVEJK-UHFFFAOYSA-N"),  # P2P
]


@pytest.fixture(scope="module")
def wl():
    return default_watchlist()


@pytest.fixture(scope="module")
def routes(wl):
    return {cr.route.id: cr for cr in compile_routes(wl.routes)}


@pytest.fixture(scope="module")
def radar(wl):
    return RadarChemistry.build(wl)


def test_every_route_has_a_textbook_case(routes):
    assert {case[0] for case in TEXTBOOK} == set(routes)


@pytest.mark.parametrize("route_id,substance,partner,expected", TEXTBOOK)
def test_route_forward_on_textbook_example(routes, route_id, substance, partner, expected):
    partners = [Chem.MolFromSmiles(partner)] if partner else []
    products = {Chem.MolToInchiKey(p)
                for _, p in forward(Chem.MolFromSmiles(substance), [routes[route_id]], partners)}
    assert expected in products


@pytest.mark.parametrize("route_id,substance,partner,expected", TEXTBOOK)
def test_route_backward_gives_the_substance_back(routes, route_id, substance, partner, expected):
    from chem.radar_validate import _outcomes

    product = next(p for _, p in forward(Chem.MolFromSmiles(substance), [routes[route_id]],
                                         [Chem.MolFromSmiles(partner)] if partner else [])
                   if Chem.MolToInchiKey(p) == expected)
    pieces = _outcomes(routes[route_id].backward, (product,))
    want = route_key(Chem.MolFromSmiles(substance))
    # the backward step writes a leaving group as the bromide and an ester as the methyl one
    assert want in {route_key(Chem.MolFromSmiles(p)) for p in pieces} or route_id in (
        "n-phenethylation", "ester-hydrolysis", "beta-keto-decarboxylation",
        "amine-acylation", "ephedrine-reduction", "meldrum-acyl-to-ketone")


def test_forward_two_steps_bromination_then_amination(wl, routes):
    targets = {route_key(Chem.MolFromSmiles(d.smiles)): d for d in wl.drugs}
    from chem.routes import Target

    tmap = {k: Target(d.id, d.name, "drug", d.smiles, k, 0) for k, d in targets.items()}
    found = forward_routes(Chem.MolFromSmiles("CCC(=O)c1ccc(C)cc1"), list(routes.values()),
                           [Chem.MolFromSmiles("CN")], tmap)
    assert (("alpha-bromination", "amination"), "mephedrone") in \
        {(steps, t.id) for steps, t in found}


@pytest.mark.parametrize("smiles,same_series_as,expected", [
    ("CCC(=O)c1ccc(CC)cc1", "CCC(=O)c1ccc(C)cc1", True),  # 4'-ethyl ~ 4'-methylpropiophenone
    ("CCCCC(=O)c1ccccc1", "CCC(=O)c1ccc(C)cc1", True),  # valerophenone: chain homologue
    ("CCC(=O)c1ccc(Cl)cc1Cl", "CCC(=O)c1cccc(Cl)c1", True),  # 2',4'-dichloro
    ("CC(=O)c1ccccc1", "CCC(=O)c1ccc(C)cc1", False),  # acetophenone: a shorter chain
    ("CC(C)OC(=O)C1(C)OC1c1ccccc1", "COC(=O)C1(C)OC1c1ccccc1", True),  # glycidate esters
    ("CC(=O)C(C(N)=O)c1ccccc1", "CC(=O)C(C#N)c1ccccc1", True),  # APAA ~ APAAN
    ("CCOC(=O)C1(C)OC1c1ccccc1", "CCOC(=O)C1OC1(C)c1ccccc1", False),  # not strawberry aldehyde
    ("Fc1ccc(NC2CCNCC2)cc1", "c1ccc(NC2CCNCC2)cc1", True),  # 4-fluoro-4-AP ~ 4-AP
    ("Nc1ccc(C(O)c2ccccc2)cc1", "Nc1ccc(F)cc1", False),  # a carbinol is not an ether
])
def test_series_key(smiles, same_series_as, expected):
    a, b = (series_key(Chem.MolFromSmiles(s)) for s in (smiles, same_series_as))
    assert a is not None
    assert (a == b) is expected


@pytest.mark.parametrize("smiles,reason", [
    ("CCCCC(=O)c1ccccc1", "alpha-bromination then amination: alpha-PVP"),
    ("CCC(=O)c1ccc(F)cc1", "alpha-bromination then amination: 4-Fluoromethcathinone"),
    ("CC(=O)Cc1ccc(OC)cc1", "reductive amination: PMA"),
    ("Clc1ccc(C=O)cc1", "nitroalkene formation (Henry) then"),
    ("COC(=O)CC(=O)Cc1ccccc1", "hydrolysis and decarboxylation: 1-Phenyl-2-propanone"),
])
def test_radar_reasons(radar, smiles, reason):
    chem = radar.assess(smiles)
    assert not chem.covered
    assert any(r.startswith(reason) or reason in r for r in chem.reasons()), chem.reasons()


def test_radar_ordinary_and_covered(radar):
    acetophenone = radar.assess("CC(=O)c1ccccc1", similarity=True)
    assert not acetophenone.routes and not acetophenone.series_of
    assert acetophenone.nearest  # the baseline's nearest listed entry is still reported
    npp = radar.assess("O=C1CCN(CCc2ccccc2)CC1")
    assert npp.covered
    boc_npp_like = radar.assess("CC(C)(C)OC(=O)N1CCC(Nc2ccccc2)CC1")  # Boc-4-AP itself: listed
    assert boc_npp_like.covered


def test_leaving_group_variant_is_not_covered_but_found(wl):
    pre = dataclasses.replace(wl, entries=[e for e in wl.entries if e.id != "phenethyl-chloride"])
    chem = RadarChemistry.build(pre).assess("ClCCc1ccccc1")
    assert not chem.covered
    assert chem.reasons()[0] == "leaving-group variant of: Phenethyl bromide"
    assert chem.route_value > 0.5


def test_score_route_and_vendor_beat_ordinary_compound_at_same_vendor(radar):
    today = dt.date(2026, 12, 1)
    listed = {"acme": 6, "other": 0}
    ctx = Context(("acme",), (), "2026-11-20")
    one_step = radar.assess("CCCC(Br)C(=O)c1ccc(C)cc1")  # one step from a pyrovalerone / PVP
    assert one_step.routes and one_step.routes[0].path.length == 1
    ordinary = radar.assess("OC(=O)c1ccccc1")  # benzoic acid
    s_route, _ = score(one_step, ctx, listed, today)
    s_plain, _ = score(ordinary, ctx, listed, today)
    assert s_route > s_plain
    # and the vendor context counts: the same substance from a vendor with no listed precursor
    s_other, parts = score(one_step, Context(("other",), (), "2026-11-20"), listed, today)
    assert s_other < s_route and parts["vendors"] == 0


def test_radar_data_is_sound(wl):
    assert radar_problems(wl) == []
    assert len(wl.drugs) >= 60 and len(wl.routes) >= 15


def test_validation_finds_bad_drug_and_route(wl):
    drug = dataclasses.replace(wl.drugs[0], inchikey="XXXX", schedules=("UN-99",), sources=())
    route = dataclasses.replace(wl.routes[0], example_out="CCO")
    bad = dataclasses.replace(wl, drugs=[drug], routes=[route])
    messages = [f"{where}: {field}: {msg}" for where, field, msg in radar_problems(bad)]
    assert any("inchikey" in m and "structure gives" in m for m in messages)
    assert any("unknown schedule code 'UN-99'" in m for m in messages)
    assert any("no source" in m for m in messages)
    assert any("does not turn" in m for m in route_problems(route))
