"""Where the catalog is: `--db`, then `PRECURSOR_WATCH_DB`, then a config file, then `catalog.db`.

The config file is `PRECURSOR_WATCH_CONFIG`, else `$XDG_CONFIG_HOME/precursor-watch/config.toml`
(`~/.config/...`), a TOML file with `db = "/srv/precursor-watch/catalog.db"`; a relative path in
it is taken relative to the file. A command that is about to create a new catalog says so.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import click

from pipelines.catalog.location import DB_ENV, DEFAULT_DB, db_from_env


def config_file() -> Path:
    explicit = os.environ.get("PRECURSOR_WATCH_CONFIG")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "precursor-watch" / "config.toml"


def db_from_config(path: Path | None = None) -> str | None:
    path = path or config_file()
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise click.ClickException(f"cannot read config file {path}: {exc}") from exc
    value = data.get("db")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise click.ClickException(f"{path}: `db` must be a file path")
    db = Path(value).expanduser()
    return str(db if db.is_absolute() else path.parent / db)


def resolve_db(option: str | None) -> tuple[str, str]:
    """(catalog path, where it came from)."""
    if option:
        return option, "--db"
    if db_from_env():
        return db_from_env(), DB_ENV
    configured = db_from_config()
    if configured:
        return configured, f"config file {config_file()}"
    return DEFAULT_DB, "default"


def announce_new(path: str, source: str) -> None:
    """Say so (on standard error) when a command is about to create a new catalog."""
    if not Path(path).exists():
        click.echo(f"creating a new catalog at {Path(path).resolve()} (from {source})", err=True)


def not_a_catalog(path: str) -> str | None:
    """Why an existing file cannot be a catalog (None when it can: a catalog, an empty file
    or an empty SQLite database, which a crawl or ingest sets up)."""
    import sqlite3

    p = Path(path)
    if not p.is_file() or p.stat().st_size == 0:
        return None
    with p.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            return f"{path} is not a precursor-watch catalog (not a SQLite file)"
    try:
        conn = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("select name from sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"{path} is not a readable SQLite catalog: {exc}"
    if tables and "listings" not in tables:
        return (f"{path} is a SQLite database of another kind (no listings table), not a "
                "precursor-watch catalog")
    return None


def _callback(ctx, param, value):
    path, ctx.meta["db_source"] = resolve_db(value)
    why = not_a_catalog(path)
    if why:
        raise click.BadParameter(why, ctx=ctx, param=param)
    return path


def refuse_non_catalog(ctx, param, value):
    """Click callback for a --db given as is (no config lookup): a clear error for a file that
    is not a catalog, instead of a traceback when the command opens it."""
    why = not_a_catalog(value) if value else None
    if why:
        raise click.BadParameter(why, ctx=ctx, param=param)
    return value


def db_source() -> str:
    """Where the current command's --db value came from (set by DB_OPTION)."""
    return click.get_current_context().meta.get("db_source", "--db")


DB_OPTION = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False), default=None, callback=_callback,
    show_default="$PRECURSOR_WATCH_DB, else the config file's db, else catalog.db",
    help="Catalog file.")
