"""The one generic fallback for pages without a site body: trafilatura.

Its options are fixed here, in one place. It runs on the page after the
generic (and site) node rules have pruned it, so captions, related-article
boxes and social prompts that trafilatura would keep are already gone.
"""

from __future__ import annotations

import trafilatura

from .text import Line, split_lines

#: trafilatura options, fixed: text only, no comments, tables kept (they can
#: be article data), its own fallbacks off for speed (the pruning done before
#: it does their job), no deduplication across calls (that state is global).
TRAFILATURA_OPTIONS = dict(
    output_format="txt",
    include_comments=False,
    include_tables=True,
    include_images=False,
    include_links=False,
    include_formatting=False,
    with_metadata=False,
    deduplicate=False,
    fast=True,
)


def extract_lines(html: str, url: str | None = None) -> list[Line]:
    """Article lines found by trafilatura ([] when it finds none)."""
    text = trafilatura.extract(html, url=url, **TRAFILATURA_OPTIONS)
    return split_lines(text or "")
