"""Load, validate and compile rule files.

A rules folder holds `_global.toml` (generic rules, merged under every site)
and `sites/<domain>.toml` (one file per site). Validation is strict and
happens here, at load time: every problem becomes one line
`path: rule-id: problem`, collected over all files and raised together as
a `RuleError`, so a broken rule never surfaces later as a traceback.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

def _shipped_rules() -> Path:
    """The rules folder shipped with the project: rules/ beside the package in
    a checkout, or the copy a wheel installs as cleaner/_shipped_rules."""
    checkout = Path(__file__).resolve().parent.parent / "rules"
    if (checkout / "_global.toml").is_file():
        return checkout
    return Path(__file__).resolve().parent / "_shipped_rules"


SHIPPED_RULES = _shipped_rules()

#: Text-mode phases, in the order they always run, whatever the file order.
TEXT_PHASES = ("cut_after", "drop_line", "strip_inline")

#: HTML-mode phases, in the order they always run (site rules before global ones).
HTML_PHASES = ("drop", "drop_heading", "body")

#: How the promoted headline after an inline marker is found (strip_inline).
TITLE_MODES = ("none", "titlecase", "rest")

# Schemas: key -> (type name, required); type names are checked by _TYPES.
_FILE_KEYS = {
    "site": ("string", False),
    "hosts": ("list of strings", False),
    "text_signature": ("string", False),
    "text": ("table", False),
    "html": ("table", False),
    "tests": ("array of tables", False),
}
_RULE_KEYS = {
    "id": ("string", True),
    "why": ("string", True),
    "pattern": ("string", True),
    "must_match": ("list of strings", True),
    "must_not_match": ("list of strings", True),
}
_KIND_KEYS = {
    "cut_after": {"min_line": ("integer", False)},
    "drop_line": {},
    "strip_inline": {
        "replace": ("string", False),
        "scope": ("string", False),
        "title": ("string", False),
        "expect": ("list of [input, output] pairs", False),
    },
}
_HTML_RULE_KEYS = {
    "id": ("string", True),
    "why": ("string", True),
    "css": ("string", True),
    "must_match": ("list of strings", True),
    "must_not_match": ("list of strings", True),
}
_HTML_KIND_KEYS = {
    "drop": {},
    "drop_heading": {"heading": ("string", True)},
    "body": {},
}
_TEST_KEYS = {
    "name": ("string", True),
    "input": ("string", True),
    "output": ("string", True),
}

_TYPES: dict[str, Any] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "table": lambda v: isinstance(v, dict),
    "list of strings": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "array of tables": lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v),
    "list of [input, output] pairs": lambda v: isinstance(v, list)
    and all(isinstance(x, list) and len(x) == 2 and all(isinstance(y, str) for y in x) for x in v),
}


class RuleError(Exception):
    """Invalid rule files; `problems` holds one `path: rule-id: problem` line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Rule:
    """One compiled text rule. `kind` is its phase (see TEXT_PHASES)."""

    id: str
    why: str
    kind: str
    pattern: re.Pattern[str]
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]
    source: str  # file the rule came from, for messages
    min_line: int = 2  # cut_after: never cut at the very first line
    replace: str = ""
    scope: str = "all"  # strip_inline: "all" lines or only the "first_line"
    title: str = "none"  # strip_inline: see TITLE_MODES
    expect: tuple[tuple[str, str], ...] = ()

    def matches_line(self, line: str) -> bool:
        """Whole-line rules (cut_after, drop_line) match the entire line."""
        return self.pattern.fullmatch(line) is not None


@dataclass(frozen=True)
class HtmlRule:
    """One HTML-mode rule: a CSS selector (and, for drop_heading, a heading regex).

    Examples are HTML snippets: the selector (with the heading test) must
    select a node in each must_match snippet and none in must_not_match.
    """

    id: str
    why: str
    kind: str  # see HTML_PHASES
    css: str
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]
    source: str
    heading: re.Pattern[str] | None = None


@dataclass(frozen=True)
class DocTest:
    """A whole-document example from a rule file: input must clean to output."""

    name: str
    input: str
    output: str


@dataclass
class RuleFile:
    """The rules of one file: a site file or the global file (site is None)."""

    path: Path
    site: str | None
    hosts: tuple[str, ...] = ()
    signature: re.Pattern[str] | None = None
    text: dict[str, list[Rule]] = field(default_factory=lambda: {p: [] for p in TEXT_PHASES})
    html: dict[str, list[HtmlRule]] = field(default_factory=lambda: {p: [] for p in HTML_PHASES})
    tests: list[DocTest] = field(default_factory=list)
    digest: str = ""  # of the text the rules were loaded from

    def rules(self) -> list[Rule | HtmlRule]:
        return [r for p in TEXT_PHASES for r in self.text[p]] + [r for p in HTML_PHASES for r in self.html[p]]

    def matches_host(self, host: str) -> bool:
        """Exact host, or any subdomain of one of the site's hosts."""
        host = host.lower().rstrip(".")
        return any(host == h or host.endswith("." + h) for h in self.hosts)


