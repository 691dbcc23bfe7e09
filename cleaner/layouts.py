"""Layouts: a site's HTML template of some years, as one versioned unit.

Sites redesign, and a rule written for one design can do harm on the next
(drops that remove body containers, a body selector that picks a sidebar).
So a site file's HTML rules live in `[[html.layout]]` entries, each with:

- `id`, `why`, `seen` (the years or date ranges its pages were seen in);
- `detect`: a CSS selector that matches on the pages of this layout only;
- `body`: the article body's selectors, tried in order, one counting when it
  matches **exactly one** node;
- its own node drops (`[[html.layout.drop]]`, `[[html.layout.drop_heading]]`)
  and text rules for its rendered lines (`[[html.layout.text.<phase>]]`);
- `samples`: saved pages of the layout (`<rules>/samples/<site>/<name>`),
  each with its hand-labelled gold beside it (`<name>` with `.txt`).

A page's layout is recognised when its `detect` selector matches and one of
its `body` selectors matches exactly one node (`recognise`). Only then do its
drops and text rules run; a page of the site that no layout recognises goes
to the generic path untouched by the site's HTML rules, and the outcome says
which layouts were tried and why each did not match.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .html import only_node
from .phases import PHASES, Key, Rule
from .phases.base import check_css, check_keys, load_phase_tables

#: The keys of an `[[html.layout]]` entry, beside its phase tables.
LAYOUT_KEYS = {
    "id": Key("string", "stable id, unique across all files (`SITE-L01`); manifests and explain name the layout by it",
              required=True),
    "why": Key("string", "one line: which design this is and what marks it", required=True),
    "seen": Key("list of strings", "the years or date ranges the layout's pages were seen in (`[\"2015\", \"2019-2024\"]`)",
                required=True),
    "detect": Key("css", "a CSS selector that matches (at least one node) on pages of this layout only", required=True),
    "body": Key("list of strings", "CSS selectors of the article body, tried in order; one counts when it matches "
                "**exactly one** node", required=True),
    "samples": Key("list of strings", "saved pages of this layout, in `<rules>/samples/<site>/`, each with its gold "
                   "beside it (the same name with `.txt`)", required=True),
    "text": Key("table", "text rules for this layout's rendered lines, by phase: `[[html.layout.text.<phase>]]`"),
}
#: Sample pages a layout can name.
SAMPLE_SUFFIXES = (".html", ".htm")

SCAFFOLD_EXAMPLE = """\
# [[html.layout]]
# id = "{prefix}-L01"
# why = "article pages of the current design: the text in div.detail-text inside article.detail"
# seen = ["2024"]
# detect = "article.detail"
# body = ["article.detail div.detail-text"]
# samples = ["page-2024.html"]     # {samples}/page-2024.html, with its gold page-2024.txt beside it

# [[html.layout.text.drop_line]]
# id = "{prefix}-T05"
# why = "the photo credit line this design renders under the lead picture"
# line_pattern = 'Foto\\s*:.{{0,80}}'
# must_match = ["Foto: Dok. Redaksi"]
# must_not_match = ["Foto itu diambil warga pada Senin pagi, kata dia."]
"""


@dataclass(frozen=True, eq=False)
class Layout:
    """One design of a site's article pages (see the module doc)."""

    id: str
    why: str
    seen: tuple[str, ...]
    detect: str
    body: tuple[str, ...]
    samples: tuple[Path, ...]  # the saved pages; each one's gold is `gold_of(sample)`
    html: Mapping[str, tuple[Rule, ...]]  # its node drops, by phase
    text: Mapping[str, tuple[Rule, ...]]  # its text rules (rendered lines), by phase
    source: str  # the rule file, for messages

    def rules(self) -> list[Rule]:
        return [r for group in (self.text, self.html) for rules in group.values() for r in rules]


def gold_of(sample: Path) -> Path:
    """The gold file of a layout's sample page."""
    return sample.with_suffix(".txt")


def samples_folder(rule_file: Path, site: str) -> Path:
    """Where a site file's layouts keep their sample pages: `<rules>/samples/<site>/`."""
    return rule_file.parent.parent / "samples" / site


def load_layouts(tables: object, path: Path, site: str, problems: list[str]) -> list[Layout]:
    """A site file's `[[html.layout]]` entries, validated (problems appended as
    `path: layout-id: problem`)."""
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        problems.append(f"{path}: -: html.layout must be an array of tables ([[html.layout]])")
        return []
    layouts = []
    for index, raw in enumerate(tables):
        layout = _load_layout(raw, index, path, site, problems)
        if layout is not None:
            layouts.append(layout)
    return layouts


