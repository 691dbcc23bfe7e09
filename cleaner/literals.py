"""Which literal text must a regex find in a line before it can match there?

Python's `re` tries a pattern at every position of a line, and a pattern that
starts with an optional part or a lookbehind cannot skip ahead: most rules
find nothing on most lines, yet cost a full scan each. `needed_literals`
reads the parsed pattern once, when a rule is loaded, and returns a few
strings of which at least one occurs in every match; a line holding none of
them is skipped with `str.__contains__`, which is much faster than a search.
Nothing is needed (an empty tuple) where the pattern does not tell, so the
check never changes what a rule matches.
"""

from __future__ import annotations

try:  # Python 3.11+
    from re import _constants as _sre, _parser as _sre_parse
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

#: Alternatives beyond this many make the check cost what it saves.
MAX_ALTERNATIVES = 10
#: Literals this long are all rare in a line: beyond it, fewer alternatives matter more than length.
RARE_LENGTH = 6

Needed = frozenset  # a set of strings, one of which every match contains (empty: none known)


def needed_literals(pattern: str) -> tuple[str, ...]:
    """Strings of which every match of `pattern` contains at least one
    (sorted); () when no such set is known."""
    try:
        parsed = _sre_parse.parse(pattern)
    except Exception:  # noqa: BLE001 - the loader reports bad patterns itself
        return ()
    if parsed.state.flags & _sre.SRE_FLAG_IGNORECASE:
        return ()  # case folding (the Kelvin sign matches "k") is not worth following
    needed = _sequence(parsed.data)
    # a string that holds another one of the set adds nothing: a line with it has the other too
    return tuple(sorted(s for s in needed if not any(t != s and t in s for t in needed)))


def _sequence(items) -> Needed:
    """The most selective needed set of a sequence of nodes: the best of its
    literal runs and of the needed sets of its parts that must match."""
    best: Needed = frozenset()
    run: list[str] = []

    def close() -> None:
        nonlocal best, run
        if run:
            best = _better(best, frozenset(["".join(run)]))
            run = []

    for op, av in items:
        if op is _sre.LITERAL:
            run.append(chr(av))
            continue
        close()
        if op is _sre.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if not add_flags & _sre.SRE_FLAG_IGNORECASE:
                best = _better(best, _sequence(sub.data))
        elif op is _sre.BRANCH:
            best = _better(best, _branch(av[1]))
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            best = _better(best, _sequence(av[2].data))
        elif op is _sre.ATOMIC_GROUP:
            best = _better(best, _sequence(av.data))
        elif op is _sre.ASSERT:  # a lookahead or lookbehind: its text is in the line too
            best = _better(best, _sequence(av[1].data))
        # anything else (classes, negative lookarounds, anchors, optional parts) needs nothing known
    close()
    return best


def _branch(alternatives) -> Needed:
    """Every alternative must need something: the union of what they need."""
    out: set[str] = set()
    for alt in alternatives:
        needed = _sequence(alt.data)
        if not needed:
            return frozenset()
        out |= needed
    return frozenset(out) if len(out) <= MAX_ALTERNATIVES else frozenset()


def _better(a: Needed, b: Needed) -> Needed:
    """The more selective of two needed sets: the longer shortest string (up
    to RARE_LENGTH), then fewer strings."""
    if not b:
        return a
    if not a:
        return b
    return min(a, b, key=lambda s: (-min(RARE_LENGTH, *map(len, s)), len(s)))
