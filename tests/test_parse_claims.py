"""Shipping/payment claims and offered instructions (scrapers/parsers/claims.py)."""

import pytest

from scrapers.items import Listing
from scrapers.parsers import claims


@pytest.mark.parametrize(
    ("text", "shipping"),
    [
        ("Safe delivery to Mexico and USA, 100% pass customs, door to door.",
         ["Safe delivery to Mexico and USA", "100% pass customs", "door to door"]),
        ("100% customs clearance, safe delivery to USA, Mexico, Canada. Re-send if seized.",
         ["safe delivery to USA, Mexico, Canada", "100% customs clearance", "Re-send if seized"]),
        ("79099 powder in USA warehouse, hermetically sealed",
         ["in USA warehouse", "hermetically sealed"]),
        ("We can ship safely to Mexico", ["ship safely to Mexico"]),
        ("we can change the name of the goods", ["change the name of the goods"]),
        ("美国仓库现货，包清关，安全送达墨西哥", ["美国仓库现货", "包清关", "安全送达墨西哥"]),
        ("Natural piperine, food grade. COA and MSDS available.", []),
        ("Store in a cool warehouse.", []),
    ],
)
def test_shipping_claims_as_written(text, shipping):
    assert claims.scan(text).shipping == shipping


@pytest.mark.parametrize(
    ("text", "payment"),
    [
        ("We accept BTC/USDT, Western Union.", ["BTC", "USDT", "Western Union"]),
        ("Payment: T/T, Bitcoin, USDT (TRC20)", ["Bitcoin", "USDT", "TRC20", "T/T"]),
        ("支持比特币付款", ["比特币"]),
        ("Subtitles: OBTC is not a coin", []),
    ],
)
def test_payment_claims_as_written(text, payment):
    assert claims.scan(text).payment == payment


def test_procedural_sentences_are_cut_and_flagged():
    found = claims.scan(
        "Purity 99.5%. Technical support for conversion provided. Step 1: add 100 ml of "
        "solvent A and stir at 60 °C for 2 hours. Step 2: filter and dry. USDT accepted."
    )
    assert found.instructions_offered
    assert found.description == (
        "Purity 99.5%. Technical support for conversion provided. "
        "[procedural text removed] USDT accepted."
    )


def test_unnumbered_procedure_is_cut():
    found = claims.scan("Add the powder to 200 mL water, stir and heat to 80 °C. Good price.")
    assert found.instructions_offered
    assert found.description == "[procedural text removed] Good price."


def test_chinese_procedure_is_cut():
    found = claims.scan("提供转化工艺指导。第一步：加入溶剂A 100 ml，搅拌2小时。包清关。")
    assert found.instructions_offered
    assert "搅拌" not in found.description and "包清关" in found.description


def test_an_offer_alone_sets_the_flag_and_keeps_the_text():
    found = claims.scan("We provide the synthesis route on request.")
    assert found.instructions_offered
    assert found.description == "We provide the synthesis route on request."


@pytest.mark.parametrize(
    "text",
    [
        "Store at 2-8 °C, keep dry.",
        "Purity 99.5%, white powder, 25 kg/drum.",
        "Used as a pharmaceutical intermediate. Reaction grade.",
    ],
)
def test_ordinary_text_is_not_a_procedure(text):
    found = claims.scan(text)
    assert (found.instructions_offered, found.description) == (False, text)


def test_apply_fills_a_listing_and_keeps_existing_claims():
    listing = Listing(platform="x", url="https://x.example/p", title="NPP door to door",
                      description="Safe delivery to Mexico.", shipping_claims=["seen before"])
    out = claims.apply(listing, "Payment: USDT")
    assert out.shipping_claims == ["seen before", "Safe delivery to Mexico", "door to door"]
    assert out.payment_claims == ["USDT"]
    assert listing.shipping_claims == ["seen before"]  # the input is not changed


def test_empty_listing():
    out = claims.apply(Listing(platform="x", url="https://x.example/p"))
    assert (out.shipping_claims, out.payment_claims, out.instructions_offered) == ([], [], False)
