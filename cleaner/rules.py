"""Load, validate and compile rule files.

A rules folder holds `_global.toml` (generic rules, merged under every site)
and `sites/<domain>.toml` (one file per site). Validation is strict and
happens here, at load time: every problem becomes one line
`path: rule-id: problem`, collected over all files and raised together as
a `RuleError`, so a broken rule never surfaces later as a traceback.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .phases import PHASES, Key, Rule, builtin  # noqa: F401  (builtin: registers the built-in phases)
from .layouts import Layout, load_layouts
from .phases.base import check_keys, compile_regex, load_phase_tables


def _shipped_rules() -> Path:
    """The rules folder shipped with the project: rules/ beside the package in
    a checkout, or the copy a wheel installs as cleaner/_shipped_rules."""
    checkout = Path(__file__).resolve().parent.parent / "rules"
    if (checkout / "_global.toml").is_file():
        return checkout
    return Path(__file__).resolve().parent / "_shipped_rules"


SHIPPED_RULES = _shipped_rules()

# File keys -> their Key (type, doc); rule keys are the phases' (phases/).
_FILE_KEYS = {
    "site": Key("string", "the site's domain; must equal the file name without `.toml` (site files only)"),
    "hosts": Key("list of strings", "hosts of the site (default: `[site]`); any subdomain of a host matches too"),
    "text_signature": Key("regex", "recognises the site's text when no URL or folder tells; searched in the first 400 characters"),
    "text": Key("table", "the text-mode rules, by phase: `[[text.<phase>]]`"),
    "html": Key("table", "the HTML rules: a site file's `[[html.layout]]` entries (see layouts.py); the global file's "
                "node rules by phase, `[[html.<phase>]]`"),
    "tests": Key("array of tables", "whole-document examples: `[[tests]]` with `name`, `input`, `output`"),
}
_TEST_KEYS = {
    "name": Key("string", "what the test shows", required=True),
    "input": Key("string", "a page (scraped text or HTML), cleaned as a page of this site", required=True),
    "output": Key("string", "what it must clean to", required=True),
}


class RuleError(Exception):
    """Invalid rule files; `problems` holds one `path: rule-id: problem` line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class DocTest:
    """A whole-document example from a rule file: input must clean to output."""

    name: str
    input: str
    output: str


def _by_kind(mode: str) -> dict[str, list[Rule]]:
    return {kind: [] for kind in PHASES.kinds(mode)}


@dataclass
class RuleFile:
    """The rules of one file: a site file or the global file (site is None).

    A site file's HTML rules live in its layouts; the global file's node
    rules (`html`) run on every HTML page."""

    path: Path
    site: str | None
    hosts: tuple[str, ...] = ()
    signature: re.Pattern[str] | None = None
    text: dict[str, list[Rule]] = field(default_factory=lambda: _by_kind("text"))
    html: dict[str, list[Rule]] = field(default_factory=lambda: _by_kind("html"))
    layouts: tuple[Layout, ...] = ()
    tests: list[DocTest] = field(default_factory=list)
    digest: str = ""  # of the text the rules were loaded from

    def rules(self) -> list[Rule]:
        """Every rule of the file, its layouts' included: text phases first, each mode in phase order."""
        return self.of("text") + self.of("html") + [r for layout in self.layouts for r in layout.rules()]

    def of(self, mode: str) -> list[Rule]:
        """The file's own rules of one mode ("text" or "html"), in phase order (not its layouts')."""
        return [r for rules in getattr(self, mode).values() for r in rules]

    def layout(self, layout_id: str | None) -> Layout | None:
        return next((lay for lay in self.layouts if lay.id == layout_id), None)


def by_phase(mode: str, *groups: Iterable[Rule]) -> dict[str, list[Rule]]:
    """Rules of one mode grouped by phase (registry order); within a phase,
    the groups in the order given (a site's rules before the global ones)."""
    out: dict[str, list[Rule]] = {kind: [] for kind in PHASES.kinds(mode)}
    for group in groups:
        for rule in group:
            if rule.mode == mode:
                out[rule.kind].append(rule)
    return out


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


#: A rule file is a few kB; a larger one is refused rather than read.
MAX_RULE_FILE_BYTES = 1024 * 1024
#: Nesting of arrays and inline tables a rule file may use (its deepest is 3:
#: a list of [input, output] pairs); deeper nesting is refused before tomllib,
#: which recurses once per level and would overflow the stack on thousands.
MAX_TOML_NESTING = 16


