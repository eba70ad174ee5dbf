"""ChemNet parser on saved GBK pages (samples named in files/sample_pages.tsv)."""


import pytest
from saved_pages import saved_page

from scrapers.parsers import chemnet

BASE = "https://china.chemnet.com"
SEARCH_URL = f"{BASE}/product/search.cgi?f=plist&terms=39742-60-4"
NPP_URL = f"{BASE}/product/pd_N-phenethyl-4-piperidone.html"


@pytest.fixture(scope="module")
def search():
    return chemnet.parse_search(*saved_page("chemnet", "search_p1.html", SEARCH_URL))


@pytest.fixture(scope="module")
def npp():
    return chemnet.parse_product(*saved_page("chemnet", "product_npp.html", NPP_URL))


@pytest.fixture(scope="module")
def npp_first(npp):
    return npp.listings[0]


@pytest.fixture(scope="module")
def company():
    url = f"{BASE}/company/100231/"
    return chemnet.parse_supplier(*saved_page("chemnet", "company_100231.html", url)).vendors[0]


def test_search_urls():
    assert chemnet.search_urls("39742-60-4") == [SEARCH_URL]


def test_search_urls_encode_names_as_gbk():
    terms = "%D6%A5%C2%E9%B7%D3"  # 芝麻酚 in GBK
    assert chemnet.search_urls("芝麻酚") == [f"{BASE}/product/search.cgi?f=plist&terms={terms}"]


def test_gbk_page_decodes_to_chinese():
    _, html = saved_page("chemnet", "search_p1.html", SEARCH_URL)
    assert "N-苯乙基-4-哌啶酮" in html


def test_search_result_lines_as_written():
    _, html = saved_page("chemnet", "search_p1.html", SEARCH_URL)
    assert chemnet.result_lines(html) == [
        {"name": "N-苯乙基-4-哌啶酮", "cas": "39742-60-4", "count": "3"},
        {"name": "1-苯乙基-4-哌啶酮（NPP）", "cas": "３９７４２－６０－４", "count": "1"},
        {"name": "4-氨基吡啶", "cas": "504-24-5", "count": "12"},
    ]


def test_search_counts_are_not_listings(search):
    assert search.listings == []
    assert search.vendors == []


def test_search_follows_product_supplier_lists(search):
    assert [x.url for x in search.follow if x.kind == "product"] == [
        NPP_URL,
        f"{BASE}/product/pd_1-phenethyl-4-piperidinone.html",
        f"{BASE}/product/pd_4-aminopyridine.html",
    ]


def test_search_follows_next_page(search):
    assert [x.url for x in search.follow if x.kind == "search"] == [SEARCH_URL + "&p=2"]


def test_last_search_page_has_no_next():
    page = chemnet.parse_search(*saved_page("chemnet", "search_p2.html", SEARCH_URL + "&p=2"))
    assert [x.kind for x in page.follow] == ["product", "product"]


def test_product_one_listing_per_supplier_row(npp):
    assert [x.vendor_id for x in npp.listings] == ["100231", "100452", "100877"]


def test_listing_title(npp_first):
    assert npp_first.title == "N-苯乙基-4-哌啶酮 NPP 现货"


def test_listing_product_name(npp_first):
    assert npp_first.product_name == "N-苯乙基-4-哌啶酮"


def test_listing_cas(npp_first):
    assert npp_first.cas == "39742-60-4"


def test_listing_formula(npp_first):
    assert npp_first.formula == "C13H17NO"


def test_listing_purity(npp_first):
    assert npp_first.purity == "99%"


def test_listing_price(npp_first):
    assert (npp_first.price_text, npp_first.price_amount, npp_first.price_currency) == (
        "￥800/千克", 800.0, "CNY"
    )


def test_listing_usd_price(npp):
    assert (npp.listings[2].price_amount, npp.listings[2].price_currency) == (120.0, "USD")


def test_listing_price_on_request_has_no_amount(npp):
    assert (npp.listings[1].price_text, npp.listings[1].price_amount) == ("面议", None)


def test_listing_description(npp_first):
    assert "safe delivery to Mexico" in npp_first.description
    assert "BTC/USDT accepted" in npp_first.description


def test_listing_id(npp_first):
    assert npp_first.listing_id == "pd_N-phenethyl-4-piperidone:100231"


def test_listing_vendor(npp_first):
    assert (npp_first.vendor_id, npp_first.vendor_name) == ("100231", "湖北晶鸿生物科技有限公司")


def test_partial_cas_written_in_title():
    url = f"{BASE}/product/pd_1-boc-4-piperidone.html"
    page = chemnet.parse_product(*saved_page("chemnet", "product_boc.html", url))
    assert page.listings[0].title == "CAS 79099 powder 白色粉末"
    assert page.listings[0].cas == "CAS 79099"
    assert page.listings[1].cas == "79099-07-3"


def test_product_row_vendor_stub(npp):
    vendor = npp.vendors[1]
    assert (vendor.name, vendor.phones, vendor.handles) == (
        "河北远辰科技有限公司", ["+1 202-555-0188"], {"telegram": ["@yuanchen_chem"]}
    )


