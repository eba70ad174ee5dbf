"""What a listing sells vs what it mentions: tables of real vendor text (sources cited).

Each row is text as a public vendor page shows it (trimmed, not reworded); the source URL is in
the comment beside it. See tests/data/README.md for how the texts were collected.
"""

from __future__ import annotations

import pytest

from chem.knowledge import default_knowledge
from chem.subject import FALLBACK, MENTION, OFFERED, description_segments, segments

WORDS = default_knowledge().words


def entries(result, attr="hits"):
    return {h.entry for h in getattr(result, attr)}


@pytest.mark.parametrize(
    ("listing", "offered", "mentioned"),
    [
        # https://molbase.com/moldata/4431.html (benzyl alcohol): a solubility sentence
        ({"title": "benzyl alcohol", "cas": "100-51-6",
          "description": "Benzyl alcohol is partially soluble in water (4g/100mL) and completely "
                         "miscible in alcohols and diethyl ether."},
         set(), {"ethyl-ether"}),
        # http://rxsolgroup.com/fr/product/BENZYL-ALCOHOL-AR: how the product is made
        ({"title": "BENZYL ALCOHOL AR",
          "description": "The use of sodium hydroxide in the hydrolysis of benzyl chloride yields "
                         "benzyl alcohol and sodium chloride as the products."},
         set(), {"benzyl-chloride"}),
        # https://benchchem.com/product/89425 (1,3-diphenylacetone): a preparation method
        ({"title": "1,3-Diphenylacetone",
          "description": "Ketonic Decarboxylation of Phenylacetic Acid: One common method "
                         "involves reacting phenylacetic acid with acetic anhydride and anhydrous "
                         "potassium acetate, followed by refluxing the mixture at 140-150°C."},
         set(), {"phenylacetic-acid", "acetic-anhydride"}),
        # https://northchem.com.tr/en/general-chemicals/benzoic-acid: production from toluene
        ({"title": "Benzoic Acid",
          "description": "Benzoic acid is primarily produced through:\n• Oxidation of toluene "
                         "using oxygen or nitric acid as an oxidizing agent."},
         set(), {"toluene"}),
        # https://www.smolecule.com/products/s753474: the identifying fields name the product
        ({"title": "1-Boc-4-piperidone",
          "description": "CAS No.\n79099-07-3\nIUPAC Name\ntert-butyl 4-oxopiperidine-1-"
                         "carboxylate\nPrecursor in Organic Synthesis:\n1-Boc-4-piperidone is a "
                         "valuable intermediate."},
         {"boc-4-piperidone", "4-piperidone"}, set()),  # a carbamate of 4-piperidone
        # https://docslib.org/doc/130053/... (G.J. Chemical SDS): the title names no substance,
        # the labelled "PRODUCT NAME:" field does
        ({"title": "G.J. CHEMICAL COMPANY, INC. SAFETY DATA SHEET",
          "description": "1.1 PRODUCT NAME: ACETONE\nTRADE NAMES/SYNONYMS: 2-Propanone; "
                         "Dimethyl Ketone;"},
         {"acetone"}, set()),
    ],
)
def test_offered_vs_mentioned(matcher, listing, offered, mentioned):
    result = matcher.match_listing({"id": "t", **listing})
    assert entries(result) == offered
    assert mentioned <= entries(result, "mentions")
    assert not entries(result) & entries(result, "mentions")


def test_every_hit_says_its_source_field(matcher):
    # https://docslib.org/doc/130053/... : the hit comes from the labelled product-name field
    result = matcher.match_listing({"id": "t", "title": "SAFETY DATA SHEET",
                                    "description": "1.1 PRODUCT NAME: ACETONE"})
    (hit,) = result.hits
    assert (hit.source_field, hit.role) == ("description:product name", "offered")
    # https://m.chemicalbook.com/Price_JP/Acetic-anhydride.htm: the title is the subject
    (hit,) = matcher.match_listing({"id": "t", "title": "Acetic anhydride price"}).hits
    assert hit.source_field == "title"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # http://www.foods-additive.com/knowledge/information/hydrochloric-acid-msds.html
        ("Product Name: Hydrochloric Acid\nCAS Number: 7647-01-0\nUses: Metal cleaning",
         [("description:product name", OFFERED), ("description:cas number", OFFERED),
          ("description:uses", MENTION)]),
        # molbase (shared starter page baike-68603-42-9): Chinese labels and full-width colons
        ("中文名称： N,N-二(羟基乙基)椰油酰胺\nCAS号： 68603-42-9",
         [("description:中文名称", OFFERED), ("description:cas号", OFFERED)]),
    ],
)
def test_labelled_fields(text, expected):
    assert [(s.field, s.role) for s in description_segments(text, WORDS)] == expected


