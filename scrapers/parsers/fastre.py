"""Regular expressions that skip, at C speed, the positions where no match can start.

Python's regex engine tries every alternative of a pattern at every position of the text; with
IGNORECASE it cannot even rule an alternative out by its first letter, so a price or claims
pattern with dozens of alternatives costs a microsecond per character of a long card. `guarded`
puts a one-character look-ahead in front of a pattern: the class of every character a match can
start with, read from the pattern's own parse tree. The look-ahead is one check per position and
changes nothing a search finds (a match at a position needs its first character in that class);
a pattern whose first character cannot be told (it may match the empty string, starts with a
back-reference, an any-character dot or a negated class) gets no look-ahead. Either way the
result is then compiled as its case-sensitive twin where there is one (`unfolded`, below).
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
    spans), as its case-sensitive twin (`unfolded`) where there is one. Only IGNORECASE patterns
    are changed: the engine already skips ahead by a case-sensitive pattern's first characters
    where it can."""
    if not rx.flags & re.IGNORECASE:
        return rx
    first = first_class(rx)
    if first is None:
        return unfolded(rx)
    fast = re.compile(f"(?=[{first}])(?:{rx.pattern})", rx.flags)
    _ORIGINAL[fast] = rx
    return unfolded(fast)


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


# Case-sensitive twins, for IGNORECASE patterns with many alternatives: the engine skips a
# non-matching alternative at one character compare only when case matters. The twin is the
# pattern's own parse tree with every cased literal and every class replaced by the characters
# it matches under IGNORECASE (as the engine folds them: "s" also "ſ", "k" also KELVIN SIGN, "i"
# also "İ" and "ı"), compiled without IGNORECASE, groups of alternatives spliced into their
# parent (which changes no order): the same matches, spans and groups on every text. A caseless
# character matches the same either way, so only the characters that have a case are tried.
_CASED_BELOW = 0x1F000  # no character at or above has a case (tests check the Unicode data)


@functools.cache
def _cased() -> dict[int, list[int]]:
    """lower case -> every character whose lower case it is (itself included), for every
    character that has a case."""
    out: dict[int, list[int]] = {}
    for c in range(_CASED_BELOW):
        if _sre.unicode_iscased(c):
            out.setdefault(_sre.unicode_tolower(c), []).append(c)
    return out


def _literal_matches(code: int) -> list[int]:
    """Every character a cased literal matches under IGNORECASE: those whose lower case is the
    literal's lower case or one of its extra cases (re._casefix)."""
    lower = _sre.unicode_tolower(code)
    return sorted({c for low in (lower, *_EXTRA_CASES.get(lower, ())) for c in _cased()[low]})


@functools.cache
def _cased_text() -> str:
    return "".join(chr(c) for cs in _cased().values() for c in cs)


@functools.lru_cache(maxsize=1024)
def _class_matches(items: tuple, flags: int) -> tuple[int, ...]:
    """The cased characters a class (without negation) matches under IGNORECASE and not as
    written (those it adds to the class)."""
    found = []
    for case_flags in (flags, flags & ~re.IGNORECASE):
        state = sre_parse.State()
        state.flags = case_flags
        one = re._compiler.compile(sre_parse.SubPattern(state, [(sre.IN, list(items))]),
                                   case_flags)
        found.append(set(one.findall(_cased_text())))
    return tuple(sorted(map(ord, found[0] - found[1])))


def _unfold_char(state, op, av, flags: int) -> tuple:
    if op is not sre.IN:
        if not _sre.unicode_iscased(av):
            return op, av  # a caseless literal matches the same either way
        items = [(sre.LITERAL, c) for c in _literal_matches(av)]
        return (sre.IN, items) if op is sre.LITERAL else (sre.IN, [(sre.NEGATE, None), *items])
    negate = bool(av) and av[0][0] is sre.NEGATE
    positive = av[1:] if negate else av
    extra = _class_matches(tuple(positive), flags)
    items = [*positive, *((sre.LITERAL, c) for c in extra)]
    return sre.IN, [(sre.NEGATE, None), *items] if negate else items


_ENUMERATED_RANGE = 4096  # a class range wider than this is not listed character by character


