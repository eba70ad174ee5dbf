"""Cryptocurrency addresses: table of written address -> chain (None: rejected), with published
test vectors (BIP-173 bech32, BIP-350 bech32m, BIP-86 taproot, EIP-55) and addresses with one
character changed."""

from __future__ import annotations

import pytest

from scrapers.parsers import vendorsite, wallets

VALID = [
    ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "bitcoin", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"),
    ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "bitcoin", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
    ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bitcoin",
     "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
    ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "bitcoin",  # BIP-173, upper case
     "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "bitcoin",  # BIP-350
     "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"),
    ("BC1P0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQZK5JJ0", "bitcoin",
     "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"),
    ("bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr", "bitcoin",  # BIP-86
     "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr"),
    ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "tron", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),
    ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "ethereum",  # EIP-55 vectors
     "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
    ("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "ethereum",
     "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359"),
    ("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "ethereum",
     "0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb"),
    ("0xd1220a0cf47c7b9be7a2e6ba89f429762e7b9adb", "ethereum",  # one case: no checksum to check
     "0xd1220a0cf47c7b9be7a2e6ba89f429762e7b9adb"),
]
BROKEN = [
    "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3",  # last character changed: base58check fails
    "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz",
    "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u",
    "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx",  # bech32 checksum fails
    "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzWF5MDQ",  # mixed case is not bech32
    "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcs",  # bech32m checksum fails
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  # v1 with bech32 (BIP-350)
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",  # v0 with bech32m (BIP-350 invalid vector)
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",  # one letter's case changed: EIP-55 fails
    "0xFB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
]


@pytest.mark.parametrize(("written", "chain", "stored"), VALID)
def test_checksum_valid_addresses_are_kept(written, chain, stored):
    assert wallets.wallets(f"Pay to: {written}.") == {chain: [stored]}


@pytest.mark.parametrize("written", BROKEN)
def test_addresses_with_a_broken_checksum_are_ignored(written):
    assert wallets.wallets(f"Pay to: {written}") == {}


def test_hashes_and_order_numbers_are_not_addresses():
    text = ("Order 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy0 tx 0x" + "ab" * 32 +
            " sha1 0x" + "c" * 39 + " ref T" + "1" * 20)
    assert wallets.wallets(text) == {}


def test_vendor_page_wallets_become_vendor_identifiers():
    html = ("<html><head><title>Acme Chem</title></head><body><h1>Payment</h1>"
            "<p>We accept BTC <b>1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2</b>, USDT (TRC20) "
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t and USDT (ERC20) "
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD (mistyped, ignored)</p>"
            "<footer>Acme Chem, tel +1 212 555 0100</footer></body></html>")
    vendor = vendorsite.parse_page("https://acme.example/pay", html).vendors[0]
    assert vendor.handles == {"bitcoin": ["1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"],
                              "tron": ["TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"]}
