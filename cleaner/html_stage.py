"""The HTML stage: what becomes of a page's one parsed tree.

The HTML phases (phases/html_nodes.py, in registry order: drop nodes, drop
headed widgets, pick the body) run on the tree; the body a site rule picked
is rendered to lines, and without one the generic extractor (extract.py)
reads the same pruned tree. `clean` and `rules suggest` both call
`run_html_stage`, so the suggester measures the engine that cleans.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from .extract import extract_generic
from .html import render_lines
from .page import SITE_BODY, Line, Removal, Trace
from .phases import PHASES, Rule
from .phases.html_nodes import HtmlRun


@dataclass
class HtmlResult:
    """The lines the text phases get from an HTML page, and how they were found."""

    lines: list[Line]
    extractor: str  # SITE_BODY, GENERIC or GENERIC_LARGE
    body_rule: str | None
    reason: str  # one line: why this extractor


def prune(tree: LexborHTMLParser, rules: Mapping[str, Sequence[Rule]], removed: list[Removal] | None = None,
          trace: Trace | None = None) -> HtmlRun:
    """Run the HTML phases on the tree; the run says which body (if any) was picked."""
    run = HtmlRun(tree, [] if removed is None else removed, trace)
    for phase in PHASES.phases("html"):
        phase.run(run, rules.get(phase.kind, ()))
    return run


def run_html_stage(tree: LexborHTMLParser, rules: Mapping[str, Sequence[Rule]], url: str | None,
                   removed: list[Removal], trace: Trace | None = None) -> HtmlResult:
    """The article lines of a parsed page: its site body rendered, else the
    generic extractor's lines."""
    run = prune(tree, rules, removed, trace)
    if run.body is not None:
        reason = f"body rule {run.body_rule} matched: its node is the article body"
        return HtmlResult(render_lines(run.body), SITE_BODY, run.body_rule, reason)
    bodies = [r.id for r in rules.get("body", ())]
    why = f"no body rule matched exactly one node ({', '.join(bodies)})" if bodies else "no body rule for this site"
    generic = extract_generic(tree, url)
    return HtmlResult(generic.lines, generic.extractor, None, f"{why}: {generic.reason}")
