"""`precursor-watch watchlist validate | show | list | changes`: inspect and check the watchlist."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import click


def _load(data_dir: str | None):
    from chem.watchlist import default_watchlist, load_watchlist

    return load_watchlist(data_dir) if data_dir else default_watchlist()


@click.group()
def watchlist() -> None:
    """Inspect and validate the watchlist (chem/data)."""


@watchlist.command()
@click.option("--data-dir", type=click.Path(file_okay=False, exists=True),
              help="Validate this copy of the data files instead of the shipped one.")
@click.option("--no-cross-check", is_flag=True,
              help="Skip comparing each CAS number with the offline PubChem-derived table.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Date to measure regime checks against (default: today).")
def validate(data_dir: str | None, no_cross_check: bool, today: dt.datetime | None) -> None:
    """Check every entry, class rule, transform and the history; exit 1 on any problem.

    Regimes last checked more than six months ago are warnings (exit status unchanged).
    """
    from chem.data_files import DATA_DIR
    from chem.validate import check_files, staleness
    from chem.validate import validate as run

    problems = check_files(data_dir or DATA_DIR)
    if problems:  # the files cannot be loaded as they are
        for p in problems:
            click.echo(str(p))
        click.echo(f"watchlist data in {data_dir or DATA_DIR} cannot be loaded: "
                   f"{len(problems)} problem{'s' * (len(problems) != 1)}")
        raise SystemExit(1)
    wl = _load(data_dir)
    problems = run(wl)
    if not no_cross_check:
        from chem.dictionary import default_dictionary
        from chem.validate import cross_check

        problems += cross_check(wl, default_dictionary())
    for p in problems:
        click.echo(str(p))
    warnings = staleness(wl, today.date() if today else dt.date.today())
    for w in warnings:
        click.echo(f"warning: {w}")
    click.echo(f"watchlist {wl.version}: {len(wl.entries)} entries, {len(wl.classes)} class rules, "
               f"{len(wl.transforms)} transforms, {len(wl.clashes)} abbreviation clashes, "
               f"{len(wl.regimes)} regimes; radar: {len(wl.drugs)} controlled drugs, "
               f"{len(wl.routes)} routes; {len(problems)} problem{'s' * (len(problems) != 1)}, "
               f"{len(warnings)} warning{'s' * (len(warnings) != 1)}")
    if problems:
        raise SystemExit(1)


_DATA_DIR_OPTION = click.option(
    "--data-dir", type=click.Path(file_okay=False, exists=True),
    help="Read this copy of the data files instead of the shipped one.")


@watchlist.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
@_DATA_DIR_OPTION
def show(query: str, as_json: bool, data_dir: str | None) -> None:
    """Print the entry for an id, CAS number, name, abbreviation or Chinese name."""
    wl = _load(data_dir)
    entries = wl.find(query)
    if not entries:
        raise click.ClickException(f"no watchlist entry matches {query!r}")
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(e) for e in entries], ensure_ascii=False,
                              indent=2))
        return
    for e in entries:
        rows = [
            ("id", e.id), ("name", e.name), ("synonyms", "; ".join(e.synonyms)),
            ("abbreviations", "; ".join(e.abbreviations)), ("Chinese", "; ".join(e.names_zh)),
            ("other names", "; ".join(e.names_other)), ("CAS", "; ".join(e.cas)),
            ("salt CAS", "; ".join(f"{c} ({f})" for c, f in e.salt_cas)),
            ("SMILES", e.smiles), ("InChIKey", e.inchikey), ("formula", e.formula),
            ("family", "; ".join(e.family)), ("tier", e.tier),
            ("regimes", "\n                 ".join(_regime_label(wl, r) for r in e.regimes)),
            ("designer target", "yes" if e.designer_target else "no"),
            ("notes", e.notes), ("sources", "\n                 ".join(e.sources)),
        ]
        for label, value in rows:
            if value:
                click.echo(f"{label:>15}  {value}")
        click.echo()


def _regime_label(wl, code: str) -> str:
    regime = wl.regimes.get(code)
    if regime is None:
        return f"{code} (unknown code)"
    return f"{code} ({regime.meaning}), last checked {regime.last_checked}"


def _has_regime(codes: tuple[str, ...], wanted: str) -> bool:
    """`EU` selects EU-1 ... EU-listed; `UN-I` selects UN-I only (case-insensitive)."""
    wanted = wanted.strip().lower()
    return any(c.lower() == wanted or c.lower().startswith(wanted + "-") for c in codes)


@watchlist.command("list")
@click.option("--tier", type=click.Choice(["precursor", "pre-precursor", "reagent"]),
              help="Only entries of this tier.")
@click.option("--family", help="Only entries of this drug family (e.g. fentanyl, MDMA).")
@click.option("--regime", help="Only entries under this regime code or prefix (UN-I, EU, CN, ...).")
@click.option("--designer", is_flag=True, help="Only designer-precursor targets.")
@_DATA_DIR_OPTION
def list_entries(tier: str | None, family: str | None, regime: str | None, designer: bool,
                 data_dir: str | None) -> None:
    """One line per entry: id, tier, family, regimes, name."""
    wl = _load(data_dir)
    shown = [
        e for e in wl.entries
        if (not tier or e.tier == tier)
        and (not family or family.lower() in {f.lower() for f in e.family})
        and (not regime or _has_regime(e.regimes, regime))
        and (not designer or e.designer_target)
    ]
    for e in shown:
        click.echo(f"{e.id:<28} {e.tier:<14} {';'.join(e.family):<28} "
                   f"{';'.join(e.regimes):<40} {e.name}")
    click.echo(f"watchlist {wl.version}: {len(shown)} of {len(wl.entries)} entries")


@watchlist.command()
@click.option("--since", metavar="VERSION",
              help="List every version after this one (default: the newest version only).")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@_DATA_DIR_OPTION
def changes(since: str | None, as_json: bool, data_dir: str | None) -> None:
    """Entries added and removed, and regime changes, per watchlist version."""
    from chem.changelog import changes_since

    wl = _load(data_dir)
    try:
        chosen = changes_since(wl.changelog, since)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps([{"version": v.version, "date": v.date,
                                "changes": [dataclasses.asdict(c) for c in v.changes]}
                               for v in chosen], ensure_ascii=False, indent=2))
        return
    names = {e.id: e.name for e in wl.entries}
    for v in chosen:
        click.echo(_version_summary(v))
        for c in v.changes:
            click.echo(_change_line(c, names))
    if not chosen:
        click.echo(f"no changes after {since} (current {wl.declared_version})")


def _version_summary(v) -> str:
    counts = [(len(v.of("added")), "added"), (len(v.of("removed")), "removed"),
              (len(v.of("regimes")), "regime changes"),
              (len(v.of("regime-code-added", "regime-code-removed")), "regime codes"),
              (len(v.of("transform-added", "transform-removed")), "transforms")]
    return f"{v.version} ({v.date}): " + ", ".join(f"{n} {what}" for n, what in counts if n)


def _change_line(c, names: dict[str, str]) -> str:
    confidence = f"confidence {c.confidence}" if c.confidence else ""
    why = "; ".join(x for x in (c.source, confidence) if x)
    why = f"  [{why}]" if why else ""
    if c.change == "added":
        return f"  + {c.subject}  {names.get(c.subject, '')}  ({c.detail}){why}"
    if c.change == "removed":
        return f"  - {c.subject}{why}"
    if c.change == "regimes":
        return f"  ~ {c.subject}  {names.get(c.subject, '')}: regimes {c.detail}{why}"
    if c.change.startswith("regime-code"):
        sign = "+" if c.change.endswith("added") else "-"
        return f"  {sign} regime code {c.subject}: {c.detail}{why}"
    if c.change.startswith("transform"):
        sign = "+" if c.change.endswith("added") else "-"
        return f"  {sign} transform {c.subject}: {c.detail}{why}"
    return f"  * {c.subject}: {c.detail}"
