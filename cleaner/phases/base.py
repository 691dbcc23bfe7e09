"""What a phase is, and the one registry that lists them.

A phase is one class: its mode ("text" or "html"), the table name of its
rules in a rule file (`[[text.<kind>]]`, `[[html.<kind>]]`), its place in the
fixed order, the keys its rules take and how they are checked, how it runs,
whether a rule fires on an example, what `explain` says about it, and the
commented example the scaffold writes. Everything else (the rule loader,
`rules check` / `rules test`, the engine, `explain`, `rules suggest`, the
scaffold) reads the registry, so adding a phase means adding one class
decorated with `@register` (and one line in rules/README.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

from ..backtracking import _probe, backtracking_risk, pattern_risk
from ..literals import needed_literals
from .spacing import SPACING, tolerant


@dataclass(frozen=True)
class Key:
    """One key a rule of a phase takes: its TOML type, whether it is
    required, its default and allowed values, and one line of documentation."""

    type: str  # a name in TYPES: "string", "regex", "css", "integer", ...
    doc: str
    required: bool = False
    default: Any = None
    choices: tuple[Any, ...] = ()
    minimum: int | None = None


#: TOML value checks, by Key.type.
TYPES: dict[str, Any] = {
    "string": lambda v: isinstance(v, str),
    "regex": lambda v: isinstance(v, str),
    "css": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "table": lambda v: isinstance(v, dict),
    "list of strings": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "array of tables": lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v),
    "list of [input, output] pairs": lambda v: isinstance(v, list)
    and all(isinstance(x, list) and len(x) == 2 and all(isinstance(y, str) for y in x) for x in v),
}

#: Keys every rule takes, whatever its phase.
COMMON_KEYS = {
    "id": Key("string", "stable id, unique across all files (`SITE-T01`); it tags every removal the rule makes", required=True),
    "why": Key("string", "one line: what template element this removes", required=True),
    "must_match": Key("list of strings", "examples the rule must fire on (at least one)", required=True),
    "must_not_match": Key("list of strings", "examples it must leave alone (at least one: a body sentence that looks close)", required=True),
}

#: What a text rule's lines come from (its `inputs`): a scraped text, or an
#: HTML page's rendered lines.
INPUT_KINDS = ("text", "html")

#: Keys every rule of a mode takes, beside COMMON_KEYS and its phase's own.
MODE_KEYS: dict[str, dict[str, Key]] = {
    "text": {
        # Rules are written from scraped exports, whose lines carry what the
        # scraper kept of the page (captions, promos, credits as text); an
        # HTML page's rendered lines are another input, and a rule written
        # for the first can cut body lines of the second. So a text rule runs
        # on scraped text only unless it says otherwise.
        "inputs": Key("list of strings", "what the rule runs on: `text` (scraped text), `html` (an HTML page's rendered "
                      "lines) or both", default=("text",), choices=INPUT_KINDS),
        # Tokenised scrapes put spaces around punctuation ("( 10 / 9 / 2019 )")
        # and split clitics ("tim nya"): one named option instead of ` ?`
        # written by hand around every mark (spacing.py).
        "spacing": Key("string", "`exact`, or `tolerant`: the rule's regexes also match with one optional space around "
                       "each punctuation mark and before a clitic (`-nya`, `-lah`, `-kah`, `-pun`), as in tokenised "
                       "scrapes", default="exact", choices=SPACING),
    },
    "html": {},
}


@dataclass(frozen=True, eq=False)
class Rule:
    """One compiled rule. `pattern` holds the compiled regex of a text rule's
    match key, `css` the selector of an HTML rule; `options` the phase's
    other keys, defaults filled in."""

    id: str
    why: str
    mode: str
    kind: str  # its phase
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]
    source: str  # the file it came from, for messages
    pattern: re.Pattern[str] | None = None
    css: str | None = None
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    #: Strings of which a line must hold one for `pattern` to match in it (literals.py); () when none is known.
    needs: tuple[str, ...] = ()

    def runs_on(self, kind: str) -> bool:
        """Does the rule run on this kind of lines ("text": scraped text, "html": rendered HTML)?"""
        return kind in self.options.get("inputs", INPUT_KINDS)

    def may_match(self, text: str) -> bool:
        """False when `pattern` cannot match in this text (a quick test before the search)."""
        for needed in self.needs:  # a loop: any() over a generator costs three times as much here
            if needed in text:
                return True
        return not self.needs

    @property
    def phase(self) -> Phase:
        return PHASES.get(self.mode, self.kind)


class Phase:
    """One phase; subclasses set the class attributes and implement `run`
    (see TextPhase and HtmlPhase) and, for phases with rules, `fires`."""

    mode: ClassVar[str]
    kind: ClassVar[str]
    order: ClassVar[int]
    #: One line: what the phase does (rules/README.md, explain, the scaffold).
    summary: ClassVar[str]
    #: The phase's own keys, beside COMMON_KEYS; the first regex/css key is its match key.
    keys: ClassVar[dict[str, Key]] = {}
    #: False for built-in phases that run without rules (no table in a rule file).
    takes_rules: ClassVar[bool] = True
    #: The kinds of page whose lines it runs on ("text": scraped text, "html": rendered HTML).
    inputs: ClassVar[tuple[str, ...]] = ("text", "html")
    #: How explain marks a line or node this phase removed.
    verb: ClassVar[str] = "removed"
    #: The scaffold's commented example, TOML lines starting with "# "
    #: ({prefix}: rule id prefix, {name}: outlet name, {escaped}: the domain as a regex).
    example: ClassVar[str] = ""

    @property
    def table(self) -> str:
        """The rule file table: text.cut_after, html.drop, ..."""
        return f"{self.mode}.{self.kind}"

    @property
    def match_key(self) -> str | None:
        return next((k for k, key in self.keys.items() if key.type in ("regex", "css")), None)

    def option_keys(self) -> dict[str, Key]:
        """The keys a rule takes beside COMMON_KEYS: its mode's and its phase's own."""
        return {**MODE_KEYS[self.mode], **self.keys}

    def all_keys(self) -> dict[str, Key]:
        return {**COMMON_KEYS, **self.option_keys()}

    def validate(self, rule: Rule, where: str, problems: list[str]) -> None:
        """Checks beyond the key types (a phase overrides it)."""

    def fires(self, rule: Rule, example: str) -> bool:
        """Does the rule act on this example (a line, or an HTML snippet)?"""
        raise NotImplementedError

    def example_problems(self, rule: Rule) -> list[str]:
        """The rule's own examples that fail: must_match not fired on,
        must_not_match fired on (a phase adds its own, e.g. `expect`)."""
        problems = [f"must_match example not matched: {ex!r}" for ex in rule.must_match if not self.fires(rule, ex)]
        problems += [f"must_not_match example matched: {ex!r}" for ex in rule.must_not_match if self.fires(rule, ex)]
        return problems

    def compile(self, raw: dict, path: Path | str, index: int, problems: list[str]) -> Rule | None:
        """A rule table of a rule file, validated and compiled; problems are
        appended as `path: rule-id: problem` lines (None when it is unusable)."""
        rule_id = raw.get("id") if isinstance(raw.get("id"), str) else f"{self.table}[{index}]"
        where = f"{path}: {rule_id}"
        keys = self.all_keys()
        if not check_keys(raw, keys, where, problems, hints=self._key_hints()):
            return None
        if not raw["must_match"] or not raw["must_not_match"]:
            problems.append(f"{where}: needs at least one must_match and one must_not_match example")
        before = len(problems)
        compiled: dict[str, Any] = {}
        options: dict[str, Any] = {}
        for name, key in self.option_keys().items():
            value = raw.get(name, key.default)
            if key.choices and not all(v in key.choices for v in (value if isinstance(value, (list, tuple)) else [value])):
                problems.append(f"{where}: {name} must be {'made of' if isinstance(value, list) else 'one of'} "
                                f"{', '.join(map(str, key.choices))}")
            elif isinstance(value, list) and key.choices and not value:
                problems.append(f"{where}: {name} must name at least one of {', '.join(map(str, key.choices))}")
            elif key.minimum is not None and value is not None and value < key.minimum:
                problems.append(f"{where}: {name} must be >= {key.minimum}")
            elif key.type == "regex" and value is not None:
                written = self.regex_source(name, value, raw)
                if raw.get("spacing") == "tolerant":  # checked as written, run rewritten (spacing.py)
                    value = compile_regex(self.regex_source(name, tolerant(value), raw), where, problems, written=written)
                else:
                    value = compile_regex(written, where, problems)
            elif key.type == "css" and value is not None:
                check_css(value, where, problems)
            if isinstance(value, list):
                value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
            (compiled if name == self.match_key else options)[name] = value
        if len(problems) > before:
            return None
        match = compiled.get(self.match_key) if self.match_key else None
        pattern = match if isinstance(match, re.Pattern) else None
        rule = Rule(
            id=raw["id"], why=raw["why"], mode=self.mode, kind=self.kind,
            must_match=tuple(raw["must_match"]), must_not_match=tuple(raw["must_not_match"]), source=str(path),
            pattern=pattern,
            css=match if isinstance(match, str) else None,
            options=MappingProxyType(options),
            needs=needed_literals(pattern.pattern) if pattern is not None else (),
        )
        self.validate(rule, where, problems)
        return rule if len(problems) == before else None

    def regex_source(self, name: str, value: str, raw: dict) -> str:
        """The regex actually compiled for a key (a phase may add its named guards)."""
        return value

    def _key_hints(self) -> dict[str, str]:
        """Keys of other phases a rule of this one might carry by mistake, with what to write instead."""
        return {}


def check_keys(table: dict, keys: Mapping[str, Key], where: str, problems: list[str], *,
               hints: Mapping[str, str] = MappingProxyType({})) -> bool:
    """Unknown keys, missing required keys and wrong types, one line each."""
    ok = True
    for name in table:
        if name not in keys:
            hint = f"; {hints[name]}" if name in hints else f" (allowed: {', '.join(keys)})"
            problems.append(f"{where}: unknown key '{name}'{hint}")
            ok = False
    for name, key in keys.items():
        if name not in table:
            if key.required:
                problems.append(f"{where}: missing required key '{name}'")
                ok = False
        elif not TYPES[key.type](table[name]):
            problems.append(f"{where}: '{name}' must be a {_type_name(key.type)}")
            ok = False
    return ok


def _type_name(type_: str) -> str:
    return {"regex": "string (a regex)", "css": "string (a CSS selector)"}.get(type_, type_)


def compile_regex(pattern: str, where: str, problems: list[str], *, written: str | None = None) -> re.Pattern[str] | None:
    """The compiled regex, or None with the problem appended: a syntax error,
    or a shape that may backtrack catastrophically (see backtracking.py).
    `written`: the pattern as the rule wrote it, when `pattern` is its
    tolerant-spacing rewrite (spacing.py): the shape is checked on what was
    written (the rewrite adds optional spaces only where no other part can
    match them, so it adds no ambiguity, but the static walk cannot see
    that), the timing probe runs on what will run."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        problems.append(f"{where}: bad regex {pattern!r}: {exc}")
        return None
    risk = pattern_risk(pattern) if written is None else backtracking_risk(written) or _probe(pattern)
    if risk:
        problems.append(f"{where}: pattern may backtrack catastrophically ({risk})")
        return None
    return compiled


