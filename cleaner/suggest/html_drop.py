"""`[[html.drop]]`: block elements inside the body that the template repeats
(link-dense, repeated or promo/caption-named), and a first paragraph that
repeats the page title (headline echo)."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .. import html as H
from ..text import normalise
from .common import looks_like_body, short, words
from .html_nodes import (
    classes,
    first_paragraph,
    has_ancestor_matching,
    link_density,
    node_rule,
    selector,
    snippet,
    text_len,
    visible,
)
from .model import Rejected, SuggestedRule

#: Class names and texts that mark an element as a promo, caption or widget
#: (the vocabulary of the generic node rules).
_NOISE_CLASS = re.compile(
    r"(?i)baca|related|terkait|caption|credit|share|sosmed|social|tags?\b|promo|banner|newsletter|widget|"
    r"advert|iklan|recommend|populer|popular|terpopuler|lainnya|readmore|read-more|sponsor"
)
_NOISE_TEXT = re.compile(
    r"(?i)^(?:baca|lihat|simak|tonton|saksikan|cek)(?: juga| pula| selengkapnya)?\b|^(?:berita|artikel) (?:terkait|lainnya)|"
    r"^(?:tags?|topik)\b|advertisement|^iklan\b|google news|whatsapp channel"
)
_MAX_DROPS = 9  # H01..H09; the body rules are numbered from H10
_ECHO_ID = "H09"

#: (page id, node, its text, its share of the body's text): one block element seen inside the body.
Block = tuple[str, LexborNode, str, float]


def drop_rules(trees: dict[str, LexborHTMLParser], body_css: str, prefix: str, min_share: float,
               rejected: list[Rejected]) -> list[SuggestedRule]:
    """[[html.drop]]: block elements inside the body, on many pages, whose text is
    link-dense, repeated across pages or named like a promo/caption."""
    stats, body_paras, n_body = _blocks(trees, body_css)
    need = max(2, math.ceil(min_share * n_body))
    out: list[SuggestedRule] = []
    accepted: list[str] = []
    for sel, items in sorted(stats.items(), key=lambda kv: -len({p for p, *_ in kv[1]})):
        pages_seen = sorted({p for p, *_ in items})
        if len(pages_seen) < need:
            continue
        reason = _noise_reason(sel, items, len(pages_seen), rejected)
        if reason is None:
            continue
        if any(all(has_ancestor_matching(node, a) for _, node, _, _ in items) for a in accepted):
            continue  # inside an element already dropped
        rule = _drop_rule(sel, items, reason, pages_seen, n_body, body_paras, f"{prefix}-H{len(out) + 1:02d}", rejected)
        if rule is None:
            continue
        accepted.append(sel)
        out.append(rule)
        if len(out) == _MAX_DROPS:
            break
    return out


def _blocks(trees: dict[str, LexborHTMLParser], body_css: str) -> tuple[dict[str, list[Block]], list[LexborNode], int]:
    """The named block elements inside each page's body, by selector; the plain
    story paragraphs (for must_not_match examples); how many pages have the body."""
    stats: dict[str, list[Block]] = defaultdict(list)
    body_paras: list[LexborNode] = []
    n_body = 0
    for pid, tree in trees.items():
        body = H.only_node(tree, body_css)
        if body is None:
            continue
        n_body += 1
        body_len = max(1, text_len(body))
        for node in body.traverse():
            if node is body or node.tag not in H.BLOCK_TAGS:
                continue
            if node.tag == "p" and not classes(node) and looks_like_body(visible(node)):
                body_paras.append(node)
            sel = selector(node)
            if sel is not None:
                text = visible(node)
                stats[sel].append((pid, node, text, len(text) / body_len))
    return stats, body_paras, n_body


def _noise_reason(sel: str, items: list[Block], n_pages: int, rejected: list[Rejected]) -> str | None:
    """Why the element reads as template ('link-dense', 'repeated',
    'promo/caption-named'); None when it is empty, part of the story, or
    nothing marks it (listed as rejected when it reads like body text)."""
    texts = [t for _, _, t, _ in items]
    if sum(1 for t in texts if t) < 0.5 * len(texts):
        return None  # empty boxes (ad slots): nothing is rendered from them
    if sum(share for *_, share in items) / len(items) > 0.15:
        return None  # a real part of the body
    dense = sum(link_density(node) for _, node, _, _ in items) / len(items)
    counts = Counter(t for t in texts if t)
    repeated = sum(c for c in counts.values() if c >= 2) / len(texts)
    named = bool(_NOISE_CLASS.search(sel)) or sum(bool(_NOISE_TEXT.search(t)) for t in texts) >= 0.5 * len(texts)
    body_like = sum(1 for _, node, t, _ in items if looks_like_body(t) and link_density(node) < 0.3)
    if body_like > 0.1 * len(texts):
        rejected.append(Rejected("html drop", sel, f"on {n_pages} pages but {body_like} of its {len(texts)} nodes read like body text"))
        return None
    if dense >= 0.5:
        return "link-dense"
    if repeated >= 0.5:
        return "repeated"
    return "promo/caption-named" if named else None


def _drop_rule(sel: str, items: list[Block], reason: str, pages_seen: list[str], n_body: int, body_paras: list[LexborNode],
               rule_id: str, rejected: list[Rejected]) -> SuggestedRule | None:
    example = next(node for _, node, t, _ in items if t)
    text = next(t for _, _, t, _ in items if t)
    raw = example.html or ""
    must = raw if len(raw) <= 300 and "<script" not in raw else snippet(example)
    must_not = snippet(body_paras[0]) if body_paras else "<p>Isi berita yang panjang, kata dia kepada wartawan.</p>"
    why = f"{reason} element inside the body on {len(pages_seen)}/{n_body} pages: '{short(text, 50)}'"
    return node_rule("drop", rule_id, why, sel, must, must_not, "html drop", pages_seen, short(text, 80), rejected)


def page_title(tree: LexborHTMLParser) -> str:
    """The page's title: og:title, twitter:title or <title>, the first that is set."""
    for css, attr in (('meta[property="og:title"]', "content"), ('meta[name="twitter:title"]', "content"), ("title", None)):
        node = tree.css_first(css)
        if node is not None:
            text = normalise((node.attributes.get(attr) or "") if attr else node.text())
            if text:
                return text
    return ""


