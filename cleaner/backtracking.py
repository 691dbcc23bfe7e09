"""Is a regex at risk of catastrophic backtracking? Checked when a rule file
loads, so that no rule can hang a worker: Python's re cannot be interrupted.

A static check walks the parsed pattern for the shapes that backtrack
exponentially (nested unbounded repeats, overlapping alternatives or
several empty matches inside a repeat); a short timing probe on strings
built from the pattern's own characters catches what the walk misses.
"""

from __future__ import annotations

import functools
import re
import time
# Python's re cannot be interrupted, so a pattern that backtracks
# exponentially would hang a worker on one unlucky line. Such patterns are
# refused at load by a static look at the parsed regex (see backtracking_risk).

try:  # Python 3.11+
    from re import _constants as _sre, _parser as _sre_parse
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

# Characters the charset comparisons are made over: Latin, general
# punctuation (dashes, quotes), NBSP; enough to tell classes apart.
_UNIVERSE = frozenset(chr(c) for c in [*range(0x250), *range(0x2000, 0x2070), 0x3000])
_CATEGORIES = {
    name: frozenset(c for c in _UNIVERSE if re.fullmatch(esc, c))
    for name, esc in (
        ("CATEGORY_DIGIT", r"\d"), ("CATEGORY_NOT_DIGIT", r"\D"), ("CATEGORY_SPACE", r"\s"),
        ("CATEGORY_NOT_SPACE", r"\S"), ("CATEGORY_WORD", r"\w"), ("CATEGORY_NOT_WORD", r"\W"),
    )
}
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}
_LONG = 10  # an inner repeat allowing more than this many copies counts as unbounded


def _op(node) -> str:
    return str(node[0])


def _fold(chars: frozenset[str], ignorecase: bool) -> frozenset[str]:
    return chars | frozenset(c.swapcase() for c in chars) if ignorecase else chars


def _charset(node, icase: bool) -> frozenset[str] | None:
    """Characters a single-character node can match, None if not one."""
    op, av = _op(node), node[1]
    if op == "LITERAL":
        return _fold(frozenset({chr(av)}), icase)
    if op == "NOT_LITERAL":
        return _UNIVERSE - _fold(frozenset({chr(av)}), icase)
    if op == "ANY":
        return _UNIVERSE - {"\n"}
    if op == "IN":
        chars: set[str] = set()
        negate = False
        for item in av:
            iop, iav = _op(item), item[1]
            if iop == "NEGATE":
                negate = True
            elif iop == "LITERAL":
                chars.add(chr(iav))
            elif iop == "RANGE":
                chars |= {c for c in _UNIVERSE if iav[0] <= ord(c) <= iav[1]} | {chr(iav[0]), chr(iav[1])}
            elif iop == "CATEGORY":
                chars |= _CATEGORIES.get(str(iav), _UNIVERSE)
            else:
                chars |= _UNIVERSE
        folded = _fold(frozenset(chars), icase)
        return _UNIVERSE - folded if negate else folded
    return None


def _consumed(items, icase: bool) -> frozenset[str]:
    """Every character a sequence of nodes can consume (lookarounds consume none)."""
    out: frozenset[str] = frozenset()
    for node in items:
        op, av = _op(node), node[1]
        single = _charset(node, icase)
        if single is not None:
            out |= single
        elif op in _REPEATS:
            out |= _consumed(av[2], icase)
        elif op == "SUBPATTERN":
            out |= _consumed(av[3], _flag_icase(icase, av))
        elif op == "ATOMIC_GROUP":
            out |= _consumed(av, icase)
        elif op == "BRANCH":
            for alt in av[1]:
                out |= _consumed(alt, icase)
        elif op == "GROUPREF_EXISTS":
            out |= _consumed(av[1], icase) | (_consumed(av[2], icase) if av[2] else frozenset())
        elif op == "GROUPREF":
            out |= _UNIVERSE
    return out


def _first(items, icase: bool) -> frozenset[str]:
    """Characters a match of the sequence can start with (empty: it may match nothing)."""
    out: frozenset[str] = frozenset()
    for node in items:
        op, av = _op(node), node[1]
        single = _charset(node, icase)
        if single is not None:
            return out | single
        if op in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        if op in _REPEATS:
            out |= _first(av[2], icase)
            if av[0] >= 1:
                return out
        elif op == "SUBPATTERN":
            out |= _first(av[3], _flag_icase(icase, av))
            if av[3].getwidth()[0] > 0:
                return out
        elif op == "ATOMIC_GROUP":
            out |= _first(av, icase)
            if av.getwidth()[0] > 0:
                return out
        elif op == "BRANCH":
            out |= frozenset().union(*(_first(alt, icase) for alt in av[1]))
            if min(alt.getwidth()[0] for alt in av[1]) > 0:
                return out
        else:
            return out | _UNIVERSE
    return out


def _flag_icase(icase: bool, subpattern_av) -> bool:
    add, delete = subpattern_av[1], subpattern_av[2]
    return (icase or bool(add & re.IGNORECASE)) and not (delete & re.IGNORECASE)


