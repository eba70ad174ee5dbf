"""Regular expressions that skip, at C speed, the positions where no match can start.

Python's regex engine tries every alternative of a pattern at every position of the text; with
IGNORECASE it cannot even rule an alternative out by its first letter, so a price or claims
pattern with dozens of alternatives costs a microsecond per character of a long card. `guarded`
puts a one-character look-ahead in front of a pattern: the class of every character a match can
start with, read from the pattern's own parse tree. The look-ahead is one check per position and
changes nothing a search finds (a match at a position needs its first character in that class);
a pattern whose first character cannot be told (it may match the empty string, starts with a
back-reference, an any-character dot or a negated class) is returned unchanged.
"""

from __future__ import annotations

import _sre
import copy
import functools
import re
import re._compiler  # noqa: F401 (compiles the lower-cased twins from their parse trees)
from re import _constants as sre  # the parse tree's opcodes (stable since Python 3.11)
from re import _parser as sre_parse
from re._casefix import _EXTRA_CASES

_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D",
               sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_NOT_SPACE: r"\S",
               sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W"}
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_GLOBAL_FLAGS = re.compile(r"^\(\?[aiLmsux]+\)")


class _Unknown(Exception):
    """A construct whose first character the guard does not work out."""


def _char(code: int) -> str:
    return "\\" + chr(code) if chr(code) in "]\\^-[" else re.escape(chr(code))


def _class_items(items) -> list[str]:
    out = []
    for op, av in items:
        if op is sre.LITERAL:
            out.append(_char(av))
        elif op is sre.RANGE:
            out.append(f"{_char(av[0])}-{_char(av[1])}")
        elif op is sre.CATEGORY and av in _CATEGORIES:
            out.append(_CATEGORIES[av])
        else:  # a negated class, a Unicode-category escape we do not spell: unknown
            raise _Unknown(op)
    return out


def _first(seq, out: list[str]) -> bool:
    """Add to `out` the class items a match of `seq` can start with; True when `seq` can match
    the empty string (its followers' first characters count too)."""
    for op, av in seq:
        if op is sre.LITERAL:
            out.append(_char(av))
            return False
        if op is sre.IN:
            out.extend(_class_items(av))
            return False
        if op is sre.BRANCH:
            empty = False
            for alternative in av[1]:
                empty = _first(alternative, out) or empty
            if not empty:
                return False
        elif op is sre.SUBPATTERN:
            _group, add_flags, del_flags, inner = av
            if add_flags or del_flags:  # (?i:...) inside: flags differ from the look-ahead's
                raise _Unknown(op)
            if not _first(inner, out):
                return False
        elif op in _REPEATS:
            least, _most, inner = av
            if not _first(inner, out) and least > 0:
                return False
        elif op is sre.ATOMIC_GROUP:
            if not _first(av, out):
                return False
        elif op not in _ZERO_WIDTH:  # ANY, NOT_LITERAL, GROUPREF, ...: unknown
            raise _Unknown(op)
    return True


def first_class(rx: re.Pattern) -> str | None:
    """The character class (without brackets) of every character a match of `rx` can start
    with, or None when it cannot be told."""
    if not isinstance(rx.pattern, str) or rx.flags & re.VERBOSE or _GLOBAL_FLAGS.match(rx.pattern):
        return None  # (a verbose pattern's trailing comment would swallow the wrapper's ")")
    out: list[str] = []
    try:
        if _first(sre_parse.parse(rx.pattern, rx.flags), out):
            return None  # may match the empty string
    except _Unknown:
        return None
    return "".join(dict.fromkeys(out)) or None


def guarded(rx: re.Pattern) -> re.Pattern:
    """`rx` behind a look-ahead on its possible first characters (same matches, groups and
    spans), or `rx` itself when those cannot be told. Only IGNORECASE patterns are wrapped: the
    engine already skips ahead by a case-sensitive pattern's first characters where it can."""
    if not rx.flags & re.IGNORECASE:
        return rx
    first = first_class(rx)
    if first is None:
        return rx
    fast = re.compile(f"(?=[{first}])(?:{rx.pattern})", rx.flags)
    _ORIGINAL[fast] = rx
    return fast


_ORIGINAL: dict[re.Pattern, re.Pattern] = {}


def original(rx: re.Pattern) -> re.Pattern:
    """The pattern `guarded` wrapped (itself when it was not wrapped), for tests that compare."""
    return _ORIGINAL.get(rx, rx)


