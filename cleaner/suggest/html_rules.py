"""The HTML side of a crawl: one layout per group of pages sharing a body
element (what recognises them, the body, the node drops inside it, a sample
page), then the lines those pages render to through the engine's HTML stage
(where the text miners look)."""

from __future__ import annotations

import re
from collections import Counter

from selectolax.lexbor import LexborHTMLParser

from .. import html as H
from ..html_stage import prune, run_html_stage
from ..layouts import Layout
from ..phases.html_nodes import HtmlRun
from ..rules import RuleFile, by_phase
from .crawl import CrawlPage
from .evaluate import compile_rule
from .html_body import body_rules
from .html_drop import drop_rules, headline_echo, page_title
from .html_nodes import named, selector
from .model import Rejected, SuggestedLayout

#: A named parent of the body goes into `detect` when it holds on this share of the layout's pages.
DETECT_SHARE = 0.9
_YEAR_IN_URL = re.compile(r"/((?:19|20)\d\d)(?:/|-|\d{4})")
_PUBLISHED = ('meta[property="article:published_time"]', 'meta[name="pubdate"]', 'meta[itemprop="datePublished"]')
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"((?:19|20)\d\d)')


def html_layouts(pages: list[CrawlPage], generic: RuleFile, prefix: str, min_share: float,
                 rejected: list[Rejected]) -> list[SuggestedLayout]:
    """One layout per body element found (html_body.py), with the drop rules
    inside that body on the pages of the layout."""
    html_pages = {p.id: p for p in pages if p.kind == "html"}
    if not html_pages:
        return []
    # pruned by the generic drops first: what they remove needs no site rule
    trees = {pid: _pruned_tree(p, generic) for pid, p in html_pages.items()}
    titles = {pid: page_title(tree) for pid, tree in trees.items()}
    layouts = []
    for n, body in enumerate(body_rules(trees, prefix, rejected), 1):
        css = body.table["css"]
        group = {pid: trees[pid] for pid in body.pages}
        echo = headline_echo(titles, group, css, prefix, rejected)
        drops = drop_rules(group, css, prefix, min_share, rejected)
        sample = html_pages[sorted(body.pages)[0]]
        table = {
            "id": f"{prefix}-L{n:02d}",
            "why": body.table["why"],
            "seen": seen_years([html_pages[pid] for pid in body.pages], group),
            "detect": detect_selector(group, css),
            "body": [css],
            "samples": [sample_file_name(sample.id)],
        }
        layouts.append(SuggestedLayout(table, ([echo] if echo else []) + drops, list(body.pages), sample.html or ""))
    return layouts


def _pruned_tree(page: CrawlPage, generic: RuleFile) -> LexborHTMLParser:
    """The page as the generic node rules leave it: what they remove needs no site rule."""
    tree = H.parse_html(page.html or "")
    prune(HtmlRun(tree, []), by_phase("html", [r for r in generic.of("html") if r.kind == "drop"]))
    return tree


def detect_selector(trees: dict[str, LexborHTMLParser], body_css: str) -> str:
    """What recognises the layout: the body inside its nearest named parent
    when that parent is the same on nearly every page of the layout, else
    the body selector alone."""
    parents: Counter[str] = Counter()
    for tree in trees.values():
        body = H.only_node(tree, body_css)
        parent = named(body.parent) if body is not None else None
        if parent is not None and (sel := _stable_name(parent)) is not None:
            parents[sel] += 1
    for sel, n in parents.most_common(1):
        css = f"{sel} {body_css}"
        if n >= DETECT_SHARE * len(trees) and all(tree.css_first(css) is not None for tree in trees.values()):
            return css
    return body_css


def _stable_name(node) -> str | None:
    """A selector naming the node: its id when it has a readable one (a
    template's containers keep their ids longer than their utility classes),
    else its classes."""
    ident = node.attributes.get("id") or ""
    if re.fullmatch(r"[A-Za-z][\w-]{1,40}", ident) and not re.search(r"\d{3,}", ident):
        return f"{node.tag}#{ident}"
    return selector(node)


def seen_years(pages: list[CrawlPage], trees: dict[str, LexborHTMLParser]) -> list[str]:
    """The years the layout's pages were published in (their URLs, their
    published-time meta, or their JSON-LD datePublished), runs of years
    written as ranges; ["undated"] when no page tells."""
    years = set()
    for page in pages:
        found = _YEAR_IN_URL.search(page.url or "")
        if found is None and page.id in trees:
            meta = next((n for css in _PUBLISHED if (n := trees[page.id].css_first(css)) is not None), None)
            found = re.match(r"((?:19|20)\d\d)", (meta.attributes.get("content") or "") if meta is not None else "")
        if found is None:
            found = _JSON_LD_DATE.search(page.html or "")
        if found is not None:
            years.add(int(found.group(1)))
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return [f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs] or ["undated"]


def sample_file_name(page_id: str) -> str:
    """A file name for a crawl page kept as a layout's sample."""
    name = re.sub(r"[^\w.-]+", "_", page_id).strip("._") or "page"
    return name if name.lower().endswith((".html", ".htm")) else f"{name}.html"


def compiled_layout(layout: SuggestedLayout) -> Layout:
    """A draft layout as the engine runs it (its drops compiled; no samples needed)."""
    drops = [rule for d in layout.drops if (rule := compile_rule(d.kind, d.table, "html")[0]) is not None]
    t = layout.table
    return Layout(id=t["id"], why=t["why"], seen=tuple(t["seen"]), detect=t["detect"], body=tuple(t["body"]),
                  samples=(), html=by_phase("html", drops), text=by_phase("text", []), source="<suggest>")


def render_html_pages(pages: list[CrawlPage], generic: RuleFile, layouts: list[SuggestedLayout]) -> None:
    """The lines the text rules see on each HTML page: the engine's HTML stage
    run with the draft's layouts over the generic node rules."""
    compiled = [compiled_layout(layout) for layout in layouts]
    for page in pages:
        if page.kind != "html":
            continue
        tree = H.parse_html(page.html or "")
        page.lines = run_html_stage(tree, compiled, generic.html, page.url or H.page_url(tree), []).lines