def _load_layout(raw: dict, index: int, path: Path, site: str, problems: list[str]) -> Layout | None:
    layout_id = raw.get("id") if isinstance(raw.get("id"), str) else f"html.layout[{index}]"
    where = f"{path}: {layout_id}"
    phases = {p.kind: p for p in PHASES.with_rules("html")}
    own = {k: v for k, v in raw.items() if k not in phases}
    before = len(problems)
    if not check_keys(own, LAYOUT_KEYS, where, problems, hints=_HINTS):
        return None
    for name in ("seen", "body", "samples"):
        if not raw[name]:
            problems.append(f"{where}: '{name}' must list at least one")
    check_css(raw["detect"], where, problems)
    for css in raw["body"]:
        check_css(css, where, problems)
    samples = _samples(raw["samples"], path, site, where, problems)
    html = load_phase_tables({k: v for k, v in raw.items() if k in phases}, "html", path, problems)
    text_tables = raw.get("text", {})
    for kind, rules in text_tables.items():
        if isinstance(rules, list) and any(isinstance(r, dict) and "inputs" in r for r in rules):
            problems.append(f"{where}: text.{kind}: a layout's text rules run on its rendered lines only: "
                            "leave 'inputs' out (or move the rule to the file's [[text.{kind}]])")
    text = load_phase_tables(text_tables, "text", path, problems, inputs=("html",))
    if len(problems) > before:
        return None
    return Layout(
        id=raw["id"], why=raw["why"], seen=tuple(raw["seen"]), detect=raw["detect"], body=tuple(raw["body"]),
        samples=tuple(samples), html=_frozen(html), text=_frozen(text), source=str(path),
    )


_HINTS = {
    "css": "a layout's body selectors go in 'body' (a list), the selector that recognises it in 'detect'",
    "pattern": "a layout's text rules go in [[html.layout.text.<phase>]] tables",
}


def _samples(names: Sequence[str], path: Path, site: str, where: str, problems: list[str]) -> list[Path]:
    """The sample pages named, each present with its gold."""
    folder = samples_folder(path, site)
    out = []
    for name in names:
        rel = PurePosixPath(name)
        if rel.is_absolute() or ".." in rel.parts or rel.suffix.lower() not in SAMPLE_SUFFIXES:
            problems.append(f"{where}: sample {name!r} must be an .html page named relative to {folder}")
            continue
        sample = folder / rel
        if not sample.is_file():
            problems.append(f"{where}: sample page {sample} not found (every layout needs a saved page with its gold)")
        elif not gold_of(sample).is_file():
            problems.append(f"{where}: sample page {sample} has no gold {gold_of(sample).name} beside it")
        else:
            out.append(sample)
    return out


def _frozen(by_kind: dict[str, list[Rule]]) -> Mapping[str, tuple[Rule, ...]]:
    return MappingProxyType({kind: tuple(rules) for kind, rules in by_kind.items()})


@dataclass(frozen=True)
class Recognition:
    """Which layout a page has (None: none of the site's), its body node, and
    why each layout tried before it (or every one, without a match) did not match."""

    layout: Layout | None
    body: LexborNode | None
    body_css: str | None
    tried: tuple[str, ...]

    @property
    def reason(self) -> str:
        if self.layout is not None:
            return f"layout {self.layout.id}: {self.layout.detect!r} found, body {self.body_css!r} matched one node"
        return "no layout matched (" + "; ".join(self.tried) + ")" if self.tried else "no site layout"


def recognise(tree: LexborHTMLParser, layouts: Sequence[Layout]) -> Recognition:
    """The first layout whose `detect` matches and one of whose `body`
    selectors matches exactly one node."""
    tried = []
    for layout in layouts:
        if tree.css_first(layout.detect) is None:
            tried.append(f"{layout.id}: {layout.detect!r} not found")
            continue
        for css in layout.body:
            body = only_node(tree, css)
            if body is not None:
                return Recognition(layout, body, css, tuple(tried))
        counts = ", ".join(f"{css!r} matched {len(tree.css(css))}" for css in layout.body)
        tried.append(f"{layout.id}: {layout.detect!r} found, but no body selector matched exactly one node ({counts})")
    return Recognition(None, None, None, tuple(tried))
