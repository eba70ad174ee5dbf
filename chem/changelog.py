"""The watchlist's version history (chem/data/changelog.csv): replay, check and report it.

Each line records one change under a dated version: an entry `added` (with its regimes),
`removed`, its `regimes` changed ("+US-ListI;-US-proposed"), a regime code added or removed, a
transform added or removed, or an informational `note`. Replaying the log from the first version
must give exactly the current entries, their regimes and the regime vocabulary, so the history
cannot silently drift from the data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from chem.watchlist import Change, Watchlist

ENTRY_CHANGES = ("added", "removed", "regimes")
CODE_CHANGES = ("regime-code-added", "regime-code-removed")
TRANSFORM_CHANGES = ("transform-added", "transform-removed")
KINDS = ENTRY_CHANGES + CODE_CHANGES + TRANSFORM_CHANGES + ("note",)


def split_codes(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


def versions(log: list[Change]) -> list[tuple[str, str]]:
    """(version, date) in the order the log gives them."""
    out: dict[str, str] = {}
    for c in log:
        out.setdefault(c.version, c.date)
    return list(out.items())


@dataclass
class State:
    """What the log says the watchlist holds after replaying it."""

    entries: dict[str, set[str]] = field(default_factory=dict)  # id -> regime codes
    codes: set[str] = field(default_factory=set)
    problems: list[tuple[Change, str]] = field(default_factory=list)


def _apply_regimes(state: State, c: Change) -> None:
    current = state.entries[c.subject]
    for item in split_codes(c.detail):
        sign, code = item[:1], item[1:].strip()
        if sign == "+" and code not in current:
            current.add(code)
        elif sign == "-" and code in current:
            current.discard(code)
        else:
            state.problems.append((c, f"cannot apply {item!r} to regimes {sorted(current)}"))


def replay(log: list[Change], upto: str | None = None) -> State:
    """The state after every version up to and including `upto` (all versions if None)."""
    if upto is not None:
        names = [v for v, _ in versions(log)]
        keep = set(names[: names.index(upto) + 1]) if upto in names else set()
        log = [c for c in log if c.version in keep]
    state = State()
    for c in log:
        if c.change == "added":
            if c.subject in state.entries:
                state.problems.append((c, "added twice"))
            state.entries[c.subject] = set(split_codes(c.detail))
        elif c.change in ("removed", "regimes") and c.subject not in state.entries:
            state.problems.append((c, f"{c.subject!r} is not in the watchlist at this point"))
        elif c.change == "removed":
            del state.entries[c.subject]
        elif c.change == "regimes":
            _apply_regimes(state, c)
        elif c.change == "regime-code-added":
            state.codes.add(c.subject)
        elif c.change == "regime-code-removed":
            state.codes.discard(c.subject)
        elif c.change not in KINDS:
            state.problems.append((c, f"unknown change {c.change!r} (one of {', '.join(KINDS)})"))
    return state


def check(wl: Watchlist) -> list[tuple[str, str]]:
    """(where, message) for every disagreement between the history and the current data."""
    log = wl.changelog
    if not log:
        return [("changelog.csv", "no version history")]
    out: list[tuple[str, str]] = []
    seen: list[str] = []
    for version, date in versions(log):
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            out.append((version, f"date {date!r} is not YYYY-MM-DD"))
    for c in log:
        if seen and c.version != seen[-1] and c.version in seen:
            out.append((c.version, "lines of this version are not together"))
        if not seen or seen[-1] != c.version:
            seen.append(c.version)
    dates = [d for _, d in versions(log)]
    if dates != sorted(dates):
        out.append(("changelog.csv", "versions are not in date order"))
    first_date = dict(versions(log))
    for c in log:
        if c.date != first_date[c.version]:
            out.append((c.version, f"two dates for one version ({c.date})"))
    if seen[-1] != wl.declared_version:
        out.append(("VERSION", f"{wl.declared_version} but the newest version in the history is "
                               f"{seen[-1]} (record this update in changelog.csv)"))
    state = replay(log)
    out += [(f"{c.version} {c.subject}", msg) for c, msg in state.problems]
    current = {e.id: set(e.regimes) for e in wl.entries}
    for eid in sorted(set(current) - set(state.entries)):
        out.append((eid, "in watchlist.csv but never added in the history"))
    for eid in sorted(set(state.entries) - set(current)):
        out.append((eid, "in the history but not in watchlist.csv (record its removal)"))
    for eid in sorted(set(current) & set(state.entries)):
        if current[eid] != state.entries[eid]:
            out.append((eid, f"regimes {sorted(current[eid])} but the history gives "
                             f"{sorted(state.entries[eid])}"))
    if state.codes != set(wl.regimes):
        for code in sorted(set(wl.regimes) - state.codes):
            out.append((code, "regime code in regimes.csv but never added in the history"))
        for code in sorted(state.codes - set(wl.regimes)):
            out.append((code, "regime code in the history but not in regimes.csv"))
    transforms = {t.id for t in wl.transforms}
    for c in log:
        if c.change == "transform-added" and c.subject not in transforms and not any(
                o.change == "transform-removed" and o.subject == c.subject for o in log):
            out.append((c.subject, "transform added in the history but not in transforms.csv"))
    return out


@dataclass
class VersionChanges:
    version: str
    date: str
    changes: list[Change]

    def of(self, *kinds: str) -> list[Change]:
        return [c for c in self.changes if c.change in kinds]


def changes_since(log: list[Change], since: str | None = None) -> list[VersionChanges]:
    """The versions after `since` with their changes; by default the newest version only.

    Raises ValueError for a version the history does not know.
    """
    known = versions(log)
    names = [v for v, _ in known]
    if since is None:
        since = names[-2] if len(names) > 1 else None
    elif since not in names:
        raise ValueError(f"unknown watchlist version {since!r}; known: {', '.join(names)}")
    start = names.index(since) + 1 if since is not None else 0
    return [VersionChanges(v, d, [c for c in log if c.version == v]) for v, d in known[start:]]


def added_in(log: list[Change]) -> dict[str, str]:
    """Entry id -> the version that (last) added it."""
    return {c.subject: c.version for c in log if c.change == "added"}