@dataclass
class RuleSet:
    """Everything loaded from one or more rules folders."""

    global_rules: RuleFile
    sites: dict[str, RuleFile]
    folders: tuple[Path, ...]

    def site_for_host(self, host: str) -> str | None:
        """The site whose hosts cover `host`; the longest (most specific) host wins."""
        best: tuple[int, str] | None = None
        for name, rf in self.sites.items():
            for h in rf.hosts:
                if host == h or host.endswith("." + h):
                    if best is None or len(h) > best[0]:
                        best = (len(h), name)
        return best[1] if best else None

    def all_files(self) -> list[RuleFile]:
        return [self.global_rules, *self.sites.values()]


def _check_keys(table: dict, schema: dict[str, tuple[str, bool]], where: str, problems: list[str]) -> bool:
    ok = True
    for key in table:
        if key not in schema:
            problems.append(f"{where}: unknown key '{key}' (allowed: {', '.join(schema)})")
            ok = False
    for key, (typ, required) in schema.items():
        if key not in table:
            if required:
                problems.append(f"{where}: missing required key '{key}'")
                ok = False
        elif not _TYPES[typ](table[key]):
            problems.append(f"{where}: '{key}' must be a {typ}")
            ok = False
    return ok


def _compile(pattern: str, where: str, problems: list[str]) -> re.Pattern[str] | None:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        problems.append(f"{where}: bad regex {pattern!r}: {exc}")
        return None
    risk = backtracking_risk(pattern) or _probe(pattern)
    if risk:
        problems.append(f"{where}: pattern may backtrack catastrophically ({risk})")
        return None
    return compiled


# -- catastrophic backtracking ------------------------------------------------
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


def _long_repeats(items, outer_body, icase: bool, found: list) -> None:
    """Inner repeats allowing many copies, with the characters they consume."""
    for node in items:
        op, av = _op(node), node[1]
        if op in ("ASSERT", "ASSERT_NOT"):
            continue  # lookarounds do not backtrack once matched
        if op in _REPEATS:
            if (av[1] == _sre.MAXREPEAT or av[1] > _LONG) and not _guarded_by(av[2], outer_body):
                found.append(_consumed(av[2], icase))
            _long_repeats(av[2], outer_body, icase, found)
        elif op == "SUBPATTERN":
            _long_repeats(av[3], outer_body, _flag_icase(icase, av), found)
        elif op == "ATOMIC_GROUP":
            _long_repeats(av, outer_body, icase, found)
        elif op == "BRANCH":
            for alt in av[1]:
                _long_repeats(alt, outer_body, icase, found)


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
            _long_repeats(body, body, icase, inner)
            if inner:
                eaten = frozenset().union(*inner)
                head, tail = _edge(body, icase, False), _edge(body, icase, True)
                if not (head is not None and not head & eaten or tail is not None and not tail & eaten or _runs(body, icase)):
                    return "a repeated group contains an unbounded repeat, like (a+)+ or (\\w+\\s?)+"
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


def _load_rule(kind: str, raw: Any, path: Path, index: int, problems: list[str]) -> Rule | None:
    rule_id = raw.get("id") if isinstance(raw.get("id"), str) else f"text.{kind}[{index}]"
    where = f"{path}: {rule_id}"
    schema = {**_RULE_KEYS, **_KIND_KEYS[kind]}
    if not _check_keys(raw, schema, where, problems):
        return None
    if not raw["must_match"] or not raw["must_not_match"]:
        problems.append(f"{where}: needs at least one must_match and one must_not_match example")
    pattern = _compile(raw["pattern"], where, problems)
    if pattern is None:
        return None
    if raw.get("scope", "all") not in ("all", "first_line"):
        problems.append(f"{where}: scope must be 'all' or 'first_line'")
    if raw.get("title", "none") not in TITLE_MODES:
        problems.append(f"{where}: title must be one of {', '.join(TITLE_MODES)}")
    expect = raw.get("expect", [])
    if raw.get("min_line", 2) < 1:
        problems.append(f"{where}: min_line must be >= 1")
    return Rule(
        id=raw["id"],
        why=raw["why"],
        kind=kind,
        pattern=pattern,
        must_match=tuple(raw["must_match"]),
        must_not_match=tuple(raw["must_not_match"]),
        source=str(path),
        min_line=raw.get("min_line", 2),
        replace=raw.get("replace", ""),
        scope=raw.get("scope", "all"),
        title=raw.get("title", "none"),
        expect=tuple((a, b) for a, b in expect),
    )


def _check_css(css: str, where: str, problems: list[str]) -> bool:
    from selectolax.lexbor import LexborHTMLParser, SelectolaxError

    try:
        LexborHTMLParser("<p></p>").css(css)
    except SelectolaxError:
        problems.append(f"{where}: bad CSS selector {css!r}")
        return False
    return True


