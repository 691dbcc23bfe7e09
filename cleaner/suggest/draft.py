"""The draft as a site rule file: TOML values written by hand (the stdlib only
reads TOML), with the evidence of each rule in comments."""

from __future__ import annotations

import re
from pathlib import Path

from ..io import as_output, write_atomic
from ..layouts import gold_of, samples_folder
from ..phases import PHASES
from .common import short
from .model import SuggestedLayout, SuggestedRule, Suggestion


def rule_order() -> tuple[tuple[str, str], ...]:
    """The order text rules are listed (and numbered) in: their phases' order."""
    return tuple(("text", kind) for kind in PHASES.kinds("text"))


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}
_SCALAR_KEYS = ("id", "why", "line_pattern", "pattern", "css", "scope", "min_line", "title", "replace")
_MAX_REJECTED = 40


def toml_str(value: str) -> str:
    """A TOML string: a literal string when possible (regexes stay readable)."""
    plain = not _CONTROL.search(value)
    if plain and "'" not in value:
        return f"'{value}'"
    if plain and "'''" not in value and not value.endswith("'"):
        return f"'''{value}'''"
    return '"' + "".join(_escape(ch) for ch in value) + '"'


def _escape(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if ord(ch) < 0x20 or ord(ch) == 0x7F:
        return f"\\u{ord(ch):04x}"
    return ch


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return toml_str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def comment(text: str) -> str:
    return "# " + re.sub(r"[\x00-\x1f\x7f]", " ", text)


def render_toml(s: Suggestion) -> str:
    """The draft as a site rule file, with the evidence of each rule in comments."""
    out = _header(s)
    for mode, kind in rule_order():
        for r in s.rules:
            if (r.mode, r.kind) == (mode, kind):
                out += _rule_lines(r, s.n_pages)
    for layout in s.layouts:
        out += _layout_lines(layout, s.n_pages)
    out += _rejected_lines(s)
    return "\n".join(out) + "\n"


def _layout_lines(layout: SuggestedLayout, n_pages: int) -> list[str]:
    out = [
        "",
        comment(f"evidence: recognised on {len(layout.pages)}/{n_pages} pages; its sample is a page of the crawl, with a"),
        comment("gold drafted from this draft's output: correct it by hand (see rules/README.md)"),
        "[[html.layout]]",
    ]
    out += [f"{key} = {toml_value(layout.table[key])}" for key in ("id", "why", "seen", "detect", "body", "samples")]
    for drop in layout.drops:
        out += _rule_lines(drop, n_pages, table=f"html.layout.{drop.kind}")
    return out


def _header(s: Suggestion) -> list[str]:
    sampled = f", sampled from {s.total}" if s.total > s.n_pages else ""
    out = [
        comment(f"Draft rules for {s.site}: {s.made_by} on {s.n_pages} crawled pages{sampled}"
                f" ({s.n_text} text, {s.n_html} HTML){' in ' + s.source if s.source else ''}."),
        comment(f"Found in the crawl alone (no gold): lines and shapes seen on >= {s.need} pages, known promo, dateline"),
        comment("and end-mark shapes, HTML nodes of the template. Each rule was checked on the crawl with the generic"),
        comment("rules. Review the evidence, keep what is template, then `cleaner rules test --rules DIR`."),
        "",
        f"site = {toml_str(s.site)}",
        f"hosts = {toml_value([s.site])}",
    ]
    if s.signature:
        out.append(comment("the outlet's dateline, to recognise its texts when no URL or folder tells"))
        out.append(f"text_signature = {toml_str(s.signature)}")
    return out


def _rule_lines(r: SuggestedRule, n_pages: int, table: str | None = None) -> list[str]:
    found = f"found as: {r.origin}"
    if r.mode == "text" and r.covered:
        by = f" ({', '.join(r.covered_by)})" if r.covered_by else ""
        found += f"; removed without it too on {r.covered} of these pages{by}"
    out = [
        "",
        comment(f'evidence: matched on {len(r.pages)}/{n_pages} pages, e.g. "{short(r.example, 90)}"'),
        comment(found),
        f"[[{table or f'{r.mode}.{r.kind}'}]]",
    ]
    out += [f"{key} = {toml_value(r.table[key])}" for key in _SCALAR_KEYS if key in r.table]
    if "inputs" in r.table:
        out.append(f"inputs = {toml_value(r.table['inputs'])}")
    out += [f"{key} = {toml_value(r.table[key])}" for key in ("must_match", "must_not_match")]
    if r.table.get("expect"):
        out.append("expect = [" + ", ".join(toml_value(pair) for pair in r.table["expect"]) + "]")
    return out


def _rejected_lines(s: Suggestion) -> list[str]:
    if not s.rejected:
        return []
    out = ["", comment("Candidates left out:")]
    out += [comment(f"  {rej.origin}: {short(rej.what, 70)}: {short(rej.reason, 120)}") for rej in s.rejected[:_MAX_REJECTED]]
    if len(s.rejected) > _MAX_REJECTED:
        out.append(comment(f"  ... and {len(s.rejected) - _MAX_REJECTED} more"))
    return out


def write_draft(s: Suggestion, path: Path, *, gold: bool = True) -> list[Path]:
    """Write the draft as the site file `path` (in `<rules>/sites/`) and each
    layout's sample page into `<rules>/samples/<site>/`, with a gold drafted
    from what the draft itself makes of the page (`gold=False`: an empty one,
    enough for the file to load). Returns the files written."""
    written = [path]
    write_atomic(path, render_toml(s))
    folder = samples_folder(path, s.site)
    samples = [(folder / layout.sample_name, layout.sample_html) for layout in s.layouts]
    for sample, html in samples:
        write_atomic(sample, html)
        write_atomic(gold_of(sample), "")
        written += [sample, gold_of(sample)]
    if gold and samples:
        from ..api import Cleaner  # here: the engine is only needed to draft the gold

        cleaner = Cleaner((*s.rules_folders, path.parent.parent), shipped=False)
        for sample, html in samples:
            write_atomic(gold_of(sample), as_output(cleaner.clean_page(html, kind="html", site=s.site).text))
    return written
