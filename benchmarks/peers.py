"""Peer systems for the text-mode and HTML-mode benchmarks.

Text mode: each adapter takes a scraped text (one paragraph per line) and
returns the cleaned text (one kept paragraph per line, no trailing newline).

- ``noop``: do-nothing baseline, returns the input unchanged.
- ``justext_text``: jusText (pip package ``justext``) run on the plain text
  wrapped as a minimal HTML document, one ``<p>`` per non-empty line.

HTML mode: each adapter takes the saved page as bytes (``page``) and the page
URL or None (``url``), and returns the extracted text, one block per line.
Every peer runs with its **default options** and decodes the bytes itself, as
a user calling it on a downloaded page would.

- ``trafilatura_html``: ``trafilatura.extract(page, url=url, output_format="txt")``.
- ``trafilatura_precision_html``: the same with ``favor_precision=True``, its
  documented switch for pages where boilerplate leaks.
- ``readability_html``: readability-lxml's ``Document(page, url=url).summary()``,
  the summary HTML rendered to lines by the cleaner's own block renderer.
- ``justext_html(language)``: jusText on the page with the named stoplist.
- ``resiliparse_html``: Resiliparse's ``extract_plain_text(tree, main_content=True)``.

jusText 3.x imports ``lxml.html.clean``, which lxml >= 5.2 ships as a separate
package (``lxml_html_clean``). All of these come with the ``bench`` extra:
``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import html
from functools import lru_cache

__all__ = [
    "noop",
    "justext_text",
    "justext_stoplist_name",
    "PEERS",
    "trafilatura_html",
    "trafilatura_precision_html",
    "readability_html",
    "justext_html",
    "resiliparse_html",
    "HTML_PEERS",
    "HTML_PEER_MODULES",
]

# jusText ships a stoplist named "Indonesian". If a jusText build ever lacks it,
# fall back to "Malay" (Bahasa Melayu shares most function words with Bahasa
# Indonesia: yang, dan, di, dengan, untuk, ...). An empty stoplist is never
# used: with it every paragraph has stopword density 0 and jusText would
# classify everything as boilerplate.
_STOPLIST_PREFERENCE = ("Indonesian", "Malay")


def noop(text: str) -> str:
    """Do-nothing baseline: the input, unchanged."""
    return text


@lru_cache(maxsize=1)
def justext_stoplist_name() -> str:
    import justext

    available = justext.get_stoplists()
    for name in _STOPLIST_PREFERENCE:
        if name in available:
            return name
    raise RuntimeError(
        f"jusText has none of the stoplists {_STOPLIST_PREFERENCE}; "
        "cannot run the jusText peer"
    )


@lru_cache(maxsize=None)
def _justext_stoplist(language: str | None = None) -> frozenset:
    # Loaded once per language and cached, so the speed benchmarks do not time
    # file reads of the stoplist for every document. None = the text-mode
    # choice (Indonesian, see _STOPLIST_PREFERENCE).
    import justext

    return justext.get_stoplist(language or justext_stoplist_name())


def _as_html(text: str) -> bytes:
    paras = [
        "<p>" + html.escape(line.strip(), quote=False) + "</p>"
        for line in text.splitlines()
        if line.strip()
    ]
    doc = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title></title></head>'
        "<body>\n" + "\n".join(paras) + "\n</body></html>"
    )
    return doc.encode("utf-8")


def justext_text(text: str) -> str:
    """jusText on plain text, with jusText's default parameters.

    Defaults (jusText 3.0): length_low=70, length_high=200,
    stopwords_low=0.30, stopwords_high=0.32, max_link_density=0.2,
    max_heading_distance=200, no_headings=False. Only the stoplist is chosen
    (Indonesian; see ``_STOPLIST_PREFERENCE``). Paragraphs that jusText does
    not mark as boilerplate (i.e. final class "good") are kept, in order.
    """
    import justext

    if not text.strip():
        return ""
    paragraphs = justext.justext(_as_html(text), _justext_stoplist())
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


PEERS = {
    "noop": noop,
    "justext": justext_text,
}


# --- HTML mode ---------------------------------------------------------------


def trafilatura_html(page: bytes | str, url: str | None = None) -> str:
    """Plain trafilatura with its DEFAULT options, only the output format named.

    Defaults (trafilatura 2.x): fast=False (its readability/jusText fallbacks
    run), favor_precision=False, favor_recall=False, include_comments=True
    (reader comments are appended to the text), include_tables=True,
    include_images=False, include_links=False, include_formatting=False,
    deduplicate=False. The cleaner's generic path calls the same library with
    its own fixed options instead (cleaner/extract.py: no comments, a fast pass
    retried in full when it looks short),
    after its generic node rules have pruned the page.
    """
    import trafilatura

    return trafilatura.extract(page, url=url, output_format="txt") or ""


def trafilatura_precision_html(page: bytes | str, url: str | None = None) -> str:
    """trafilatura with ``favor_precision=True``, every other option at its
    default (as ``trafilatura_html``): the switch trafilatura documents for
    pages where it keeps too much (stricter pruning of link-dense and
    boilerplate sections; the fallbacks still run, fast=False)."""
    import trafilatura

    return trafilatura.extract(page, url=url, output_format="txt", favor_precision=True) or ""


def readability_html(page: bytes | str, url: str | None = None) -> str:
    """readability-lxml (default options): ``Document(page, url=url).summary()``.

    The summary is an HTML fragment; it is parsed with selectolax and rendered
    to lines by the cleaner's own block renderer (``cleaner.html.render_lines``:
    one line per <p>, heading, list item, <br>-separated run; inline tags
    joined), so line splitting is the same as for the cleaner. The title is
    not added (the gold files have no headline either).

    readability-lxml decodes bytes itself (meta charset, then chardet);
    0.8.4.1 raised on bytes, hence ``readability-lxml>=0.9`` in the extra.
    """
    from readability import Document
    from selectolax.lexbor import LexborHTMLParser

    from cleaner.html import render_lines

    summary = Document(page, url=url).summary()
    tree = LexborHTMLParser(summary)
    root = tree.body if tree.body is not None else tree.root
    if root is None:
        return ""
    return "\n".join(line.text for line in render_lines(root))


def justext_html(language: str):
    """jusText on the HTML page, default parameters, the named stoplist.

    Returns ``fn(page, url=None)``: paragraphs not marked boilerplate, in
    order, one per line. jusText has no URL input; it decodes bytes itself
    (meta charset, then UTF-8). Call ``_justext_stoplist(language)`` before
    timing so the stoplist file read is not measured.
    """

    def justext_page(page: bytes | str, url: str | None = None) -> str:
        import justext

        paragraphs = justext.justext(page, _justext_stoplist(language))
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    justext_page.__name__ = f"justext_html_{language.lower()}"
    return justext_page


def resiliparse_html(page: bytes | str, url: str | None = None) -> str:
    """Resiliparse main-content extraction with its default options.

    ``extract_plain_text(HTMLTree.parse(html), main_content=True)``; the other
    options keep their defaults: preserve_formatting=True (one block per
    line), list_bullets=True (list items start with "• "), alt_texts=True (image
    alt texts are kept), links/form_fields/noscript/comments=False. Bytes are
    decoded the Resiliparse way: ``bytes_to_str(page, detect_encoding(page))``.
    No URL input.
    """
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding
    from resiliparse.parse.html import HTMLTree

    if isinstance(page, bytes):
        page = bytes_to_str(page, detect_encoding(page))
    text = extract_plain_text(HTMLTree.parse(page), main_content=True)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


#: HTML peers by benchmark name; jusText's entry is built per stoplist language.
HTML_PEERS = {
    "trafilatura": trafilatura_html,
    "trafilatura-precision": trafilatura_precision_html,
    "readability": readability_html,
    "justext": justext_html,
    "resiliparse": resiliparse_html,
}
#: The module each HTML peer imports (to skip a peer that is not installed).
HTML_PEER_MODULES = {
    "trafilatura": "trafilatura",
    "trafilatura-precision": "trafilatura",
    "readability": "readability",
    "justext": "justext",
    "resiliparse": "resiliparse.extract.html2text",
}