def same_words(a: str, b: str) -> bool:
    """Is `a` the title `b` (give or take the outlet name and a few words)?"""
    wa, wb = words(a), set(words(b))
    return len(wa) >= 4 and sum(w in wb for w in wa) >= 0.9 * len(wa) and len(wa) >= 0.6 * len(wb)


def headline_echo(titles: dict[str, str], trees: dict[str, LexborHTMLParser], body_css: str, prefix: str,
                  rejected: list[Rejected]) -> SuggestedRule | None:
    """[[html.drop]] for a first body paragraph that repeats the page title, by its shape
    ('<p><em>Title</em></p>'): the title is never in the article text."""
    echoes = _echoes(titles, trees, body_css)
    for shape, items in sorted(echoes.items(), key=lambda kv: -len(kv[1])):
        if len(items) < max(2, math.ceil(0.05 * len(trees))) or not shape:
            continue
        rule = _echo_rule(f"{body_css} > p:first-of-type{shape}", items, titles, trees, body_css, f"{prefix}-{_ECHO_ID}", rejected)
        if rule is not None:
            return rule
    return None


def _echoes(titles: dict[str, str], trees: dict[str, LexborHTMLParser], body_css: str) -> dict[str, list[tuple[str, LexborNode]]]:
    """The first paragraphs that repeat their page's title, by their shape: a
    ':has(> em:only-child)' suffix when one element wraps the title, else ''."""
    echoes: dict[str, list[tuple[str, LexborNode]]] = defaultdict(list)
    for pid, tree in trees.items():
        if not titles.get(pid):
            continue
        first = first_paragraph(tree, body_css)
        if first is None or not same_words(visible(first), titles[pid]):
            continue
        kids = [c for c in first.iter() if c.tag != "-text" or (c.text_content or "").strip()]
        shape = f":has(> {kids[0].tag}:only-child)" if len(kids) == 1 and kids[0].tag not in ("-text", "a") else ""
        echoes[shape].append((pid, first))
    return echoes


def _echo_rule(css: str, items: list[tuple[str, LexborNode]], titles: dict[str, str], trees: dict[str, LexborHTMLParser],
               body_css: str, rule_id: str, rejected: list[Rejected]) -> SuggestedRule | None:
    wrong = [pid for pid, tree in trees.items() for node in tree.css(css)
             if looks_like_body(visible(node)) and not same_words(visible(node), titles.get(pid, ""))]
    if wrong:
        rejected.append(Rejected("html drop", css, f"repeats the title on {len(items)} pages but selects a story paragraph on {len(wrong)}"))
        return None
    node = items[0][1]
    container = trees[items[0][0]].css_first(body_css)
    cls = " ".join(classes(container))
    open_tag = f'<{container.tag} class="{cls}">' if cls else f"<{container.tag} id=\"{container.attributes.get('id')}\">"
    must = open_tag + (node.html or "") + "<p>Isi berita.</p>" + f"</{container.tag}>"
    story = _story_paragraph(trees, body_css, {pid for pid, _ in items})
    must_not = open_tag + (story.html if story is not None else "<p>Isi <em>berita</em> ini, kata dia.</p>") + f"</{container.tag}>"
    why = "headline echo: the first paragraph of the body repeats the page title"
    return node_rule("drop", rule_id, why, css, must, must_not, "headline echo", [pid for pid, _ in items], short(visible(node), 80), rejected)


def _story_paragraph(trees: dict[str, LexborHTMLParser], body_css: str, echo_pages: set[str]) -> LexborNode | None:
    """The first paragraph of a page without the echo: a real story paragraph, small enough for an example."""
    for pid, tree in trees.items():
        first = first_paragraph(tree, body_css)
        if pid not in echo_pages and first is not None and looks_like_body(visible(first)) and len(first.html or "") < 600:
            return first
    return None
