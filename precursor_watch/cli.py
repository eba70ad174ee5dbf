"""The `precursor-watch` command: a thin click group; each area registers its own commands."""

from __future__ import annotations

import click

from precursor_watch import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="precursor-watch")
def main() -> None:
    """Find controlled drug precursors advertised by chemical vendors."""


def _register() -> None:
    from precursor_watch import (
        cli_catalog,
        cli_crawl,
        cli_match,
        cli_radar,
        cli_watchlist,
        cli_web,
    )

    main.add_command(cli_match.match)
    main.add_command(cli_match.demo)
    main.add_command(cli_watchlist.watchlist)
    main.add_command(cli_crawl.crawl)
    main.add_command(cli_crawl.samples)
    main.add_command(cli_crawl.parse)
    main.add_command(cli_crawl.evidence)
    main.add_command(cli_catalog.rescan)
    main.add_command(cli_catalog.stats)
    main.add_command(cli_catalog.ingest)
    main.add_command(cli_catalog.summary)
    main.add_command(cli_radar.radar)
    main.add_command(cli_web.serve)
    main.add_command(cli_web.report)


_register()
