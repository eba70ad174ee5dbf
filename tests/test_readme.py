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


def _layout() -> dict[str, tuple[str, str]]:
    """The README's layout table: path -> (what, may import)."""
    section = README.split("## Layout", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        if line.startswith("| `"):
            path, what, may = (c.strip() for c in line.strip().strip("|").split(" | "))
            rows[path.strip("`").rstrip("/")] = (what, may)
    return rows


ROOT = Path(__file__).parents[1]
OURS = ("chem", "pipelines", "scrapers", "precursor_watch")


def _packages() -> list[str]:
    return sorted(p.parent.relative_to(ROOT).as_posix() for top in OURS
                  for p in (ROOT / top).rglob("__init__.py"))


def _imports(package: str) -> set[str]:
    """Our modules imported by the modules directly in `package` (anywhere in them, lazily too)."""
    import ast

    found = set()
    for path in (ROOT / package).glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.module
                     and not node.level else [])
            found |= {n for n in names if n.split(".")[0] in OURS}
    return found


def test_the_layout_table_has_every_package_and_its_imports():
    """Every package of ours has a row in the README's layout table, and imports only what its
    row allows ("may import": the backquoted modules, "nothing of ours", "everything above")
    besides itself and the packages below it."""
    import re

    rows = _layout()
    assert set(_packages()) - set(rows) == set(), "packages missing from the layout table"
    for package in _packages():
        _, may = rows[package]
        if "everything above" in may:
            continue
        allowed = re.findall(r"`([\w.]+)`", may)
        own = package.replace("/", ".")
        stray = {m for m in _imports(package) if not m.startswith(own)
                 and not any(m == a or m.startswith(a + ".") for a in allowed)}
        assert stray == set(), (package, may, stray)


def test_the_layout_table_names_every_module_of_the_job_packages():
    """The catalog, ingest and reports packages and the top of pipelines/ are described module
    by module: a new module there is named in its row."""
    rows = _layout()
    for package in ("pipelines", "pipelines/catalog", "pipelines/ingest", "pipelines/reports"):
        what = rows[package][0]
        modules = {p.stem for p in (ROOT / package).glob("*.py") if p.stem != "__init__"}
        unnamed = {m for m in modules if f"`{m}`" not in what and f"`{m}.py`" not in what}
        assert unnamed == set(), (package, unnamed)
