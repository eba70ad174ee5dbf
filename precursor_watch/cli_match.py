"""`precursor-watch match` and `demo`."""

from __future__ import annotations

import click


@click.command()
def match() -> None:
    """Match listings against the watchlist."""
    raise click.ClickException("not built yet")


@click.command()
def demo() -> None:
    """Run the main job on the embedded default."""
    raise click.ClickException("not built yet")