def load_file(path: Path, *, is_global: bool, problems: list[str]) -> RuleFile | None:
    """Parse and validate one rule file; problems are appended, never raised."""
    try:
        source = read_rule_file(path)
        if toml_nesting(source) > MAX_TOML_NESTING:
            problems.append(f"{path}: -: arrays or inline tables nested more than {MAX_TOML_NESTING} deep")
            return None
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:  # before ValueError, its base
        problems.append(f"{path}: -: invalid TOML: {exc}")
        return None
    except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError too
        problems.append(f"{path}: -: cannot read: {exc}")
        return None
    before = len(problems)
    if not check_keys(data, _FILE_KEYS, f"{path}: -", problems):
        return None
    site = data.get("site")
    if is_global and ("site" in data or "hosts" in data):
        problems.append(f"{path}: -: the global file takes no 'site' or 'hosts'")
    if not is_global:
        expected = path.stem
        if site != expected:
            problems.append(f"{path}: -: 'site' must be set to the file's domain '{expected}'")
    hosts = tuple(h.lower() for h in data.get("hosts", [site] if site else []))
    for host in hosts:
        if host_problem(host):
            problems.append(f"{path}: -: host {host!r} {host_problem(host)}")
    signature = None
    if "text_signature" in data:
        signature = compile_regex(data["text_signature"], f"{path}: text_signature", problems)
    rf = RuleFile(
        path=path,
        site=None if is_global else expected,
        hosts=hosts,
        signature=signature,
        text=load_phase_tables(data.get("text", {}), "text", path, problems),
        digest=hashlib.blake2b(source.encode(), digest_size=8).hexdigest(),
    )
    html = data.get("html", {})
    if not isinstance(html, dict):
        problems.append(f"{path}: -: 'html' must be a table ([[html.layout]], [[html.<phase>]])")
        html = {}
    tables = {k: v for k, v in html.items() if k != "layout"}
    if is_global:
        if "layout" in html:
            problems.append(f"{path}: -: layouts belong to site files: the global file's HTML rules are [[html.<phase>]] tables")
        rf.html = load_phase_tables(tables, "html", path, problems)
    else:
        for kind in tables:
            where = ("its selector goes in the `body` list of a [[html.layout]]" if kind == "body"
                     else f"put [[html.{kind}]] under a [[html.layout]] as [[html.layout.{kind}]]")
            problems.append(f"{path}: -: a site's HTML rules belong to a layout: {where} (see rules/README.md)")
        rf.layouts = tuple(load_layouts(html.get("layout", []), path, expected, problems))
    for i, raw in enumerate(data.get("tests", [])):
        where = f"{path}: tests[{i}]"
        if check_keys(raw, _TEST_KEYS, where, problems):
            rf.tests.append(DocTest(raw["name"], raw["input"], raw["output"]))
    return rf if len(problems) == before else None


def read_rule_file(path: Path) -> str:
    """The text of a rule file that is a regular file of at most
    MAX_RULE_FILE_BYTES; ValueError otherwise (a named pipe would block
    the load forever, a device never end)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ValueError("not a regular file")
        data = fh.read(MAX_RULE_FILE_BYTES + 1)
    if len(data) > MAX_RULE_FILE_BYTES:
        raise ValueError(f"larger than {MAX_RULE_FILE_BYTES:,} bytes")
    return data.decode("utf-8")


def toml_nesting(source: str) -> int:
    """How deep brackets and braces nest in a TOML text (outside strings, roughly:
    table headers count one level, which is harmless)."""
    depth = deepest = 0
    quote = ""
    i = 0
    while i < len(source):
        ch = source[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif source.startswith(quote, i):
                i += len(quote) - 1
                quote = ""
        elif ch == "#":
            end = source.find("\n", i)
            i = len(source) if end < 0 else end
        elif ch in "\"'":
            quote = ch * 3 if source.startswith(ch * 3, i) else ch
            i += len(quote) - 1
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
        i += 1
    return deepest


def host_problem(host: str) -> str:
    """Why a `hosts` entry cannot be a site's host ('' when it can)."""
    if not host or host != host.strip() or "*" in host or "/" in host:
        return "must be a host name such as example.com (no wildcard, scheme or path; subdomains match anyway)"
    if "." not in host.strip("."):
        return "is a bare top-level domain: it would claim every site under it"
    return ""


def _check_unique_ids(files: list[RuleFile], problems: list[str]) -> None:
    seen: dict[str, Path] = {}
    for rf in files:
        for rule_id in [lay.id for lay in rf.layouts] + [r.id for r in rf.rules()]:
            if rule_id in seen:
                problems.append(f"{rf.path}: {rule_id}: duplicate id (also in {seen[rule_id]})")
            else:
                seen[rule_id] = rf.path


def _check_unique_hosts(sites: dict[str, RuleFile], problems: list[str]) -> None:
    """Two site files claiming one host: which one's rules a page gets would
    depend on the order of the files."""
    claimed: dict[str, RuleFile] = {}
    for rf in sites.values():
        for host in rf.hosts:
            if host in claimed:
                problems.append(f"{rf.path}: -: host {host!r} is claimed by {claimed[host].path} too")
            else:
                claimed[host] = rf


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
    _check_unique_hosts(sites, problems)
    if problems:
        raise RuleError(problems)
    return RuleSet(global_rules=global_rules, sites=sites, folders=dirs)
