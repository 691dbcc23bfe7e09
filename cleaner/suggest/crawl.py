"""The crawl: pages of one site read and decoded, the site they are of, and
an even sample of a large crawl."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from selectolax.lexbor import LexborHTMLParser

from .. import html as H
from ..io import decode
from ..sites import folder_domain, host_of
from ..page import Line, Page
from ..phases.duplicates import without_scrape_duplicates
from ..sources import iter_pages, load
from ..text import split_lines


@dataclass
class CrawlPage:
    """One page of the crawl and the lines the site's text rules would see."""

    id: str
    kind: str  # "text" or "html"
    url: str | None = None
    raw_lines: list[Line] = field(default_factory=list)  # text pages: input of the text phases
    html: str | None = None  # HTML pages: the decoded page
    lines: list[Line] = field(default_factory=list)  # text: after the duplicate phase; html: rendered body

    @property
    def texts(self) -> list[str]:
        return [ln.text for ln in self.lines]


def load_crawl(folder: Path | str) -> list[CrawlPage]:
    """Every page of a folder tree (or export) of one site, read and decoded."""
    pages = []
    for page in iter_pages([str(folder)]):
        page = load(page)
        if page.error or not page.data:
            continue
        found = crawl_page(page)
        if found is not None:
            pages.append(found)
    return pages


def crawl_page(page: Page) -> CrawlPage | None:
    """A loaded source page as a crawl page; None for a text page that does not decode."""
    data = page.data
    if (page.kind or H.sniff_kind(data)) == "html":
        text = H.decode_html(data, page.source) if isinstance(data, bytes) else data
        return CrawlPage(page.id, "html", page.url, html=text)
    try:
        text = decode(data, page.source) if isinstance(data, bytes) else data
    except Exception:  # noqa: BLE001 - an unreadable page is left out of the evidence
        return None
    raw = split_lines(text)
    return CrawlPage(page.id, "text", page.url, raw_lines=raw, lines=without_scrape_duplicates(raw))


def site_of(folder: Path, pages: list[CrawlPage]) -> str | None:
    """The site a crawl is of: the folder's name if it is named like a domain,
    else the most common host of the pages' URLs (export records, canonical links)."""
    name = folder_domain(PurePosixPath(folder.resolve().name) / "x") if folder.is_dir() else None
    if name:
        return name
    hosts = Counter()
    for p in pages:
        url = p.url
        if url is None and p.html:
            url = H.page_url(LexborHTMLParser(p.html))
        if url and host_of(url):
            hosts[host_of(url)] += 1
    return hosts.most_common(1)[0][0] if hosts else None


def sample(pages: list[CrawlPage], limit: int) -> list[CrawlPage]:
    """At most `limit` pages, evenly spread over the crawl (in its stable order)."""
    if limit <= 0 or len(pages) <= limit:
        return pages
    step = len(pages) / limit
    return [pages[int(i * step)] for i in range(limit)]
