"""The ready scheduling files run commands that parse, with the catalog, lock and logs set."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import click
import pytest

from precursor_watch.cli import main

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def parse_command(line: str) -> click.Context:
    """Parse a `.../precursor-watch SUBCOMMAND ...` command line with the real CLI."""
    words = shlex.split(line)
    start = next(i for i, w in enumerate(words) if w.endswith("bin/precursor-watch"))
    sub, *args = words[start + 1:]
    end = next((i for i, a in enumerate(args) if a in (">>", ">", "2>&1")), len(args))
    return main.commands[sub].make_context(sub, args[:end])


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return parser


def test_systemd_service_runs_a_valid_crawl_in_its_directory_with_journal_logs():
    service = unit("precursor-watch.service")["Service"]
    ctx = parse_command(service["ExecStart"])
    assert ctx.params["all_spiders"] and ctx.params["db_path"].startswith("/")
    assert ctx.params["report_dir"] and ctx.params["notify_cmd"]
    assert service["WorkingDirectory"] == str(Path(ctx.params["db_path"]).parent)
    assert service["StandardError"] == "journal" and service["Type"] == "oneshot"
    assert service["KillSignal"] == "SIGINT"  # a clean stop keeps the queues for --resume
    assert service["SuccessExitStatus"] == "3"


def test_systemd_timer_starts_nightly():
    timer = unit("precursor-watch.timer")
    assert timer["Timer"]["OnCalendar"] and timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_cron_line_is_a_valid_crawl():
    lines = [ln for ln in (DEPLOY / "cron" / "precursor-watch.cron").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert len(lines) == 1
    fields = lines[0].split(None, 5)
    assert len(fields) == 6 and fields[0].isdigit() and fields[1].isdigit()
    ctx = parse_command(fields[5].split("&&", 1)[1])
    assert ctx.params["all_spiders"] and ctx.params["db_path"].startswith("/")


def test_scrapyd_deploy_target_names_the_project_settings():
    cfg = configparser.ConfigParser()
    cfg.read(DEPLOY / "scrapyd" / "scrapy.cfg")
    assert cfg["settings"]["default"] == "scrapers.settings"
    assert cfg["deploy:local"]["project"] == "precursor_watch"


@pytest.mark.parametrize("bad", ["--no-such-option", "--db"])
def test_parse_command_rejects_what_the_cli_rejects(bad):
    with pytest.raises(click.UsageError):
        parse_command(f"/x/bin/precursor-watch crawl --all {bad}")
