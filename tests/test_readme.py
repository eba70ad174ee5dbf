"""Every command and option of `precursor-watch` is documented in the README."""

from pathlib import Path

import click

from precursor_watch.cli import main

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = ""):
    for name, cmd in group.commands.items():
        path = f"{prefix}{name}"
        yield path, cmd
        if isinstance(cmd, click.Group):
            yield from commands(cmd, path + " ")


def test_every_command_and_option_is_in_the_readme():
    missing = []
    for path, cmd in commands(main):
        if f"precursor-watch {path}" not in README:
            missing.append(f"precursor-watch {path}")
        for param in cmd.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("-") and opt not in ("-h", "--help") and opt not in README:
                    missing.append(f"{path} {opt}")
    assert missing == []


def test_the_site_table_is_the_registry():
    """The README's spider table lists exactly the registered sites, in registry order."""
    from scrapers.sites import SITES

    section = README.split("## Collection: spiders", 1)[1]
    rows = [line for line in section.split("| --- |", 1)[1].split("\n\n", 1)[0].splitlines()
            if line.startswith("| `")]
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in rows]
    assert [c[0].strip("`") for c in cells] == list(SITES)
    for (_, site_cell, *_), site in zip(cells, SITES.values(), strict=True):
        assert site_cell.startswith(site.label), (site.slug, site_cell)