def _norm(x):
    """A comparable form of parsed nodes (SubPattern has no equality)."""
    if isinstance(x, _sre_parse.SubPattern):
        return tuple(_norm(n) for n in x)
    if isinstance(x, (list, tuple)):
        return tuple(_norm(n) for n in x)
    return str(x) if isinstance(x, _sre._NamedIntConstant) else x


def _guarded_by(inner_body, outer_body) -> bool:
    """The inner repeat's body starts with a negative lookahead refusing a
    prefix of the outer body, (?:(?!Baca juga:).)*: it stops before the
    next outer iteration could start, so the split is unique."""
    if not len(inner_body) or _op(inner_body[0]) != "ASSERT_NOT" or inner_body[0][1][0] != 1:
        return False
    content = inner_body[0][1][1]
    alts = content[0][1][1] if len(content) == 1 and _op(content[0]) == "BRANCH" else [content]
    outer = _norm(outer_body)
    return any(len(alt) and _norm(alt) == outer[: len(alt)] for alt in alts)


def _long_repeats(items, outer_body, icase: bool, found: list, *, variable: bool = False) -> None:
    """Inner repeats allowing many copies, with the characters they consume;
    with `variable`, also short runs of one character class of two or more
    non-empty lengths ({2,3}): under an outer repeat of many iterations they
    too let the same text split many ways, (?:\\w{2,3})+ over 'aaaaaa' as
    2+2+2 or 3+3 (an optional character, a?, splits one way: an empty
    iteration ends the repeat)."""
    for node in items:
        op, av = _op(node), node[1]
        if op in ("ASSERT", "ASSERT_NOT"):
            continue  # lookarounds do not backtrack once matched
        if op in _REPEATS:
            many = av[1] == _sre.MAXREPEAT or av[1] > _LONG
            run = variable and 1 <= av[0] < av[1] and len(av[2]) == 1 and _charset(av[2][0], icase) is not None
            if (many or run) and not _guarded_by(av[2], outer_body):
                found.append(_consumed(av[2], icase))
            _long_repeats(av[2], outer_body, icase, found, variable=variable)
        elif op == "SUBPATTERN":
            _long_repeats(av[3], outer_body, _flag_icase(icase, av), found, variable=variable)
        elif op == "ATOMIC_GROUP":
            _long_repeats(av, outer_body, icase, found, variable=variable)
        elif op == "BRANCH":
            for alt in av[1]:
                _long_repeats(alt, outer_body, icase, found, variable=variable)


def _edge(items, icase: bool, last: bool) -> frozenset[str] | None:
    """The character set of a mandatory single character at the start (or end)."""
    while len(items):
        node = items[-1] if last else items[0]
        single = _charset(node, icase)
        if single is not None:
            return single
        if _op(node) != "SUBPATTERN":
            return None
        icase = _flag_icase(icase, node[1])
        items = node[1][3]
    return None


def _runs(items, icase: bool) -> bool:
    """The body is runs of characters, each disjoint from the next and the last
    from the first, (?:\\s+\\S+): iterations split only one way."""
    sets = []
    for node in items:
        if _op(node) in ("MAX_REPEAT", "MIN_REPEAT") and node[1][0] >= 1 and len(node[1][2]) == 1:
            node = node[1][2][0]
        single = _charset(node, icase)
        if single is None:
            return False
        sets.append(single)
    return len(sets) >= 2 and all(not a & b for a, b in zip(sets, sets[1:] + sets[:1]))


def _overlapping_branch(items, icase: bool) -> bool:
    """A branch (outside lookarounds) with two alternatives that can match the same
    text in two ways: both empty, identical, or sharing a first character where
    one of them is a single character, (a|a), (.|\\s), (a|aa)."""
    for node in items:
        op, av = _op(node), node[1]
        if op in ("ASSERT", "ASSERT_NOT"):
            continue
        if op == "BRANCH":
            alts = list(av[1])
            for i, a in enumerate(alts):
                for b in alts[i + 1 :]:
                    wa, wb = a.getwidth(), b.getwidth()
                    if wa[1] == 0 and wb[1] == 0 or _norm(a) == _norm(b):
                        return True
                    if min(wa[1], wb[1]) == 1 and _first(a, icase) & _first(b, icase):
                        return True
            if any(_overlapping_branch(alt, icase) for alt in alts):
                return True
        elif op in _REPEATS and _overlapping_branch(av[2], icase):
            return True
        elif op == "SUBPATTERN" and _overlapping_branch(av[3], _flag_icase(icase, av)):
            return True
        elif op == "ATOMIC_GROUP" and _overlapping_branch(av, icase):
            return True
    return False


def _has_repeat(items) -> bool:
    """Whether a sequence holds a repeat or optional part outside lookarounds."""
    for node in items:
        op, av = _op(node), node[1]
        if op in _REPEATS:
            return True
        if op == "SUBPATTERN" and _has_repeat(av[3]) or op == "ATOMIC_GROUP" and _has_repeat(av):
            return True
        if op == "BRANCH" and any(_has_repeat(alt) for alt in av[1]):
            return True
    return False


