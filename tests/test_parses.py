"""A page is parsed once: one lexbor tree for the site rules, the body and
the generic extractor; on the generic path one lxml tree more, built from
that one, because trafilatura's XPath expressions need lxml (extract.py)."""

from collections import Counter

import pytest
import trafilatura.utils

import cleaner.html
from conftest import LAYOUT_SAMPLES

SITE_PAGE = LAYOUT_SAMPLES / "tribunnews.com" / "techno-artikel_154.html"
# A page of no known site: the generic extractor cleans it.
GENERIC_PAGE = (
    "<html><head><title>Harbour reopens</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
    "<article><h1>Harbour reopens after the storm</h1>"
    + "".join(f"<p>The harbour reopened on day {i} after crews cleared the wreckage from the channel.</p>" for i in range(8))
    + "</article><footer>Copyright 2026 Example News</footer></body></html>"
)


@pytest.fixture
def parses(monkeypatch):
    """Counts of whole-page parses by parser, once the page is cleaned."""
    counts: Counter[str] = Counter()

    def counting(name, parse):
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return parse(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(cleaner.html, "LexborHTMLParser", counting("lexbor", cleaner.html.LexborHTMLParser))
    monkeypatch.setattr(trafilatura.utils, "fromstring", counting("lxml", trafilatura.utils.fromstring))
    monkeypatch.setattr(trafilatura.utils, "fromstring_bytes", counting("lxml", trafilatura.utils.fromstring_bytes))
    return counts


def test_site_page_is_parsed_once(cleaner, parses):
    cleaner.clean_page(SITE_PAGE.read_bytes(), path="tribunnews.com/warm-up.html")  # rules compiled, caches warm
    parses.clear()
    result = cleaner.clean_page(SITE_PAGE.read_bytes(), path="tribunnews.com/page.html")
    assert result.extractor == "site-body"
    assert parses == {"lexbor": 1}


def test_generic_page_is_parsed_once_plus_one_tree_for_trafilatura(cleaner, parses):
    cleaner.clean_page(GENERIC_PAGE, path="warm-up.html")
    parses.clear()
    result = cleaner.clean_page(GENERIC_PAGE, path="page.html")
    assert result.extractor == "generic"
    assert "on day 7" in result.text and "Copyright" not in result.text
    assert parses == {"lexbor": 1, "lxml": 1}
