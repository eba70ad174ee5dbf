"""Cryptocurrency addresses a vendor publishes for payment, kept only when their checksum holds.

Vendors of precursors take Bitcoin and USDT, which travels on the Tron and Ethereum chains, and
print the receiving address on product pages, payment pages and profiles; an address is as
strong a link between two storefronts as a phone number. Candidates are found by their written
shape and checked with the chain's own checksum, so a mistyped or invented address, a hash or an
order number is never reported:
- Bitcoin legacy and P2SH (`1...`, `3...`) and Tron (`T...`, where USDT-TRC20 lives): base58check,
  version byte 0x00/0x05 and 0x41, 21-byte payload (the `base58` library);
- Bitcoin native segwit (`bc1q...`): bech32, witness version 0 with a 20- or 32-byte program, and
  taproot (`bc1p...`): bech32m (BIP-350), witness version 1 with a 32-byte program (embit's
  BIP-173/BIP-350 decoder, which checks each version against its own checksum constant);
- Ethereum (`0x` + 40 hex digits, where USDT-ERC20 lives): when written in mixed case, the EIP-55
  checksum (the case of each letter follows the Keccak-256 hash of the lower-case address,
  pycryptodome's Keccak); an all-lower or all-upper address carries no checksum and is kept.
`wallets(text)` -> {"bitcoin": [...], "ethereum": [...], "tron": [...]} in page order; Ethereum
addresses lower-cased (their identity), base58/bech32 ones as written.
"""

from __future__ import annotations

import re

import base58
from Crypto.Hash import keccak
from embit import bech32

_B58 = "1-9A-HJ-NP-Za-km-z"
_CANDIDATES = re.compile(
    rf"(?<![0-9A-Za-z])(?:(?P<legacy>[13][{_B58}]{{25,34}})|(?P<tron>T[{_B58}]{{33}})|"
    r"(?P<segwit>[bB][cC]1[qQpP][02-9ac-hj-np-zAC-HJ-NP-Z]{38,58})|(?P<eth>0x[0-9a-fA-F]{40}))"
    r"(?![0-9A-Za-z])")
_VERSIONS = {"legacy": (0x00, 0x05), "tron": (0x41,)}


def _base58check(address: str, versions: tuple[int, ...]) -> bool:
    try:
        payload = base58.b58decode_check(address)
    except ValueError:
        return False
    return len(payload) == 21 and payload[0] in versions


def _segwit(address: str) -> bool:
    if address != address.lower() and address != address.upper():
        return False  # bech32 is written in one case
    version, program = bech32.decode("bc", address.lower())
    if program is None:
        return False  # a broken checksum, or bech32 where bech32m belongs (or the reverse)
    return (version == 0 and len(program) in (20, 32)) or (version == 1 and len(program) == 32)


def eip55_ok(address: str) -> bool:
    """True when a 0x address's letter case follows EIP-55, or it is written in one case."""
    digits = address[2:]
    if digits == digits.lower() or digits == digits.upper():
        return True
    h = keccak.new(digest_bits=256, data=digits.lower().encode("ascii")).hexdigest()
    return all(c.isdigit() or c.isupper() == (int(h[i], 16) >= 8) for i, c in enumerate(digits))


def wallets(text: str | None) -> dict[str, list[str]]:
    """Checksum-valid cryptocurrency addresses in `text`, by chain."""
    out: dict[str, list[str]] = {}
    for m in _CANDIDATES.finditer(text or ""):
        kind = m.lastgroup
        address = m.group(kind)
        if kind in _VERSIONS:
            ok, chain = _base58check(address, _VERSIONS[kind]), (
                "bitcoin" if kind == "legacy" else "tron")
        elif kind == "segwit":
            ok, chain, address = _segwit(address), "bitcoin", address.lower()
        else:
            ok, chain, address = eip55_ok(address), "ethereum", address.lower()
        if ok and address not in out.get(chain, []):
            out.setdefault(chain, []).append(address)
    return out