def _load_html_rule(kind: str, raw: Any, path: Path, index: int, problems: list[str]) -> HtmlRule | None:
    rule_id = raw.get("id") if isinstance(raw.get("id"), str) else f"html.{kind}[{index}]"
    where = f"{path}: {rule_id}"
    if not _check_keys(raw, {**_HTML_RULE_KEYS, **_HTML_KIND_KEYS[kind]}, where, problems):
        return None
    if not raw["must_match"] or not raw["must_not_match"]:
        problems.append(f"{where}: needs at least one must_match and one must_not_match example")
    heading = _compile(raw["heading"], where, problems) if "heading" in raw else None
    if not _check_css(raw["css"], where, problems) or ("heading" in raw and heading is None):
        return None
    return HtmlRule(
        id=raw["id"],
        why=raw["why"],
        kind=kind,
        css=raw["css"],
        must_match=tuple(raw["must_match"]),
        must_not_match=tuple(raw["must_not_match"]),
        source=str(path),
        heading=heading,
    )


def _load_phases(data: dict, mode: str, phases: tuple[str, ...], loader, path: Path, problems: list[str]) -> dict:
    """Rules of one mode ("text" or "html") grouped by phase."""
    out: dict[str, list] = {p: [] for p in phases}
    for kind, rules in data.get(mode, {}).items():
        if kind not in phases:
            problems.append(f"{path}: -: unknown {mode} phase '{kind}' (allowed: {', '.join(phases)})")
        elif not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
            problems.append(f"{path}: -: {mode}.{kind} must be an array of tables ([[{mode}.{kind}]])")
        else:
            for i, raw in enumerate(rules):
                rule = loader(kind, raw, path, i, problems)
                if rule is not None:
                    out[kind].append(rule)
    return out


def load_file(path: Path, *, is_global: bool, problems: list[str]) -> RuleFile | None:
    """Parse and validate one rule file; problems are appended, never raised."""
    try:
        source = path.read_text(encoding="utf-8")
        data = tomllib.loads(source)
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: -: cannot read: {exc}")
        return None
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{path}: -: invalid TOML: {exc}")
        return None
    before = len(problems)
    if not _check_keys(data, _FILE_KEYS, f"{path}: -", problems):
        return None
    site = data.get("site")
    if is_global and ("site" in data or "hosts" in data):
        problems.append(f"{path}: -: the global file takes no 'site' or 'hosts'")
    if not is_global:
        expected = path.stem
        if site != expected:
            problems.append(f"{path}: -: 'site' must be set to the file's domain '{expected}'")
    hosts = tuple(h.lower() for h in data.get("hosts", [site] if site else []))
    signature = None
    if "text_signature" in data:
        signature = _compile(data["text_signature"], f"{path}: text_signature", problems)
    rf = RuleFile(
        path=path,
        site=None if is_global else expected,
        hosts=hosts,
        signature=signature,
        text=_load_phases(data, "text", TEXT_PHASES, _load_rule, path, problems),
        html=_load_phases(data, "html", HTML_PHASES, _load_html_rule, path, problems),
        digest=hashlib.blake2b(source.encode(), digest_size=8).hexdigest(),
    )
    for i, raw in enumerate(data.get("tests", [])):
        where = f"{path}: tests[{i}]"
        if _check_keys(raw, _TEST_KEYS, where, problems):
            rf.tests.append(DocTest(raw["name"], raw["input"], raw["output"]))
    return rf if len(problems) == before else None


def _check_unique_ids(files: list[RuleFile], problems: list[str]) -> None:
    seen: dict[str, Path] = {}
    for rf in files:
        for rule in rf.rules():
            if rule.id in seen:
                problems.append(f"{rf.path}: {rule.id}: duplicate id (also in {seen[rule.id]})")
            else:
                seen[rule.id] = rf.path


def load_rules(*folders: Path | str) -> RuleSet:
    """Load the shipped rules, overridden/extended by each user folder in turn.

    A user folder's `sites/<domain>.toml` replaces the shipped file for that
    domain; its `_global.toml`, if any, replaces the shipped global file.
    Raises RuleError listing every problem found.
    """
    dirs = tuple(Path(f) for f in folders) or (SHIPPED_RULES,)
    problems: list[str] = []
    global_path: Path | None = None
    site_paths: dict[str, Path] = {}
    for d in dirs:
        if not d.is_dir():
            problems.append(f"{d}: -: rules folder not found")
            continue
        if (d / "_global.toml").is_file():
            global_path = d / "_global.toml"
        for p in sorted((d / "sites").glob("*.toml")):
            site_paths[p.stem] = p
    global_rules = RuleFile(path=Path("<none>"), site=None)
    if global_path is not None:
        global_rules = load_file(global_path, is_global=True, problems=problems) or global_rules
    sites: dict[str, RuleFile] = {}
    for name, p in sorted(site_paths.items()):
        rf = load_file(p, is_global=False, problems=problems)
        if rf is not None:
            sites[name] = rf
    _check_unique_ids([global_rules, *sites.values()], problems)
    if problems:
        raise RuleError(problems)
    return RuleSet(global_rules=global_rules, sites=sites, folders=dirs)
