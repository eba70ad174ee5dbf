"""The `precursor-watch` command: a thin click group; each area registers its own commands."""

from __future__ import annotations

import click

from precursor_watch import __version__


class Commands(click.Group):
    """The command group: SIGINT or SIGTERM in any command that does not close its own run ends
    it with exit status 4 (`interrupted`), never click's "Aborted!" with 1 (README "Exit
    statuses")."""

    def invoke(self, ctx: click.Context):
        from precursor_watch.outcome import EXIT_CODES, stopping

        try:
            with stopping():
                return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo(f"precursor-watch {ctx.invoked_subcommand or ''}: interrupted", err=True)
            ctx.exit(EXIT_CODES["interrupted"])


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
    main.add_command(cli_web.verify_package_cmd)


_register()
