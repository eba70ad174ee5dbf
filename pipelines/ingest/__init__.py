"""Records captured elsewhere into the catalog: JSON Lines files (`feed`, read by `jsonl`), the
Redis item queue of a distributed crawl (`redis_drain`), and `rescan` (stored listings matched
again against the current watchlist). Each goes through `pipelines.validate`,
`pipelines.chemistry` and `pipelines.catalog.writer`, like a crawl."""