def check_css(css: str, where: str, problems: list[str]) -> bool:
    """Appends the problem of a selector lexbor refuses, or whose cost could
    grow out of bounds on a deep page (`css_cost_problem`)."""
    from selectolax.lexbor import LexborHTMLParser, SelectolaxError

    try:
        LexborHTMLParser("<p></p>").css(css)
    except SelectolaxError:
        problems.append(f"{where}: bad CSS selector {css!r}")
        return False
    cost = css_cost_problem(css)
    if cost:
        problems.append(f"{where}: CSS selector {css!r} {cost}")
        return False
    return True


def css_cost_problem(css: str) -> str:
    """Why a selector may take too long on some page ('' when it is bounded).

    `A:has(B)` walks the subtree of every A: with a descendant combinator
    inside, `div:has(div p)`, the walk is repeated at every level, and the
    time grows with a power of the page's depth (measured with lexbor on 500
    nested divs: `div:has(p)` 0.7 ms, `div:has(div p)` 0.2 s, `div:has(div div
    p)` 13 s; 1,000 divs: 2.8 ms, 0.9 s, 283 s). So inside `:has()` only
    the implicit descendant step at its start and child or sibling steps
    (`>`, `+`, `~`) are allowed, and no `:has()` inside another."""
    for argument in _has_arguments(css):
        if ":has(" in argument:
            return "nests :has() inside :has(): its cost grows with a power of the page's depth"
        body = re.sub(r"\s*([>+~])\s*", r"\1", argument.strip()).lstrip(">+~")
        if _top_level_space(body):
            return ("has a descendant combinator (a space) inside :has(): its cost grows with a power of the "
                    "page's depth; use child steps ('>'), e.g. :has(> div > p)")
    return ""


