"""What every parser returns for one page: items plus the links worth following."""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapers.items import Listing, Vendor


@dataclass
class Follow:
    """A link the spider should visit next; `kind` names the callback (search/product/supplier)."""

    url: str
    kind: str


@dataclass
class Page:
    listings: list[Listing] = field(default_factory=list)
    vendors: list[Vendor] = field(default_factory=list)
    follow: list[Follow] = field(default_factory=list)
    not_fetched: str | None = None  # reason, e.g. "anti-bot challenge (HTTP 202)"