# Case folding, for IGNORECASE patterns over ASCII texts: the engine cannot skip ahead by a
# letter when case is ignored, but lower-casing an ASCII text maps each character to one
# character, so the pattern without IGNORECASE finds on `text.lower()` exactly the spans the
# IGNORECASE pattern finds on `text`, provided its literal characters fold to themselves among
# ASCII (what the engine does with IGNORECASE: compare the text character's lower case, plus the
# extra cases of `re._casefix`, with the pattern character's).
def _ascii_fold_ok(code: int) -> bool:
    lower = _sre.unicode_tolower(code)
    ascii_matches = {c for c in (lower, *_EXTRA_CASES.get(lower, ())) if c < 128}
    return ascii_matches == {code} if code < 128 else not ascii_matches


def _foldable(seq) -> bool:
    for op, av in seq:
        if op in (sre.LITERAL, sre.NOT_LITERAL):
            if not _ascii_fold_ok(av):
                return False
        elif op is sre.IN:
            for iop, iav in av:
                if iop is sre.LITERAL and not _ascii_fold_ok(iav):
                    return False
                if iop is sre.RANGE and not all(map(_ascii_fold_ok, range(iav[0], iav[1] + 1))):
                    return False
                if iop not in (sre.LITERAL, sre.RANGE, sre.CATEGORY, sre.NEGATE):
                    return False
        elif op is sre.BRANCH:
            if not all(_foldable(alternative) for alternative in av[1]):
                return False
        elif op is sre.SUBPATTERN:
            if av[1] or av[2] or not _foldable(av[3]):
                return False
        elif op in _REPEATS:
            if not _foldable(av[2]):
                return False
        elif op is sre.ATOMIC_GROUP:
            if not _foldable(av):
                return False
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            if not _foldable(av[1]):
                return False
        elif op not in (sre.AT, sre.ANY, sre.GROUPREF):
            return False
    return True


@functools.lru_cache(maxsize=256)
def folded(rx: re.Pattern) -> re.Pattern | None:
    """`rx` without IGNORECASE when it finds on an ASCII text's lower case what `rx` finds on the
    text, else None (not IGNORECASE, global inline flags, a literal such as "K" or "ſ")."""
    if not rx.flags & re.IGNORECASE or not isinstance(rx.pattern, str) or _GLOBAL_FLAGS.match(
            rx.pattern) or not _foldable(sre_parse.parse(rx.pattern, rx.flags)):
        return None
    return re.compile(rx.pattern, rx.flags & ~re.IGNORECASE)


def search_span(rx: re.Pattern, text: str, lowered: str | None = None) -> tuple[int, int] | None:
    """The span of `rx`'s first match in `text` (None: no match). An ASCII text is searched
    lower-cased by `folded(rx)` when there is one; `lowered` is `text.lower()` for callers that
    search one text with several patterns."""
    fast = folded(rx) if text.isascii() else None
    m = fast.search(text.lower() if lowered is None else lowered) if fast else rx.search(text)
    return m.span() if m else None


# Lower-cased twins, for IGNORECASE patterns with many alternatives over ASCII texts: the
# engine tries every alternative at every position, and cannot rule one out by its first
# character when case is ignored. The twin is the pattern's own parse tree with each literal
# and class replaced by what it matches among lower-case ASCII characters, compiled without
# IGNORECASE (alternatives that are groups of alternatives spliced into their parent, which
# changes no order): on `text.lower()` of an ASCII text it finds the same matches, spans and
# group spans, and skips a non-matching alternative at a character compare.
_UNICODE_ONLY = re.IGNORECASE | re.UNICODE


def _ascii_matched(state, items, flags: int) -> set[str]:
    """Lower-case ASCII characters whose every case a class matches under IGNORECASE."""
    one = re._compiler.compile(sre_parse.SubPattern(state, [(sre.IN, items)]), flags)
    hits = {chr(c) for c in range(128) if one.fullmatch(chr(c))}
    lower = {c.lower() for c in hits}
    if any(c.upper() not in hits or c not in hits for c in lower if c.isalpha()):
        raise _Unknown("a class that tells the cases apart")
    return lower


