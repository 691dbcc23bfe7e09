"""Peer systems for the text-mode benchmarks.

Each adapter takes a scraped text (one paragraph per line) and returns the
cleaned text (one kept paragraph per line, no trailing newline).

- ``noop``: do-nothing baseline, returns the input unchanged.
- ``justext_text``: jusText (pip package ``justext``) run on the plain text
  wrapped as a minimal HTML document, one ``<p>`` per non-empty line.

jusText 3.x imports ``lxml.html.clean``, which lxml >= 5.2 ships as a separate
package (``lxml_html_clean``). Both come with the ``bench`` extra:
``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import html
from functools import lru_cache

__all__ = ["noop", "justext_text", "justext_stoplist_name", "PEERS"]

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


@lru_cache(maxsize=1)
def _justext_stoplist() -> frozenset:
    # Loaded once and cached, so the speed benchmark does not time file reads
    # of the stoplist for every document.
    import justext

    return justext.get_stoplist(justext_stoplist_name())


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
