"""`precursor-watch serve` (Datasette for analysts) and `precursor-watch report`."""

from __future__ import annotations

import contextlib
import os

import click

from precursor_watch.cli_catalog import DB_OPTION


@click.command()
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=int, help="Port to listen on.")
@click.option("--password-hash", envvar="PRECURSOR_WATCH_PASSWORD_HASH", metavar="HASH",
              help="Require a login: a hash from `.venv/bin/datasette hash-password` "
                   "(env PRECURSOR_WATCH_PASSWORD_HASH).")
@click.option("--user", default="analyst", show_default=True,
              help="User name for --password-hash.")
@click.option("--immutable", is_flag=True,
              help="Open the file as immutable (only for a catalog no crawl writes to).")
@click.option("--evidence-root", type=click.Path(file_okay=False), metavar="DIR",
              help="Folder the WARC paths are relative to (default: beside the catalog, "
                   "then the working directory).")
def serve(db_path, host, port, password_hash, user, immutable, evidence_root) -> None:
    """Browse the catalog in Datasette, read-only, with the analyst pages."""
    from precursor_watch.web.server import build
    from precursor_watch.web.server import serve as run

    try:
        ds = build(db_path, password_hash=password_hash, user=user, immutable=immutable,
                   evidence_root=evidence_root)
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    lock = " (login required)" if password_hash else ""
    click.echo(f"Serving {db_path} read-only at http://{host}:{port}/{lock}; Ctrl-C stops.")
    run(ds, host, port)


@click.command()
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx", "html", "wacz"]),
              default="html", show_default=True,
              help="Output format (wacz: the archived pages behind the hits, with the HTML "
                   "report and CSV inside).")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="File to write (default: standard output; xlsx needs a file).")
@click.option("--since", metavar="DATE|RUN", help="Hits first seen since a date or by a crawl run.")
@click.option("--entry", multiple=True, help="Watchlist entry id (repeatable).")
@click.option("--family", multiple=True, help="Drug family, e.g. fentanyl (repeatable).")
@click.option("--regime", multiple=True, help="Regime code or prefix, e.g. UN-I, EU (repeatable).")
@click.option("--country", multiple=True, help="Vendor country, any spelling (repeatable).")
@click.option("--platform", multiple=True, help="Platform slug (repeatable).")
@click.option("--min-score", type=float, help="Lowest hit score kept (0..1).")
@click.option("--network", type=int, multiple=True, help="Vendor network id (repeatable).")
@click.option("--evidence-root", type=click.Path(file_okay=False), metavar="DIR",
              help="Folder the WARC paths are relative to (for the sample/live flag).")
@click.option("--sign-key", type=click.Path(dir_okay=False, exists=True), metavar="PEM",
              help="wacz: sign the package with this EC P-256 private key (PEM; an encrypted "
                   "key's password in $PRECURSOR_WATCH_SIGN_KEY_PASSWORD).")
def report(db_path, fmt, output, since, entry, family, regime, country, platform, min_score,
           network, evidence_root, sign_key) -> None:
    """Watchlist hits as a report to hand over (CSV, JSON, XLSX or one HTML file).

    Streamed: the hits are read and written in chunks (memory does not grow with them); a file
    appears at --output only once it is complete."""
    from pathlib import Path

    from pipelines.reports.formats import write_report
    from pipelines.reports.hits import Filters, open_report

    check_catalog_option(db_path)
    if fmt in ("xlsx", "wacz") and not output:
        raise click.ClickException(f"--format {fmt} needs --output FILE")
    if sign_key and fmt != "wacz":
        raise click.ClickException("--sign-key signs an evidence package: use --format wacz")
    key = None
    if sign_key:
        from pipelines.reports.wacz_signing import SigningError, load_signing_key

        try:
            key = load_signing_key(sign_key)
        except SigningError as exc:
            raise click.ClickException(str(exc)) from exc
    filters = Filters(since=since, entries=entry, families=family, regimes=regime,
                      countries=country, platforms=platform, min_score=min_score,
                      networks=network)
    try:
        with open_report(db_path, filters, evidence_root=evidence_root) as rep:
            if fmt == "wacz":
                _write_wacz(rep, output, db_path, evidence_root, key)
                return
            if not output:
                write_report(rep, fmt, click.get_text_stream("stdout"))
                return
            with _complete(Path(output), binary=fmt == "xlsx") as fh:
                write_report(rep, fmt, fh)
            click.echo(f"report: {rep.count} hits from {rep.head['summary']['vendors']} vendors"
                       f" written to {output}", err=True)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


def check_catalog_option(db_path: str) -> None:
    """A clear error (not a traceback) when --db names no file or not a catalog."""
    from pathlib import Path

    from precursor_watch.web.server import NotACatalog, check_catalog

    if not os.path.exists(db_path):
        raise click.ClickException(f"no catalog at {db_path}")
    try:
        check_catalog(Path(db_path))
    except NotACatalog as exc:
        raise click.ClickException(str(exc)) from exc


@contextlib.contextmanager
def _complete(path, binary: bool = False):
    """A file written under a temporary name beside `path`, renamed to it only when the
    writing finished (a failed report leaves no partial file behind)."""
    part = path.with_name(path.name + ".part")
    try:
        with part.open("wb") if binary else part.open("w", encoding="utf-8", newline="") as fh:
            yield fh
        part.replace(path)
    finally:
        part.unlink(missing_ok=True)


def _write_wacz(rep, output: str, db_path: str, evidence_root: str | None, key=None) -> None:
    from functools import partial
    from pathlib import Path

    from pipelines.reports.evidence_package import PackageError, write_wacz
    from pipelines.reports.formats import write_report

    roots = ([Path(evidence_root)] if evidence_root else []) + [
        Path(db_path).resolve().parent, Path.cwd()]
    extra = {"report.html": partial(write_report, rep, "html"),
             "hits.csv": partial(write_report, rep, "csv")}
    try:
        packed = write_wacz(rep, output, roots, "precursor-watch evidence", extra=extra,
                            sign_key=key)
    except PackageError as exc:
        Path(output).unlink(missing_ok=True)
        raise click.ClickException(str(exc)) from exc
    click.echo(f"report: {rep.count} hits, {packed.pages} archived pages"
               f" ({packed.records} WARC records from {len(packed.warcs)} WARC files) written"
               f" to {output}", err=True)
    if key is not None:
        from pipelines.reports.wacz_signing import verify_package

        signed = verify_package(output)
        click.echo(f"signed by key {signed['key_fingerprint']}", err=True)


@click.command("verify-package")
@click.argument("package", type=click.Path(dir_okay=False, exists=True))
@click.option("--public-key", type=click.Path(dir_okay=False, exists=True), metavar="PEM",
              help="Also check that this public key made the signature.")
def verify_package_cmd(package, public_key) -> None:
    """Check the signature of an evidence package (`report --format wacz --sign-key`); its
    files' SHA-256 are checked by `wacz validate -f PACKAGE`."""
    from pathlib import Path

    from pipelines.reports.wacz_signing import SigningError, verify_package

    try:
        info = verify_package(package, Path(public_key).read_bytes() if public_key else None)
    except (SigningError, ValueError, KeyError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{package}: signature valid; key {info['key_fingerprint']}; created"
               f" {info['created']}; {info['software']}"
               + ("; key matches --public-key" if public_key else ""))
