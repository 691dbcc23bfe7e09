"""Load, validate and compile rule files.

A rules folder holds `_global.toml` (generic rules, merged under every site)
and `sites/<domain>.toml` (one file per site). Validation is strict and
happens here, at load time: every problem becomes one line
`path: rule-id: problem`, collected over all files and raised together as
a `RuleError`, so a broken rule never surfaces later as a traceback.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .backtracking import pattern_risk

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
    risk = pattern_risk(pattern)
    if risk:
        problems.append(f"{where}: pattern may backtrack catastrophically ({risk})")
        return None
    return compiled


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