def _has_arguments(css: str) -> list[str]:
    """The argument of every :has(...) in a selector (balanced parentheses, quotes skipped)."""
    out = []
    for m in re.finditer(r":has\(", css):
        depth, quote, i = 1, "", m.end()
        while i < len(css) and depth:
            ch = css[i]
            if quote:
                quote = "" if ch == quote else quote
            elif ch in "\"'":
                quote = ch
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            i += 1
        out.append(css[m.end():i - 1])
    return out


def _top_level_space(selector: str) -> bool:
    """Whitespace outside brackets, parentheses and quotes: a descendant combinator."""
    depth, quote = 0, ""
    for ch in selector:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch.isspace() and depth == 0:
            return True
    return False


def load_phase_tables(tables: object, mode: str, path: Path | str, problems: list[str], *,
                      inputs: tuple[str, ...] | None = None) -> dict[str, list[Rule]]:
    """Rule tables of one mode (`{kind: [table, ...]}`, as `[[text.<kind>]]`
    reads) compiled by their phase, grouped by phase in registry order;
    problems appended. `inputs` sets the inputs of every text rule (a
    layout's rules run on its rendered lines only)."""
    out: dict[str, list[Rule]] = {kind: [] for kind in PHASES.kinds(mode)}
    if not isinstance(tables, dict):
        problems.append(f"{path}: -: '{mode}' must be a table of phases ([[{mode}.<phase>]])")
        return out
    for kind, raws in tables.items():
        phase = PHASES.get(mode, kind)
        if phase is None or not phase.takes_rules:
            problems.append(f"{path}: -: unknown {mode} phase '{kind}' (allowed: {', '.join(PHASES.kinds(mode))})")
        elif not isinstance(raws, list) or not all(isinstance(t, dict) for t in raws):
            problems.append(f"{path}: -: {mode}.{kind} must be an array of tables ([[{mode}.{kind}]])")
        else:
            for i, raw in enumerate(raws):
                if inputs is not None:
                    raw = {**raw, "inputs": list(inputs)}
                rule = phase.compile(raw, path, i, problems)
                if rule is not None:
                    out[kind].append(rule)
    return out