def test_product_follows_suppliers(npp):
    assert [x.url for x in npp.follow] == [
        f"{BASE}/company/100231/", f"{BASE}/company/100452/", f"{BASE}/company/100877/"
    ]


def test_company_name(company):
    assert company.name == "湖北晶鸿生物科技有限公司"


def test_company_id_and_profile(company):
    assert (company.vendor_id, company.profile_url) == ("100231", f"{BASE}/company/100231/")


def test_company_location(company):
    assert (company.country, company.city) == ("中国", "湖北 武汉")


def test_company_address(company):
    assert company.address == "湖北省武汉市东湖高新区光谷大道 88 号（虚构）"


def test_company_website(company):
    assert company.website == "http://www.jinghong-chem.example"


def test_company_phones(company):
    assert company.phones == ["+86-27-5555-0101", "+44 7700 900123"]


def test_company_emails(company):
    assert company.emails == ["jinghong.sales@example.com"]


def test_company_handles(company):
    assert company.handles == {
        "whatsapp": ["+44 7700 900123"], "wechat": ["jh_chem2026"], "qq": ["800012345"]
    }


def test_company_years_and_badges(company):
    assert (company.years_on_platform, company.badges) == ("第5年", ["诚信会员"])


def test_hostile_page_keeps_real_rows_only():
    url = f"{BASE}/product/pd_4-anpp.html"
    page = chemnet.parse_product(*saved_page("chemnet", "product_anpp_hostile.html", url))
    assert [x.title for x in page.listings] == ["4-ANPP 粉末", "4-苯胺基-N-苯乙基哌啶"]
    assert page.listings[0].cas == "21409–26–7"
    assert page.listings[0].product_name == "4-苯胺基-N-苯乙基哌啶"
    # A javascript: company link gives no vendor id and no follow-up request.
    assert page.listings[1].vendor_id is None
    assert [x.url for x in page.follow] == [f"{BASE}/company/100452/"]


def test_malformed_page_yields_what_it_can():
    url = f"{BASE}/product/pd_sesamol.html"
    page = chemnet.parse_product(*saved_page("chemnet", "product_sesamol_malformed.html", url))
    assert page.listings[0].title == "芝麻酚 香料级"
    assert page.listings[0].price_amount == 450.0
    assert [x.vendor_id for x in page.listings] == ["100877", "100452"]
    assert [v.vendor_id for v in page.vendors] == ["100877"]  # the cut-off row has no details


def test_unrecognised_table_layout_falls_back_to_company_links():
    html = (
        "<html><body><h1>N-苯乙基-4-哌啶酮</h1><p>CAS号：39742-60-4</p><table>"
        '<tr><td><a href="/company/100231/">湖北晶鸿生物科技有限公司</a></td><td>NPP 99%</td></tr>'
        "</table></body></html>"
    )
    listing = chemnet.parse_product(NPP_URL, html).listings[0]
    assert (listing.vendor_id, listing.title, listing.cas) == ("100231", "NPP 99%", "39742-60-4")


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (SEARCH_URL, "search"),
        (NPP_URL, "product"),
        (f"{BASE}/company/100231/", "supplier"),
        ("https://example.com/x", None),
    ],
)
def test_page_kind(url, kind):
    assert chemnet.page_kind(url) == kind


def test_listing_shipping_claims(npp_first):
    assert npp_first.shipping_claims == [
        "safe delivery to Mexico", "100% pass customs", "安全送达墨西哥"
    ]


def test_listing_payment_claims(npp_first):
    assert npp_first.payment_claims == ["BTC", "USDT"]


def test_ordinary_listing_has_no_claims(npp):
    legit = npp.listings[2]
    assert (legit.shipping_claims, legit.payment_claims, legit.instructions_offered) == (
        [], [], False
    )


def test_offered_instructions_are_flagged_and_cut():
    url = f"{BASE}/product/pd_1-phenethyl-4-piperidinone.html"
    listing = chemnet.parse_product(*saved_page("chemnet", "product_npp_ruixiang.html", url)
                                    ).listings[0]
    assert listing.instructions_offered
    assert "搅拌" not in listing.description and "第一步" not in listing.description
    assert listing.description.endswith("[procedural text removed]")
    assert listing.shipping_claims == ["包清关", "安全到达美国"]


def test_rate_limit_page_is_not_fetched_not_empty():
    url = f"{BASE}/product/search.cgi?f=plist&terms=21409-26-7"
    page = chemnet.parse_search(*saved_page("chemnet", "search_rate_limited.html", url))
    assert page.not_fetched == "anti-bot or rate-limit page (安全验证)"
    assert (page.listings, page.follow) == ([], [])


def test_empty_page_without_block_words_is_just_empty():
    page = chemnet.parse_search(SEARCH_URL, "<html><body><p>没有找到相关产品</p></body></html>")
    assert (page.not_fetched, page.follow) == (None, [])


def test_row_without_company_link_keeps_its_own_listing_id():
    url = f"{BASE}/product/pd_4-anpp.html"
    page = chemnet.parse_product(*saved_page("chemnet", "product_anpp_hostile.html", url))
    assert [x.listing_id for x in page.listings] == [
        "pd_4-anpp:100452", 'pd_4-anpp:name:=HYPERLINK("http://evil.example","x")'
    ]
