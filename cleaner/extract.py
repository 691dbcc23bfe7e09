"""The one generic fallback for pages without a site body: trafilatura.

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
"""

from __future__ import annotations

import trafilatura
from selectolax.lexbor import LexborHTMLParser

from .text import Line, split_lines

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

#: Elements that never hold article text: removed before trafilatura parses
#: the page (it would drop them too, after parsing them: scripts and inline
#: styles are often half of a page's bytes).
_NEVER_TEXT = ["script", "style", "noscript", "template", "svg"]
#: The page chrome (menus, site header and footer, sidebars), left out of the
#: content text only: its size varies with the site, not with the article.
_CHROME = ["nav", "header", "footer", "aside"]


def prepare(html: str) -> tuple[str, int]:
    """The page without the elements that never hold text, and the length of
    its content text: the body's text outside the chrome, whitespace runs
    counted once."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(_NEVER_TEXT)
    slim = tree.html or ""
    if tree.body is None:
        return slim, 0
    tree.strip_tags(_CHROME)
    return slim, len(" ".join(tree.body.text(separator=" ").split()))


def extract_text(html: str, url: str | None = None) -> str:
    """The article text trafilatura finds, fast pass first (see the module doc)."""
    html, content_length = prepare(html)
    text = trafilatura.extract(html, url=url, fast=True, **TRAFILATURA_OPTIONS) or ""
    if len(text) < RETRY_SHARE * content_length:
        full = trafilatura.extract(html, url=url, fast=False, **TRAFILATURA_OPTIONS) or ""
        if len(full) > len(text):
            return full
    return text


def extract_lines(html: str, url: str | None = None) -> list[Line]:
    """Article lines found by trafilatura ([] when it finds none)."""
    return split_lines(extract_text(html, url))
