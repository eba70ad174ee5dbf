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


def _callback(ctx, param, value):
    path, ctx.meta["db_source"] = resolve_db(value)
    return path


def db_source() -> str:
    """Where the current command's --db value came from (set by DB_OPTION)."""
    return click.get_current_context().meta.get("db_source", "--db")


DB_OPTION = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False), default=None, callback=_callback,
    show_default="$PRECURSOR_WATCH_DB, else the config file's db, else catalog.db",
    help="Catalog file.")