def _optional_tail(body, icase: bool) -> bool:
    """A repeated body ending in a branch with an empty alternative beside one
    that can start the next iteration, (a|aa)+, parsed as (?:a(?:|a))+."""
    items = body
    if body.getwidth()[0] == 0:
        return False  # (?:x|)*: an empty iteration ends the repeat
    while len(items) and _op(items[-1]) == "SUBPATTERN":
        items = items[-1][1][3]
    if not len(items) or _op(items[-1]) != "BRANCH":
        return False
    alts = list(items[-1][1][1])
    if not any(alt.getwidth()[1] == 0 for alt in alts):
        return False
    start = _first(body, icase)
    return any(alt.getwidth()[1] > 0 and _first(alt, icase) & start for alt in alts)


def _walk(items, icase: bool) -> str:
    for node in items:
        op, av = _op(node), node[1]
        if op in ("MAX_REPEAT", "MIN_REPEAT") and av[1] > 1:
            body = av[2]
            inner: list[frozenset[str]] = []
            _long_repeats(body, body, icase, inner, variable=av[1] == _sre.MAXREPEAT or av[1] > _LONG)
            if inner:
                eaten = frozenset().union(*inner)
                head, tail = _edge(body, icase, False), _edge(body, icase, True)
                if not (head is not None and not head & eaten or tail is not None and not tail & eaten or _runs(body, icase)):
                    return ("a repeated group contains an unbounded repeat or one of variable length, "
                            "like (a+)+, (\\w+\\s?)+ or (?:\\w{2,3})+")
            empties = sum(1 for n in body if _sre_parse.SubPattern(body.state, [n]).getwidth()[0] == 0)
            if body.getwidth()[0] == 0 and _has_repeat(body) and (av[1] != _sre.MAXREPEAT or empties > 1):
                return "a repeated group can match empty text in several ways, like (a?a?)+ or (a?){25}"
            if _overlapping_branch(body, icase) or _optional_tail(body, icase):
                return "a repeated group has alternatives that match the same text, like (a|a)+ or (.|\\s)*"
        if op in _REPEATS:
            found = _walk(av[2], icase)
        elif op == "SUBPATTERN":
            found = _walk(av[3], _flag_icase(icase, av))
        elif op in ("ASSERT", "ASSERT_NOT"):
            found = _walk(av[1], icase)
        elif op == "ATOMIC_GROUP":
            found = _walk(av, icase)
        elif op == "BRANCH":
            found = next((f for f in (_walk(alt, icase) for alt in av[1]) if f), "")
        elif op == "GROUPREF_EXISTS":
            found = _walk(av[1], icase) or (_walk(av[2], icase) if av[2] else "")
        else:
            found = ""
        if found:
            return found
    return ""


_PROBE_SIZES = tuple(range(4, 31, 2))
_PROBE_LIMIT = 0.02  # seconds for one search + fullmatch of a string under 30 characters


@functools.lru_cache(maxsize=4096)
def _probe(pattern: str) -> str:
    """Time the pattern on short hostile strings (runs of its own characters
    ending in one it cannot end on) of growing length. A safe pattern takes
    microseconds; one that backtracks exponentially doubles its time with
    each character, and is stopped as soon as a probe passes the limit, so
    the probe itself never takes long. Catches what the static check misses."""
    compiled = re.compile(pattern)
    chars: list[str] = []
    for c in re.sub(r"\\[A-Za-z]", "", pattern) + "a A1":
        if c not in chars and (c.isalnum() or c in " .,:-'\"/"):
            chars.append(c)
    units = [c for c in chars[:8]] + ["Aa ", "a1"]
    for n in _PROBE_SIZES:
        for unit in units:
            text = unit * (n // len(unit)) + "\x00"
            for _ in range(2):  # a second run rules out a scheduling hiccup
                start = time.perf_counter()
                compiled.search(text)
                compiled.fullmatch(text)
                if time.perf_counter() - start < _PROBE_LIMIT:
                    break
            else:
                return f"matching {unit * 2!r}... ({n} characters) takes over {_PROBE_LIMIT * 1000:.0f} ms"
    return ""


@functools.lru_cache(maxsize=4096)
def backtracking_risk(pattern: str) -> str:
    """Why `pattern` may backtrack exponentially, or "" if it looks safe.

    Refused: a group repeated more than once whose body holds an unbounded
    repeat, (a+)+, (a*)*, (\\w+\\s?)+, (.*a){20}, unless every iteration
    starts (or ends) with a character the inner repeats cannot eat, as in
    (?:-[A-Z]+)* or (?: [A-Z]\\w*){0,3}; and a repeated group whose
    alternatives can match the same text, (a|a)+, (.|\\s)*, (a|aa)+.
    Alternatives of single characters, (\\w|\\d)+, are compiled as one
    character class and are safe.
    """
    try:
        parsed = _sre_parse.parse(pattern)
    except re.error:
        return ""
    return _walk(parsed, bool(parsed.state.flags & re.IGNORECASE))




def pattern_risk(pattern: str) -> str:
    """Why a pattern is refused ('' when it is safe): the static walk, then the probe."""
    return backtracking_risk(pattern) or _probe(pattern)
