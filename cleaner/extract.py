"""The one generic fallback for pages without a site body: trafilatura
(or, on a page too big or too deep for it, the page's content rendered).

Its options are fixed here, in one place. It runs on the page after the
generic (and site) node rules have pruned it, so captions, related-article
boxes and social prompts that trafilatura would keep are already gone.

Two passes, the second only when the first looks like it missed the article:

1. trafilatura with ``fast=True`` (its own readability/jusText fallbacks
   off): quick, and on article pages as good as the full run;
2. when that text is under ``RETRY_SHARE`` of the page's visible text
   outside its chrome (``nav``, ``header``, ``footer``, ``aside``), the full
   run (``fast=False``), kept if it found more. On list-style pages
   (recipes, product round-ups, landing pages with several sections) the fast
   pass picks one block and drops the rest (recall 0.02-0.2 on such pages);
   the fallbacks then recover the sections. An article, even a short one on
   a cluttered page, is well above that share of its page, so the slower pass
   runs on few pages and the speed stays that of the fast one. Running the
   full pass on every page instead would let its readability fallback take
   whole-page text (menus, lists of links) on news pages the fast pass gets
   right.

A page too big or too deep for trafilatura is not handed to it. Its content
(the body outside the chrome: the text RETRY_SHARE is measured against) is
rendered block by block by `html.render_lines` instead, as a site body is,
and the result says so (extractor ``"generic-large"``):

- more than LARGE_PAGE_CHARS characters, LARGE_PAGE_TAGS tags or
  LARGE_PAGE_BLOCKS paragraphs and headings (scripts and styles left out):
  trafilatura's time grows faster than the page. Measured on pages of
  identical <p> paragraphs: 1 MB 0.3 s, 2 MB 0.6 s, 8 MB 5.4 s a pass, and
  a short result there triggers the second pass. Most of it is one XPath,
  ``//p//text()``, that libxml2 evaluates in quadratic time (10k <p> 0.04 s,
  80k 5.3 s); 10k headings cost 0.8 s and 25k 5.7 s (trailing titles
  removed one by one, each time counting the children).
- deeper than TRAFILATURA_MAX_DEPTH, once the fast pass came out short:
  lxml (libxml2) stops reading a page at 256 levels, so trafilatura loses
  the deep part and all that follows it (a 100k-<div> nest: empty text).
  Only then is the depth looked at: a page trafilatura read well is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura
from selectolax.lexbor import LexborHTMLParser, LexborNode
from trafilatura.utils import load_html

from .html import render_lines
from .page import GENERIC, GENERIC_LARGE, Line
from .text import split_lines

#: trafilatura options, fixed: text only, no comments, tables kept (they can
#: be article data), no deduplication across calls (that state is global).
#: ``fast`` is set per pass (see the module doc).
TRAFILATURA_OPTIONS = dict(
    output_format="txt",
    include_comments=False,
    include_tables=True,
    include_images=False,
    include_links=False,
    include_formatting=False,
    with_metadata=False,
    deduplicate=False,
)

#: The fast pass is retried in full when its text is shorter than this share
#: of the page's content text (see `prepare`). Measured share of the fast
#: pass: 0.02-0.095 on the pages where it lost whole sections, 0.15 and more
#: on every news article (dev and pool pages); 0.12 sits in that gap.
RETRY_SHARE = 0.12

#: Above this many tags ("<" in the page without scripts and styles),
#: trafilatura is not used. On real markup its time is about linear in the
#: tags, ~1 s a pass here: measured on the bodies of generic-dev pages put
#: one after the other, 18k tags 0.24 s, 35k 0.49 s, 69k 1.05 s, 124k 1.9 s;
#: on dense made-up shapes (a <div>, <li> or <span> of three words each) ~2 s
#: at 60k. The corpus pages have at most 7.7k "<" before scripts are removed.
LARGE_PAGE_TAGS = 60_000
#: Above this many paragraphs and headings (<p>, <h1>-<h6>), trafilatura is
#: not used: its time grows with their square. 9k <p> (identical ones, a
#: fast pass): 0.25 s; 18k 0.56 s; 71k 5.4 s. 10k <h2>: 0.8 s, 25k 5.7 s.
#: The corpus pages have at most 283 <p>.
LARGE_PAGE_BLOCKS = 10_000
#: Above this many characters (the same page), trafilatura is not used
#: either: with few tags it is linear but not free (50 long paragraphs of
#: 21 MB: 1.2 s a pass). The largest corpus page is 0.54 M characters.
LARGE_PAGE_CHARS = 5_000_000
# The start of a paragraph or a heading in the page as lexbor writes it out.
_BLOCK_START = re.compile(r"<(?:p|h[1-6])[\s>]")
#: A page with an element this deep (html = 1) is read in part by
#: trafilatura's parser (libxml2 stops at 256 levels; measured: a page whose
#: deepest element is at level 257 comes out empty); kept a little below.
TRAFILATURA_MAX_DEPTH = 250

#: Elements that never hold article text: removed before trafilatura parses
#: the page (it would drop them too, after parsing them: scripts and inline
#: styles are often half of a page's bytes).
_NEVER_TEXT = ["script", "style", "noscript", "template", "svg"]
#: The page chrome (menus, site header and footer, sidebars), left out of the
#: content (its text, and what a too large page renders; trafilatura reads
#: it): its size varies with the site, not with the article.
_CHROME = ["nav", "header", "footer", "aside"]
_CHROME_TAGS = frozenset(_CHROME)
_RAN = "the generic extractor (trafilatura) ran on the pruned page"


@dataclass
class Generic:
    """What the generic extractor found: the lines, which extractor, and why."""

    lines: list[Line]
    extractor: str  # GENERIC or GENERIC_LARGE
    reason: str


def extract_generic(tree: LexborHTMLParser, url: str | None = None) -> Generic:
    """The article lines of a page (its one parsed tree, pruned by the node
    rules): trafilatura, fast pass first (see the module doc), or for a page
    too big or too deep for it, its content rendered. The tree is changed:
    the elements that never hold text are removed first."""
    tree.strip_tags(_NEVER_TEXT)
    page = tree.html or ""  # what trafilatura reads
    if too_large(page):
        return Generic(rendered_content(tree), GENERIC_LARGE, "the page is too big for trafilatura, so its content was rendered whole")
    # trafilatura's XPath expressions run on lxml trees, not on lexbor's: the
    # page is parsed once more, here, by trafilatura's own loader, and both
    # passes read that one lxml tree (trafilatura copies it for each pass).
    document = load_html(page)
    if document is None:
        return Generic([], GENERIC, f"{_RAN}: it found no HTML document in the page")
    text = trafilatura.extract(document, url=url, fast=True, **TRAFILATURA_OPTIONS) or ""
    if len(text) >= RETRY_SHARE * content_length(tree):
        return Generic(split_lines(text), GENERIC, f"{_RAN}: fast pass")
    if too_deep(tree):
        return Generic(rendered_content(tree), GENERIC_LARGE,
                       "the page is nested too deep for trafilatura's parser, so its content was rendered whole")
    full = trafilatura.extract(document, url=url, fast=False, **TRAFILATURA_OPTIONS) or ""
    if len(full) > len(text):
        return Generic(split_lines(full), GENERIC, f"{_RAN}: full pass (the fast pass came out short)")
    return Generic(split_lines(text), GENERIC, f"{_RAN}: fast pass (the full pass found no more)")


def too_large(page: str) -> bool:
    """Too big for trafilatura (LARGE_PAGE_CHARS, LARGE_PAGE_TAGS, LARGE_PAGE_BLOCKS)."""
    return (
        len(page) > LARGE_PAGE_CHARS
        or page.count("<") > LARGE_PAGE_TAGS
        or len(_BLOCK_START.findall(page)) > LARGE_PAGE_BLOCKS
    )


def too_deep(tree: LexborHTMLParser) -> bool:
    """Nested deeper than trafilatura's parser reads (TRAFILATURA_MAX_DEPTH)."""
    # An element with TRAFILATURA_MAX_DEPTH - 1 ancestors. Child combinators
    # only: the match walks up at most that far from each element.
    return tree.css_first("* > " * (TRAFILATURA_MAX_DEPTH - 1) + "*") is not None


def _chrome_tops(body: LexborNode) -> list[LexborNode]:
    """The chrome elements of the body that are not inside another one."""
    tops: list[LexborNode] = []
    for node in body.css(", ".join(_CHROME)):
        parent = node.parent
        while parent is not None and parent.tag not in _CHROME_TAGS:
            parent = parent.parent
        if parent is None:
            tops.append(node)
    return tops


def _tokens(node: LexborNode) -> tuple[int, int]:
    """(characters in words, words) of a node's text."""
    words = node.text(separator=" ").split()
    return sum(map(len, words)), len(words)


def content_length(tree: LexborHTMLParser) -> int:
    """The length of the text of the page's body outside its chrome,
    whitespace runs counted once (the tree is left as it is)."""
    body = tree.body
    if body is None:
        return 0
    chars, words = _tokens(body)
    for node in _chrome_tops(body):
        c, w = _tokens(node)
        chars, words = chars - c, words - w
    return chars + max(words - 1, 0)


def rendered_content(tree: LexborHTMLParser) -> list[Line]:
    """The body outside its chrome, rendered to lines as a site body is (the
    chrome is removed from the tree)."""
    if tree.body is None:
        return []
    tree.strip_tags(_CHROME)
    return render_lines(tree.body)