def test_description_supplies_the_subject_only_when_identifying_fields_name_nothing(matcher):
    # shared dev-set style: an uninformative title, the description says what is for sale
    result = matcher.match_listing({"id": "t", "title": "Best price",
                                    "description": "Pmk ethyl glycidate oil/powder, 100% pass "
                                                   "customs to Netherlands"})
    assert "pmk-ethyl-glycidate" in entries(result)
    assert result.hits[0].source_field == "description"
    # https://www.seidlerchem.com/methyl-ethyl-ketone.htm + a solubility sentence: the title
    # resolves, so the description's chloroform stays a mention
    result = matcher.match_listing({"id": "t", "title": "Methyl Ethyl Ketone",
                                    "description": "Soluble in alcohol, ether and chloroform."})
    assert entries(result) == {"mek"}
    assert "chloroform" in entries(result, "mentions")
    roles = {s.role for s in segments({"description": "Hot sale, 99% purity."}, WORDS)}
    assert roles == {FALLBACK}


@pytest.mark.parametrize(
    ("description", "offered"),
    [
        # catalog cue: each listed substance once, as offered
        ("Hot products: Piperonal, Safrole, PMK ethyl glycidate, NPP, 4-ANPP",
         {"piperonal", "safrole", "pmk-ethyl-glycidate", "npp", "anpp"}),
        ("We also supply 1-Boc-4-piperidone, 4-piperidone hydrochloride and benzyl cyanide.",
         {"boc-4-piperidone", "4-piperidone", "benzyl-cyanide"}),
        # an enumerated product list (no clause around it)
        ("Toluene, Acetone, Chloroform, Methyl ethyl ketone, Sulfuric acid",
         {"toluene", "acetone", "chloroform", "mek", "sulfuric-acid"}),
    ],
)
def test_catalog_text_offers_each_listed_substance_once(matcher, description, offered):
    result = matcher.match_listing({"id": "t", "title": "Sodium chloride",
                                    "description": description})
    assert offered <= entries(result)  # (and the class/designer relatives of what is listed)
    assert {h.source_field for h in result.hits} == {"description:catalog"}
    assert len(result.hits) == len(entries(result))


def test_solvent_lists_in_use_sentences_are_not_catalogs(matcher):
    # https://ataman-kimya.com/... (isopropanol): a use sentence that enumerates products
    result = matcher.match_listing({
        "id": "t", "title": "ISOPROPANOL",
        "description": "1)As a chemical raw material, it can produce acetone, hydrogen peroxide, "
                       "methyl isobutyl ketone, diisobutyl ketone, isopropylamine, diisopropyl "
                       "ether, isopropyl chloride, and fatty acid isopropyl ester."})
    assert entries(result) == set()
    assert {"acetone", "mibk"} <= entries(result, "mentions")


@pytest.mark.parametrize(
    ("listing", "entry", "conflict", "hit"),
    [
        # a clear listed name beside another compound's CAS (ethanol): hit, flagged
        ({"title": "Piperonal", "cas": "64-17-5"}, "piperonal", True, True),
        # the same name with its own CAS: no flag
        ({"title": "Piperonal", "cas": "120-57-0"}, "piperonal", False, True),
        # an ambiguous abbreviation decided by the listing's CAS (PCC = pyridinium
        # chlorochromate 26299-14-9, not the listed PCC): no hit
        ({"title": "PCC", "cas": "26299-14-9"}, "pcc", False, False),
    ],
)
def test_cas_conflicts(matcher, listing, entry, conflict, hit):
    result = matcher.match_listing({"id": "t", **listing})
    hits = {h.entry: h for h in result.hits}
    assert (entry in hits) is hit
    if hit:
        assert hits[entry].cas_conflict is conflict


@pytest.mark.parametrize(
    ("title", "offered", "mentioned"),
    [
        ("NPP intermediate for fentanyl", {"npp"}, set()),
        ("Benzyl alcohol, soluble in diethyl ether", set(), {"ethyl-ether"}),
    ],
)
def test_a_title_is_the_subject_up_to_a_context_phrase(matcher, title, offered, mentioned):
    result = matcher.match_listing({"id": "t", "title": title})
    assert entries(result) == offered
    assert mentioned <= entries(result, "mentions")


def test_we_supply_lists_are_catalogs(matcher):
    result = matcher.match_listing({"id": "t", "title": "Sodium chloride",
                                    "description": "We supply toluene, acetone and MEK."})
    assert entries(result) == {"toluene", "acetone", "mek"}


@pytest.mark.parametrize(
    ("listing", "offered", "mentioned"),
    [
        # nothing identifying: the first sentence's subject is what is sold, its use a mention
        ({"title": "Hot sale 99% purity",
          "description": "Piperonal is used in perfumery and to make heliotropin products. "
                         "Soluble in alcohol and diethyl ether."},
         {"piperonal"}, {"ethyl-ether"}),
        # a property under an unknown header is never the subject, even with an unknown title
        ({"title": "ACME paint",
          "description": "Compatible solvents: toluene, xylene, MEK, acetone."},
         set(), {"toluene", "acetone"}),
    ],
)
def test_fallback_subject_and_property_headers(matcher, listing, offered, mentioned):
    result = matcher.match_listing({"id": "t", **listing})
    assert entries(result) == offered
    assert mentioned <= entries(result, "mentions")
