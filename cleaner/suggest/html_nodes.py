"""Helpers on parsed HTML nodes shared by the node-rule miners: naming a node
by a selector, the text it renders to, and turning a found node into a
checked rule."""

from __future__ import annotations

import html as htmlmod
import re
from collections.abc import Iterator, Sequence

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .. import html as H
from .common import short
from .evaluate import compile_rule
from .model import Rejected, SuggestedRule

_CLASS_OK = re.compile(r"^-?[A-Za-z_][\w-]*$")
_ID_OK = re.compile(r"^[A-Za-z][\w-]{1,40}$")
_ROOTS = ("html", "body")  # a selector never names these: they match on every page


def classes(node: LexborNode) -> list[str]:
    """The node's classes usable in a selector."""
    return [c for c in (node.attributes.get("class") or "").split() if _CLASS_OK.match(c)]


def css_of(tag: str, class_names: Sequence[str]) -> str:
    return tag + "".join("." + c for c in class_names)


def selector(node: LexborNode, class_names: Sequence[str] | None = None) -> str | None:
    """tag.class.class, else tag#id (an id that does not look generated), else None."""
    class_names = classes(node) if class_names is None else class_names
    if class_names:
        return css_of(node.tag, class_names)
    ident = node.attributes.get("id") or ""
    if _ID_OK.match(ident) and not re.search(r"\d{3,}", ident):
        return f"{node.tag}#{ident}"
    return None


def ancestors(node: LexborNode) -> Iterator[LexborNode]:
    """The node's parents up to, not including, <body> or <html>."""
    n = node.parent
    while n is not None and n.tag not in _ROOTS:
        yield n
        n = n.parent


def named(node: LexborNode | None) -> LexborNode | None:
    """The node or its nearest ancestor that a selector can name (None at <body>)."""
    while node is not None and node.tag not in _ROOTS:
        if selector(node) is not None:
            return node
        node = node.parent
    return None


def has_ancestor_matching(node: LexborNode, css: str) -> bool:
    """Does an ancestor match a simple selector (tag, tag.class.class or tag#id)?"""
    tag, _, rest = css.partition(".")
    tag, _, ident = tag.partition("#")
    wanted = set(rest.split(".")) if rest else set()
    return any(n.tag == tag and wanted <= set(classes(n)) and (not ident or n.attributes.get("id") == ident) for n in ancestors(node))


def visible(node: LexborNode, limit: int = 400) -> str:
    """The text a node renders to (scripts and styles left out), one line;
    cut to `limit` characters unless it is 0."""
    text = " ".join(ln.text for ln in H.render_lines(node))
    return short(text, limit) if limit else text


def text_len(node: LexborNode) -> int:
    return len(visible(node, 0))


def link_density(node: LexborNode) -> float:
    total = text_len(node)
    if not total:
        return 0.0
    return min(1.0, sum(text_len(a) for a in node.css("a")) / total)


def first_paragraph(tree: LexborHTMLParser, body_css: str) -> LexborNode | None:
    """The first <p> inside the page's body node, if the body selector matches one node."""
    body = H.only_node(tree, body_css)
    return next((c for c in body.iter() if c.tag == "p"), None) if body is not None else None


def snippet(node: LexborNode, inner: str | None = None, limit: int = 80) -> str:
    """A small HTML snippet of the node: its start tag (class and id), a short text, its end tag."""
    attrs = "".join(
        f' {k}="{htmlmod.escape(v or "", quote=True)}"' for k, v in node.attributes.items() if k in ("class", "id")
    )
    text = inner if inner is not None else htmlmod.escape(short(visible(node), limit))
    return f"<{node.tag}{attrs}>{text}</{node.tag}>"


def node_rule(kind: str, rule_id: str, why: str, css: str, must: str, must_not: str, origin: str, pages: list[str],
              example: str, rejected: list[Rejected]) -> SuggestedRule | None:
    """A node rule (`[[html.<kind>]]`) with one example each way, compiled and
    checked; None when it fails (listed as rejected with the problems)."""
    table = {"id": rule_id, "why": why, "css": css, "must_match": [must], "must_not_match": [must_not]}
    rule, problems = compile_rule(kind, table, "html")
    if rule is None:
        rejected.append(Rejected(f"html {kind}", css, "; ".join(problems)))
        return None
    return SuggestedRule("html", kind, table, origin, pages, example)
