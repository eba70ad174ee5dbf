"""`precursor-watch watchlist ...`: inspect and validate the watchlist data."""

from __future__ import annotations

import click


@click.group()
def watchlist() -> None:
    """Inspect and validate the watchlist (chem/data)."""