def _lower_char(state, op, av, flags: int) -> tuple:
    """A literal, negated literal or class as its twin: what it matches among lower-case ASCII."""
    chars = _ascii_matched(state, [(sre.LITERAL, av)] if op is not sre.IN else av, flags)
    if not chars:  # a non-ASCII literal or class: no ASCII character, no case
        return (op, av) if op is not sre.IN else (op, [(sre.LITERAL, 0x80)])
    if len(chars) == 1 and op is not sre.IN:
        return op, ord(chars.pop())
    literals = [(sre.LITERAL, ord(c)) for c in sorted(chars)]
    return sre.IN, [(sre.NEGATE, None), *literals] if op is sre.NOT_LITERAL else literals


def _lower_items(state, seq, flags: int) -> list:
    def sub(inner):
        return sre_parse.SubPattern(state, _lower_items(state, inner, flags))

    out = []
    for op, av in seq:
        if op in (sre.LITERAL, sre.NOT_LITERAL, sre.IN):
            out.append(_lower_char(state, op, av, flags))
        elif op is sre.BRANCH:
            alternatives = []
            for alternative in map(sub, av[1]):
                if len(alternative) == 1 and alternative[0][0] is sre.BRANCH:
                    alternatives.extend(alternative[0][1][1])  # (?:a|b) among alternatives: a|b
                else:
                    alternatives.append(alternative)
            out.append((op, (None, alternatives)))
        elif op is sre.SUBPATTERN:
            if av[1] or av[2]:  # scoped flags
                raise _Unknown(op)
            out.append((op, (av[0], 0, 0, sub(av[3]))))
        elif op in _REPEATS:
            out.append((op, (av[0], av[1], sub(av[2]))))
        elif op is sre.ATOMIC_GROUP:
            out.append((op, sub(av)))
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            out.append((op, (av[0], sub(av[1]))))
        elif op in (sre.AT, sre.ANY, sre.GROUPREF):
            out.append((op, av))
        else:  # a conditional, ...
            raise _Unknown(op)
    return out


@functools.lru_cache(maxsize=256)
def lowered(rx: re.Pattern) -> re.Pattern | None:
    """The lower-cased twin of an IGNORECASE pattern (see above), or None when it cannot be
    told (other flags than IGNORECASE, scoped flags, conditionals, a class that tells cases
    apart)."""
    if not isinstance(rx.pattern, str) or rx.flags & ~re.VERBOSE != _UNICODE_ONLY:
        return None
    tree = sre_parse.parse(rx.pattern, rx.flags)
    if tree.state.flags & ~re.VERBOSE != _UNICODE_ONLY:
        return None  # global inline flags
    state = copy.copy(tree.state)
    state.flags = re.UNICODE
    try:
        items = _lower_items(tree.state, tree, rx.flags)
    except _Unknown:
        return None
    return re._compiler.compile(sre_parse.SubPattern(state, items), re.UNICODE)


class _Read:
    """A match of a lower-cased twin, its groups read from the original text."""

    __slots__ = ("_m", "_text")

    def __init__(self, m: re.Match, text: str):
        self._m, self._text = m, text

    def group(self, key: int | str = 0) -> str | None:
        start, end = self._m.span(key)
        return self._text[start:end] if start >= 0 else None

    def span(self, key: int | str = 0) -> tuple[int, int]:
        return self._m.span(key)

    def start(self, key: int | str = 0) -> int:
        return self._m.start(key)

    def end(self, key: int | str = 0) -> int:
        return self._m.end(key)


# pattern id -> (pattern, twin): a compiled pattern hashes its whole code on every lookup
_TWINS: dict[int, tuple[re.Pattern, re.Pattern | None]] = {}


def _twin(rx: re.Pattern) -> re.Pattern | None:
    known = _TWINS.get(id(rx))
    if known is None or known[0] is not rx:
        known = _TWINS[id(rx)] = (rx, lowered(rx))
    return known[1]


def search(rx: re.Pattern, text: str):
    """`rx.search(text)`; an ASCII text is searched lower-cased by the twin when there is one
    (the match reads its groups from `text`)."""
    twin = _twin(rx) if text.isascii() else None
    if twin is None:
        return rx.search(text)
    m = twin.search(text.lower())
    return _Read(m, text) if m else None


def finditer(rx: re.Pattern, text: str):
    """`rx.finditer(text)`, an ASCII text searched lower-cased by the twin (as `search`)."""
    twin = _twin(rx) if text.isascii() else None
    if twin is None:
        return rx.finditer(text)
    return (_Read(m, text) for m in twin.finditer(text.lower()))