class Registry:
    """The phases, by mode, in their fixed order."""

    def __init__(self) -> None:
        self._phases: dict[tuple[str, str], Phase] = {}

    def register(self, cls: type[Phase]) -> type[Phase]:
        """Class decorator: add a phase (its kind must be new in its mode)."""
        key = (cls.mode, cls.kind)
        if key in self._phases:
            raise ValueError(f"a {cls.mode} phase named {cls.kind!r} is registered already")
        self._phases[key] = cls()
        return cls

    def unregister(self, cls: type[Phase]) -> None:
        self._phases.pop((cls.mode, cls.kind), None)

    def get(self, mode: str, kind: str) -> Phase | None:
        return self._phases.get((mode, kind))

    def phases(self, mode: str) -> list[Phase]:
        """Every phase of a mode, in the order they run."""
        return sorted((p for (m, _), p in self._phases.items() if m == mode), key=lambda p: p.order)

    def with_rules(self, mode: str) -> list[Phase]:
        """The phases of a mode that rule files have tables for."""
        return [p for p in self.phases(mode) if p.takes_rules]

    def kinds(self, mode: str) -> tuple[str, ...]:
        return tuple(p.kind for p in self.with_rules(mode))

    def all(self) -> Iterable[Phase]:
        for mode in ("html", "text"):
            yield from self.phases(mode)


PHASES = Registry()
register = PHASES.register
