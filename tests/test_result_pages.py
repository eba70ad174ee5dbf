"""Offers read as a buyer reads them, on pages of other shops than the real pages that showed
each pattern (Amazon.de showed the result-list rules, Carolina Chemical the stated range,
Warchem the EC numbers): result cards only from the result list, one listing per product, the
item's own price, the pack of the shown price."""

from __future__ import annotations

from scrapers.parsers import vendorsite

MARKET = """<html><head><title>Results for "sodium" | Example Market</title></head><body>
<header><a href="/help">Visit the help section</a></header>
<div role="main" class="nav-wide main">
 <div>Sort by: <select><option selected>Featured</option><option>Price: Low to High</option>
 </select></div>
 <ul class="s-results">
  <li><a href="/ad/click?u=%2Fitem%2FAB12CD34EF%2Fref%3Dsp"><img src="a.jpg" alt=""></a>
   <h2><a href="/ad/click?u=%2Fitem%2FAB12CD34EF%2Fref%3Dsp"><span class="sr-only">[Sponsored]
   </span>Sodium Bicarbonate USP 5 lb</a></h2><span class="price">$21.59</span></li>
  <li><a href="/item/AB12CD34EF/ref=sr_1"><img src="a.jpg" alt=""></a>
   <h2><a href="/item/AB12CD34EF/ref=sr_1">Sodium Bicarbonate USP 5 lb</a></h2>
   <span class="price">$21.59</span> <span>($0.27/ounce)</span>
   <div><a href="/offers/AB12CD34EF">(3 new offers) from <span class="price">$18.00</span></a></div>
   <span class="badge">Save $27.00</span></li>
  <li><a href="/item/ZZ98YY76XX"><img src="b.jpg" alt=""></a>
   <h2><a href="/item/ZZ98YY76XX">Sodium Chloride Reagent 500 g</a></h2>
   <span class="price">$9.99</span> <span class="a-text-strike">$14.99</span>
   <span>+ $4.90 shipping</span></li>
  <li><a href="/item/QQ11WW22EE"><img src="c.jpg" alt=""></a>
   <h2><a href="/item/QQ11WW22EE">Sodium Acetate Anhydrous 1 kg</a></h2>
   <span class="price">$15.00 - $32.00</span></li>
 </ul>
</div>
<div class="sponsored-carousel"><h3>Sponsored products related to this search</h3>
 <div><a href="/item/PH0SPH4TE1">Phosphate dietary supplement</a>
  <span class="price">$12.00</span></div>
 <div><a href="/item/VIT4M1NC00">Vitamin C gummies</a><span class="price">$8.00</span></div>
</div>
<footer>Example Market</footer></body></html>"""


def test_result_page_chrome_sponsored_rails_and_copies_give_no_listing():
    page = vendorsite.parse_page("https://www.market.example/s?k=sodium", MARKET)
    got = [(x.title, x.price_amount, x.price_max) for x in page.listings]
    assert got == [("Sodium Bicarbonate USP 5 lb", 21.59, None),  # not 18.00, 0.27 or 27.00
                   ("Sodium Chloride Reagent 500 g", 9.99, None),  # not the struck 14.99
                   ("Sodium Acetate Anhydrous 1 kg", 15.0, 32.0)]
    assert page.listings[0].url == "https://www.market.example/item/AB12CD34EF/ref=sr_1"


SHOP = """<html><head><title>Acetone | Lab Shop</title></head><body><main>
<h1>Acetone, ACS Reagent</h1><table><tr><td>CAS</td><td>67-64-1</td></tr>
<tr><td>EC number</td><td>200-662-2</td></tr><tr><td>Assay</td><td>min. 99.5 %</td></tr></table>
<p class="price">$12.00 – $95.00</p>
<label>Size <select name="size"><option>Choose</option><option value="1">500 mL</option>
<option value="2" selected>1 L</option><option value="3">4 L</option></select></label>
<table><tr><th>Size</th><th>Price</th></tr><tr><td>1 L</td><td>$18.00</td></tr>
<tr><td>4 L</td><td>$95.00</td></tr><tr><td>Drum</td><td>Request a quote</td></tr></table>
</main><footer>Lab Shop, call 1-800-555-0100</footer></body></html>"""


def test_stated_range_below_the_size_table_and_labelled_purity():
    listing, = vendorsite.parse_page("https://labshop.example/acetone", SHOP).listings
    assert listing.title == "Acetone, ACS Reagent" and listing.cas == "67-64-1"
    assert (listing.price_amount, listing.price_max) == (12.0, 95.0)
    assert listing.purity == "min. 99.5 %"


def test_preselected_size_is_the_pack_of_the_shown_price():
    page = SHOP.replace('<p class="price">$12.00 – $95.00</p>', '<p class="price">$18.00</p>')
    page = page.replace("<table><tr><th>Size</th>", "<div hidden><table><tr><th>Size</th>")
    page = page.replace("Request a quote</td></tr></table>", "Request a quote</td></tr></table>"
                        "</div>").replace("<tr><td>1 L</td><td>$18.00</td></tr>", "").replace(
                        "<tr><td>4 L</td><td>$95.00</td></tr>", "")
    listing, = vendorsite.parse_page("https://labshop.example/acetone", page).listings
    assert (listing.price_amount, listing.quantity) == (18.0, "1 L")


def test_ec_and_mdl_numbers_linked_in_cards_are_never_titles():
    html = ("<html><body><ul>" + "".join(
        f"<li><a href='/p/{i}'>Acid {i}</a> <a href='/ec/{i}'>20{i}-662-2</a> "
        f"<a href='/mdl/{i}'>MFCD0000000{i}</a> <span class='price'>${i}.00</span></li>"
        for i in range(1, 4)) + "</ul></body></html>")
    page = vendorsite.parse_page("https://shop.example/list", html)
    assert [x.title for x in page.listings] == ["Acid 1", "Acid 2", "Acid 3"]


def test_vat_basis_where_a_page_shows_gross_and_net_prices():
    """Warchem (Polish) showed gross and net side by side; a German shop's card here."""
    html = ("<html><body><ul>" + "".join(
        f"<li><a href='/p/{i}'>Natriumchlorid {i}</a><div class='price'><span>{10 + i},90 €"
        f"</span> <span>brutto</span> <span>{9 + i},16 €</span> <span>netto</span></div></li>"
        for i in range(3)) + "</ul></body></html>")
    listings = vendorsite.parse_page("https://laden.example/suche", html).listings
    assert [(x.price_amount, x.price_basis) for x in listings] == [
        (10.9, "incl. VAT"), (11.9, "incl. VAT"), (12.9, "incl. VAT")]
    net_only = html.replace("brutto", "").replace(
        "<span>10,90 €</span>", "").replace("<span>11,90 €</span>", "").replace(
        "<span>12,90 €</span>", "")
    listings = vendorsite.parse_page("https://laden.example/suche", net_only).listings
    assert [(x.price_amount, x.price_basis) for x in listings] == [
        (9.16, "excl. VAT"), (10.16, "excl. VAT"), (11.16, "excl. VAT")]
