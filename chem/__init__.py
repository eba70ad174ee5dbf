"""Pure chemistry: identifiers, standardization, names and watchlist matching (no Scrapy, no DB)."""
