"""A layout's `body`: the element holding most of the paragraph text, one
node a page, on most pages; a second layout when another element holds the
rest."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .. import html as H
from .common import short
from ..phases.base import check_css
from .html_nodes import ancestors, classes, css_of, named, selector, text_len
from .model import Rejected, SuggestedRule

#: Class names of the article container (kept in a body selector) and of layout utilities (left out first).
_CONTENT_CLASS = re.compile(r"(?i)article|content|body|post|entry|detail|read|txt|text|story|isi|berita|news")
_LAYOUT_CLASS = re.compile(r"(?i)font|size|^[mp][tblrxy]?-?\d|^f[lr]$|clear|^w-?\d|^col|^row|^pos_|hidden|visible|^d-|^js-|^is-|^has-")
_LAYOUTS = 2


def body_rules(trees: dict[str, LexborHTMLParser], prefix: str, rejected: list[Rejected]) -> list[SuggestedRule]:
    """One body rule per layout: the first on half the pages, a second on a
    fifth of them among the pages the first does not match."""
    n = len(trees)
    rules: list[SuggestedRule] = []
    left = dict(trees)
    for layout in range(_LAYOUTS):
        need = (max(2, math.ceil(0.5 * n)) if n > 1 else 1) if layout == 0 else max(2, math.ceil(0.2 * n))
        if len(left) < need:
            break
        rule = _layout_rule(left, n, need, f"{prefix}-H{10 + layout}", rejected)
        if rule is None:
            break
        rules.append(rule)
        left = {pid: tree for pid, tree in left.items() if pid not in set(rule.pages)}
    return rules


def _layout_rule(trees: dict[str, LexborHTMLParser], n: int, need: int, rule_id: str,
                 rejected: list[Rejected]) -> SuggestedRule | None:
    """The first body selector that holds on `need` pages, trying the most common main-node tags first."""
    found: dict[str, list[LexborNode]] = defaultdict(list)  # tag (or tag#id) -> main nodes
    for tree in trees.values():
        node = main_node(tree)
        if node is not None:
            found[node.tag if classes(node) else selector(node)].append(node)
    for base, nodes in sorted(found.items(), key=lambda kv: -len(kv[1])):
        if len(nodes) < need:
            break
        for css in [base] if "#" in base else _body_css(nodes, trees):
            rule = _body_rule(css, trees, n, need, rule_id, rejected)
            if rule is not None:
                return rule
    return None


def main_node(tree: LexborHTMLParser) -> LexborNode | None:
    """The deepest element holding 70% of the page's paragraph text, climbed
    up to the nearest one with a class or id."""
    paras = [p for p in tree.css("p") if text_len(p) >= 40]
    sizes = [text_len(p) for p in paras]
    total = sum(sizes)
    if not total:
        return None
    held: Counter[int] = Counter()
    nodes: dict[int, tuple[LexborNode, int]] = {}
    for p, size in zip(paras, sizes):
        for depth, anc in enumerate(reversed(list(ancestors(p)))):
            held[anc.mem_id] += size
            nodes[anc.mem_id] = (anc, depth)
    best = None
    for key, size in held.items():
        node, depth = nodes[key]
        if size >= 0.7 * total and (best is None or depth > best[1]):
            best = (node, depth)
    return named(best[0]) if best else None


def unique_pages(trees: dict[str, LexborHTMLParser], css: str) -> list[str]:
    """The pages where the selector matches exactly one node."""
    return [pid for pid, tree in trees.items() if H.only_node(tree, css) is not None]


def _body_css(nodes: list[LexborNode], trees: dict[str, LexborHTMLParser]) -> list[str]:
    """Selectors for a group of main nodes (one tag): the classes most of them
    share, from the most common class down; presentational classes left out
    while one node is still picked on as many pages, content-naming ones kept."""
    tag = nodes[0].tag
    counts = Counter(c for node in nodes for c in dict.fromkeys(classes(node)))
    out = []
    for anchor, _ in counts.most_common(3):
        group = [node for node in nodes if anchor in classes(node)]
        order = list(dict.fromkeys(c for node in group for c in classes(node)))
        keep = [c for c in order if sum(c in classes(node) for node in group) >= 0.8 * len(group)]
        css = css_of(tag, _without_presentational(tag, keep, trees))
        if css not in out:
            out.append(css)
    return out


def _without_presentational(tag: str, keep: list[str], trees: dict[str, LexborHTMLParser]) -> list[str]:
    """Drop classes (layout utilities first) as long as the selector still
    matches one node on as many pages; classes naming content stay."""
    pages = len(unique_pages(trees, css_of(tag, keep)))
    for c in sorted(keep, key=lambda c: 0 if _LAYOUT_CLASS.search(c) else 1):
        if _CONTENT_CLASS.search(c):
            continue
        trial = [k for k in keep if k != c]
        if trial and len(unique_pages(trees, css_of(tag, trial))) >= pages:
            keep = trial
    return keep


def _body_rule(css: str, trees: dict[str, LexborHTMLParser], n: int, need: int, rule_id: str,
               rejected: list[Rejected]) -> SuggestedRule | None:
    """A layout's body (a selector matching one node on `need` pages at least), as a draft rule."""
    matched = unique_pages(trees, css)
    if len(matched) < need:
        rejected.append(Rejected("html body", css, f"matches exactly one node on {len(matched)}/{n} pages only"))
        return None
    problems: list[str] = []
    if not check_css(css, "<suggest>", problems):
        rejected.append(Rejected("html body", css, "; ".join(problems)))
        return None
    example = trees[matched[0]].css_first(css)
    first = next((ln.text for ln in H.render_lines(example) if len(ln.text) >= 20), "")
    why = f"article body: the element holding most of the paragraph text, one per page on {len(matched)}/{n} pages"
    return SuggestedRule("html", "body", {"id": rule_id, "why": why, "css": css}, "html body", matched, short(first, 80))
