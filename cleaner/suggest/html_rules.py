"""The HTML side of a crawl: node rules for each layout's body, then the lines
those pages render to once the node rules run (where the text miners look)."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from .. import html as H
from ..html_stage import prune, run_html_stage
from ..rules import RuleFile, by_phase
from .crawl import CrawlPage
from .evaluate import compile_rule
from .html_body import body_rules
from .html_drop import drop_rules, headline_echo, page_title
from .model import Rejected, SuggestedRule


def html_candidates(pages: list[CrawlPage], generic: RuleFile, prefix: str, min_share: float,
                    rejected: list[Rejected]) -> list[SuggestedRule]:
    """Body rules, and the drop rules inside each body on the pages of its layout."""
    html_pages = [p for p in pages if p.kind == "html"]
    if not html_pages:
        return []
    # pruned by the generic drops first: what they remove needs no site rule
    trees = {p.id: _pruned_tree(p, generic) for p in html_pages}
    titles = {p.id: page_title(trees[p.id]) for p in html_pages}
    bodies = body_rules(trees, prefix, rejected)
    out: list[SuggestedRule] = []
    for body in bodies:
        layout = {pid: trees[pid] for pid in body.pages}
        echo = headline_echo(titles, layout, body.table["css"], prefix, rejected)
        drops = drop_rules(layout, body.table["css"], prefix, min_share, rejected)
        known = {r.table["css"] for r in out}
        out += [r for r in ([echo] if echo else []) + drops if r.table["css"] not in known]
    return out + bodies


def _pruned_tree(page: CrawlPage, generic: RuleFile) -> LexborHTMLParser:
    """The page as the generic node rules leave it: what they remove needs no site rule."""
    tree = H.parse_html(page.html or "")
    prune(tree, by_phase("html", [r for r in generic.of("html") if r.kind == "drop"]))
    return tree


def render_html_pages(pages: list[CrawlPage], generic: RuleFile, html_rules: list[SuggestedRule]) -> None:
    """The lines the text rules see on each HTML page: the engine's HTML stage
    run with the suggested node rules over the generic ones."""
    suggested = [rule for s in html_rules if (rule := compile_rule(s.kind, s.table, "html")[0]) is not None]
    rules = by_phase("html", suggested, generic.of("html"))
    for page in pages:
        if page.kind != "html":
            continue
        tree = H.parse_html(page.html or "")
        page.lines = run_html_stage(tree, rules, page.url or H.page_url(tree), []).lines
