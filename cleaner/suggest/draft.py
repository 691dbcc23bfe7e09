"""The draft as a site rule file: TOML values written by hand (the stdlib only
reads TOML), with the evidence of each rule in comments."""

from __future__ import annotations

import re
from ..phases import PHASES
from .common import short
from .model import SuggestedRule, Suggestion


def rule_order() -> tuple[tuple[str, str], ...]:
    """The order rules are listed (and numbered) in: text phases as they run, then node rules."""
    return (*(("text", kind) for kind in PHASES.kinds("text")), ("html", "drop"), ("html", "body"))


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
    out += _rejected_lines(s)
    return "\n".join(out) + "\n"


def _header(s: Suggestion) -> list[str]:
    sampled = f", sampled from {s.total}" if s.total > s.n_pages else ""
    out = [
        comment(f"Draft rules for {s.site}: `cleaner rules suggest` on {s.n_pages} crawled pages{sampled}"
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


def _rule_lines(r: SuggestedRule, n_pages: int) -> list[str]:
    found = f"found as: {r.origin}"
    if r.mode == "text" and r.covered:
        by = f" ({', '.join(r.covered_by)})" if r.covered_by else ""
        found += f"; removed without it too on {r.covered} of these pages{by}"
    out = [
        "",
        comment(f'evidence: matched on {len(r.pages)}/{n_pages} pages, e.g. "{short(r.example, 90)}"'),
        comment(found),
        f"[[{r.mode}.{r.kind}]]",
    ]
    out += [f"{key} = {toml_value(r.table[key])}" for key in _SCALAR_KEYS if key in r.table]
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
