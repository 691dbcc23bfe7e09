"""The cleaner's own body finder: the element of the page that holds most
of its paragraph text, found on the lexbor tree (no second parse), in the
way readability does it.

Every text block (a ``<p>``, ``<pre>``, ``<blockquote>``, ``<td>``, list
item, or a ``<div>`` with text of its own) scores by its shape: long text
with commas is prose, short or link-dense text is not. A block gives its
score to its parent in full and to its grandparent by half, so the element
that holds the most prose collects the most. That element, and those of its
siblings that score near it (an article split over several boxes), are
rendered to lines as a site body is. The page chrome (nav, header, footer,
aside) never holds the body.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .html import render_lines
from .page import Line

#: The elements whose own text is scored.
_BLOCKS = "p, pre, blockquote, td, li, dd, div"
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "form"})
#: Blocks shorter than this (characters) are not scored: captions, buttons,
#: labels (readability's own threshold, 25).
MIN_BLOCK_CHARS = 25
#: A sibling of the best element joins the body when it scores at least this
#: share of the best one (readability: 0.2).
SIBLING_SHARE = 0.2


def _own_text_len(node: LexborNode) -> int:
    """Characters of the text directly inside a <div> (not in its child elements)."""
    return sum(len((child.text_content or "").strip()) for child in node.iter(include_text=True)
               if child.tag == "-text")


def _in_chrome(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in _CHROME_TAGS:
            return True
        parent = parent.parent
    return False


def _block_score(node: LexborNode) -> tuple[float, int, int]:
    """(score, characters, characters in links) of one text block."""
    text = node.text(separator=" ")
    chars = len(" ".join(text.split()))
    if chars < MIN_BLOCK_CHARS:
        return 0.0, chars, 0
    links = sum(len(" ".join(a.text(separator=" ").split())) for a in node.css("a"))
    density = min(links / chars, 1.0)
    # readability's block score: one point, one per comma, one per 100
    # characters up to three; scaled by the share of the text not in links.
    return (1 + text.count(",") + min(chars / 100, 3)) * (1 - density), chars, links


def find_body(tree: LexborHTMLParser) -> list[LexborNode]:
    """The element(s) holding the page's prose, in page order (empty when the page has none)."""
    body = tree.body
    if body is None:
        return []
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    sizes: dict[int, list[int]] = {}  # characters, characters in links of the blocks below
    for block in body.css(_BLOCKS):
        if block.tag == "div" and _own_text_len(block) < MIN_BLOCK_CHARS:
            continue  # a wrapper: its children are scored
        score, chars, links = _block_score(block)
        if score <= 0:
            continue
        parent = block.parent
        for share in (1.0, 0.5):
            if parent is None or parent.tag in ("body", "html"):
                break
            key = parent.mem_id
            nodes[key] = parent
            scores[key] = scores.get(key, 0.0) + score * share
            size = sizes.setdefault(key, [0, 0])
            size[0] += chars
            size[1] += links
            parent = parent.parent
    best_key, best_score = None, 0.0
    for key, score in scores.items():
        chars, links = sizes[key]
        # readability: a container is worth its text outside links (a list
        # of teasers scores by its descriptions, but its titles are links)
        score *= 1 - min(links / chars, 1.0) if chars else 0.0
        scores[key] = score
        node = nodes[key]
        if _in_chrome(node) or node.tag in _CHROME_TAGS:
            continue
        if score > best_score:
            best_key, best_score = key, score
    if best_key is None:
        return []
    best = nodes[best_key]
    parent = best.parent
    if parent is None:
        return [best]
    chosen = []
    for sibling in parent.iter():
        if sibling.mem_id == best_key or scores.get(sibling.mem_id, 0.0) >= SIBLING_SHARE * best_score:
            chosen.append(sibling)
    return chosen


def body_lines(tree: LexborHTMLParser) -> list[Line]:
    """The found body rendered to lines, numbered from 1."""
    lines: list[Line] = []
    for node in find_body(tree):
        for line in render_lines(node):
            lines.append(Line(len(lines) + 1, line.text))
    return lines
