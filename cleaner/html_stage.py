"""The HTML stage: what becomes of a page's one parsed tree.

The site's layouts are tried first (layouts.py). On a page whose layout is
recognised, the layout's node rules and then the global ones (the HTML
phases of phases/html_nodes.py, in registry order) run inside its body,
which is rendered to lines. Otherwise the site's rules stay out: the global
node rules prune the whole page and the generic extractor (extract.py) reads
the same tree. `clean` and `rules suggest` both call `run_html_stage`, so
the suggester measures the engine that cleans.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from .extract import Candidate, extract_generic
from .html import render_lines
from .layouts import Layout, recognise
from .page import SITE_BODY, Line, Removal, Trace
from .phases import PHASES, Rule
from .phases.html_nodes import HtmlRun


@dataclass
class HtmlResult:
    """The lines the text phases get from an HTML page, and how they were found."""

    lines: list[Line]
    extractor: str  # SITE_BODY, GENERIC or GENERIC_LARGE
    layout: Layout | None  # the recognised layout (None: the generic path)
    reason: str  # one line: which layout and body, or why none and what the generic extractor did
    tried: tuple[str, ...] = ()  # the layouts that did not match, and why
    confidence: float | None = None  # the generic extractor's estimate of its token F1 (None on a layout's body)
    candidates: tuple[Candidate, ...] = ()  # the generic extractor's candidates, with their scores


def prune(run: HtmlRun, *rule_groups: Mapping[str, Sequence[Rule]]) -> HtmlRun:
    """Run the HTML phases on the run's root, each phase with the rules of
    every group in turn (a layout's before the global ones)."""
    for phase in PHASES.phases("html"):
        phase.run(run, [r for group in rule_groups for r in group.get(phase.kind, ())])
    return run


def run_html_stage(tree: LexborHTMLParser, layouts: Sequence[Layout], global_rules: Mapping[str, Sequence[Rule]],
                   url: str | None, removed: list[Removal], trace: Trace | None = None) -> HtmlResult:
    """The article lines of a parsed page: its layout's body rendered, else
    the generic extractor's lines."""
    found = recognise(tree, layouts)
    if trace is not None and layouts:
        trace.note("layout", found.reason)
    if found.layout is not None:
        run = prune(HtmlRun(tree, removed, trace, found.body), found.layout.html, global_rules)
        return HtmlResult(render_lines(run.body), SITE_BODY, found.layout, found.reason, found.tried)
    prune(HtmlRun(tree, removed, trace), global_rules)
    generic = extract_generic(tree, url)
    return HtmlResult(generic.lines, generic.extractor, None, f"{found.reason}: {generic.reason}", found.tried,
                      generic.confidence, generic.candidates)
