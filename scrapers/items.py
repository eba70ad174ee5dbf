"""Items the spiders yield: the vendor's raw text, no chemistry."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Listing:
    """One product offer on one platform, as the vendor wrote it."""

    platform: str
    url: str
    listing_id: str | None = None
    title: str | None = None
    product_name: str | None = None
    cas: str | None = None
    smiles: str | None = None
    formula: str | None = None
    purity: str | None = None
    price_text: str | None = None
    price_amount: float | None = None  # the lowest price shown
    price_max: float | None = None  # the highest, where a range or several pack prices show
    price_currency: str | None = None
    # "incl. VAT" / "excl. VAT" where the page states which (both are shown: gross is taken)
    price_basis: str | None = None
    quantity: str | None = None
    min_order: str | None = None
    stock: str | None = None
    description: str | None = None
    shipping_claims: list[str] = field(default_factory=list)
    payment_claims: list[str] = field(default_factory=list)
    instructions_offered: bool = False
    vendor_id: str | None = None
    vendor_name: str | None = None
    fetched_at: str | None = None
    body_sha256: str | None = None
    warc_file: str | None = None
    warc_record_id: str | None = None
    page_url: str | None = None  # the archived page's own URL (WARC-Target-URI)


@dataclass
class Vendor:
    """One company account on one platform (or one company website)."""

    platform: str
    vendor_id: str
    name: str | None = None
    profile_url: str | None = None
    country: str | None = None
    city: str | None = None
    address: str | None = None
    website: str | None = None
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    handles: dict[str, list[str]] = field(default_factory=dict)  # whatsapp/wechat/telegram/skype/qq
    years_on_platform: str | None = None
    badges: list[str] = field(default_factory=list)
    fetched_at: str | None = None
    body_sha256: str | None = None
    warc_file: str | None = None
    warc_record_id: str | None = None
    page_url: str | None = None  # the archived page's own URL (WARC-Target-URI)


@dataclass
class NotFetched:
    """A page the crawl could not read (anti-bot answer, refusal, error): never an empty result."""

    platform: str
    url: str
    reason: str
    status: int | None = None
    fetched_at: str | None = None