def _char_codes(item) -> frozenset[int] | None:
    """The characters a one-character item of a case-sensitive tree matches (a literal, a
    class of literals and ranges); None for any other item (categories, negations, groups)."""
    op, av = item
    if op is sre.LITERAL:
        return frozenset((av,))
    if op is not sre.IN:
        return None
    codes: set[int] = set()
    for iop, iav in av:
        if iop is sre.LITERAL:
            codes.add(iav)
        elif iop is sre.RANGE and iav[1] - iav[0] < _ENUMERATED_RANGE:
            codes.update(range(iav[0], iav[1] + 1))
        else:
            return None
    return frozenset(codes)


def _by_first_character(state, alternatives: list) -> list:
    """Alternatives that start with the same character item, side by side and that item
    written once before a branch of their rests ("US|USD|RUB|UAH" as "U(?:S|SD|AH)|RUB"): the
    engine rejects a whole bucket with one test instead of trying each alternative in turn
    (what makes a list of forty currencies cost a microsecond per character). An alternative
    moves ahead of others only past those that no character can start as well, so at any
    position the alternatives that can match are tried in their written order: the same
    matches, spans and groups. `a x|a y` and `a(?:x|y)` try the same things in the same order
    when `a` is one character."""
    buckets: list[tuple[tuple | None, frozenset | None, list]] = []
    for alternative in alternatives:
        first = alternative[0] if len(alternative) else None
        codes = _char_codes(first) if first is not None else None
        target = None
        for i in range(len(buckets) - 1, -1, -1) if codes is not None else ():
            key, key_codes, _ = buckets[i]
            if key == first:
                target = i
                break
            if key_codes is None or not key_codes.isdisjoint(codes):
                break  # it may match where this one does: no moving past it
        if target is None:
            buckets.append((first, codes, [alternative]))
        else:
            buckets[target][2].append(alternative)
    out = []
    for first, _codes, group in buckets:
        if len(group) == 1:
            out.append(group[0])
            continue
        rests = [sre_parse.SubPattern(state, list(a[1:])) for a in group]
        out.append(sre_parse.SubPattern(
            state, [first, (sre.BRANCH, (None, _by_first_character(state, rests)))]))
    return out


def _unfold_items(state, seq, flags: int) -> list:
    def sub(inner):
        return sre_parse.SubPattern(state, _unfold_items(state, inner, flags))

    out = []
    for op, av in seq:
        if op in (sre.LITERAL, sre.NOT_LITERAL, sre.IN):
            out.append(_unfold_char(state, op, av, flags))
        elif op is sre.BRANCH:
            alternatives = []
            for alternative in map(sub, av[1]):
                if len(alternative) == 1 and alternative[0][0] is sre.BRANCH:
                    alternatives.extend(alternative[0][1][1])  # (?:a|b) among alternatives: a|b
                else:
                    alternatives.append(alternative)
            out.append((op, (None, _by_first_character(state, alternatives))))
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
        elif op in (sre.AT, sre.ANY):
            out.append((op, av))
        else:  # a back-reference (compared ignoring case), a conditional, ...
            raise _Unknown(op)
    return out


def unfolded(rx: re.Pattern) -> re.Pattern:
    """The case-sensitive twin of an IGNORECASE pattern (see above), or `rx` itself when it
    cannot be told (other flags than IGNORECASE, scoped flags, back-references). The twin has
    no source text (`.pattern` is None): build other patterns from `original(twin)`."""
    if not isinstance(rx.pattern, str) or rx.flags & ~re.VERBOSE != re.IGNORECASE | re.UNICODE:
        return rx
    tree = sre_parse.parse(rx.pattern, rx.flags)
    if tree.state.flags != rx.flags:
        return rx  # global inline flags
    state = copy.copy(tree.state)
    state.flags = re.UNICODE
    try:
        items = _unfold_items(tree.state, tree, rx.flags)
    except _Unknown:
        return rx
    twin = re._compiler.compile(sre_parse.SubPattern(state, items), re.UNICODE)
    _ORIGINAL[twin] = _ORIGINAL.get(rx, rx)
    return twin
