"""The HTML side of a crawl: node rules for each layout's body, then the lines
those pages render to once the node rules run (where the text miners look)."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from .. import html as H
from ..extract import extract_generic
from ..rules import RuleFile
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
    titles = {p.id: page_title(LexborHTMLParser(p.html or "")) for p in html_pages}
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
    tree = LexborHTMLParser(page.html or "")
    H.drop_nodes(tree, list(generic.html["drop"]), [])
    return tree


def render_html_pages(pages: list[CrawlPage], generic: RuleFile, html_rules: list[SuggestedRule]) -> None:
    """The lines the text rules see on each HTML page, with the suggested node rules applied."""
    compiled = {"drop": [], "body": []}
    for s in html_rules:
        rule, _ = compile_rule(s.kind, s.table, "html")
        if rule is not None:
            compiled[s.kind].append(rule)
    for page in pages:
        if page.kind != "html":
            continue
        tree = LexborHTMLParser(page.html or "")
        H.drop_nodes(tree, compiled["drop"] + list(generic.html["drop"]), [])
        H.drop_headed_widgets(tree, list(generic.html["drop_heading"]), [])
        body, _ = H.pick_body(tree, compiled["body"] + list(generic.html["body"]))
        if body is not None:
            page.lines = H.render_lines(body)
        else:
            page.lines, _ = extract_generic(tree.html or "", page.url or H.page_url(tree))

