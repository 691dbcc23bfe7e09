"""Templates learned from the batch (`cleaner clean --learn`).

Many pages of one site in one batch share its template: what repeats across
them (nodes by their place in the page, whole lines, dateline and promo
shapes) is boilerplate, what varies is the article. A first pass groups the
batch's pages by site, keeps an even sample of each site's pages, and runs
the suggester (cleaner/suggest/) on each group of at least `min_pages`
pages. What it finds is written as ordinary rule files under
`<folder>/sites/<domain>.toml` (ids `AUTO-<SITE>-...`, every `why` naming
its support, the evidence in comments, each layout's sample page saved
under `<folder>/samples/<domain>/` with the output the learned rules give it
as its gold: a regression sample, not a hand label). The second pass cleans
with them: `Cleaner(learned=[folder])`.

Only sites the cleaner has no rule file for are learned (with site rules on,
a shipped or user file knows the site better); with `site_rules=False`
every site is. Pages whose site cannot be told (no URL, no site folder, no
signature) are cleaned as usual but not learned from: a learned file is
found by its domain.

The same batch gives the same files: the sample is the pages with the
smallest hashes of their ids (not the first ones read), read in id order,
and the suggester is deterministic. The folder is replaced whole, so a site
that is no longer in the batch loses its learned file.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import html as H
from .api import Cleaner
from .page import HTML, Page
from .sources import load
from .suggest import SuggestError, suggest_pages, write_draft
from .suggest.crawl import crawl_page

#: Where a batch's learned rules go: OUT/.cleaner-learned for a .txt tree,
#: OUT.learned beside a JSONL output.
LEARNED_FOLDER = ".cleaner-learned"
#: Pages a site needs in the batch to be learned from. Measured with
#: benchmarks/learn.py (learn from k pages of the tribunnews pool, score the
#: 11 labelled tribunnews pages, site rules off, 5 draws of k): mean token F1
#: 0.979 at k=2-6, 0.983 at 8, 0.984 at 12, 0.991 at 24, 0.996 at 32, 0.999
#: at 47, against 0.974 for the generic path alone; no draw was below the
#: generic path. 8 is where the gain first reaches about a point of F1; below
#: it a "repeated" line is one seen on two or three pages, which two parts of
#: one serial story can share, so smaller groups are not learned from.
MIN_PAGES = 8
#: Pages of one site kept for learning (an even sample of a larger group).
#: The same measurement still gains from 32 to 47 pages (0.996 -> 0.999), the
#: most it could try. Learning holds a site's sample parsed at once (about
#: 2 MB a page: the batch's parent process peaked at 153 MB learning 47
#: tribunnews pages against 57 MB without) and costs about 12 ms a page, so
#: 100 pages bound it to about 250 MB and a second or two per site.
PAGES_PER_SITE = 100
#: Share of a site's pages a repeated line or node must be on: measured on
#: all 47 pool pages, 0.1 and 0.2 give 0.999 token F1, 0.3 and 0.5 0.984
#: (the site's promo and caption nodes are on a quarter to a third of its
#: pages). The suggester's own default, 0.2, is kept.
MIN_SHARE = 0.2


@dataclass(frozen=True)
class Learned:
    """What the learning pass did for one site."""

    site: str
    pages: int  # pages of the site in the batch
    used: int  # pages learned from (an even sample of them)
    layouts: int = 0
    rules: int = 0  # text rules and node drops
    file: Path | None = None  # the learned rule file (None: nothing learned)
    reason: str = ""  # why nothing was learned

    @property
    def too_small(self) -> bool:
        """Not learned because the site had too few pages in the batch."""
        return self.file is None and self.used == 0

    def describe(self) -> str:
        if self.file is None:
            return f"{self.site}: not learned ({self.reason})"
        return f"{self.site}: {self.layouts} layout(s) and {self.rules} rule(s) learned from {self.used} of {self.pages} pages"


def learned_folder(output: Path, jsonl: bool) -> Path:
    """The learned rules folder of a batch writing to `output`."""
    return output.with_name(output.name + ".learned") if jsonl else output / LEARNED_FOLDER


def learn_batch(pages: Iterable[Page], cleaner: Cleaner, folder: Path, *, min_pages: int = MIN_PAGES,
                per_site: int = PAGES_PER_SITE, min_share: float = MIN_SHARE) -> list[Learned]:
    """Learn each site's template from the batch's pages into `folder` (see
    the module doc); one Learned per site seen, in site order."""
    with tempfile.TemporaryDirectory(prefix="cleaner-learn-") as spill:
        sample = _SiteSample(cleaner, Path(spill), per_site)
        for page in pages:
            sample.add(page)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=_existing_parent(folder)))
        try:
            results = [_learn_site(site, sample.pages(site), sample.seen[site], cleaner, staging, min_pages, min_share)
                       for site in sorted(sample.seen)]
            _replace_folder(folder, staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return results


class _SiteSample:
    """The pages kept per site: the `per_site` pages with the smallest id
    hashes (a uniform sample whatever the input order). Pages that came with
    their content (export records) are spilled to a temporary folder, so
    memory stays flat."""

    def __init__(self, cleaner: Cleaner, spill: Path, per_site: int):
        self.cleaner, self.spill, self.per_site = cleaner, spill, per_site
        self.seen: Counter[str] = Counter()
        self._kept: dict[str, list[tuple[int, int, Page]]] = {}  # site -> max-heap of (-hash, n, page)
        self._n = 0

    def add(self, page: Page) -> None:
        if page.error:
            return
        site, page = self._site(page)
        if site is None or not self._learnable(site):
            return
        self.seen[site] += 1
        key = int.from_bytes(hashlib.blake2b((page.id or page.source).encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")
        heap = self._kept.setdefault(site, [])
        if len(heap) == self.per_site and -heap[0][0] <= key:
            return
        self._n += 1
        entry = (-key, self._n, self._spilled(page))
        if len(heap) < self.per_site:
            heapq.heappush(heap, entry)
        else:
            dropped = heapq.heapreplace(heap, entry)[2]
            if dropped.file is not None and dropped.file.parent == self.spill:
                dropped.file.unlink(missing_ok=True)

    def pages(self, site: str) -> list[Page]:
        return sorted((p for _, _, p in self._kept.get(site, [])), key=lambda p: p.id or p.source)

    def _site(self, page: Page) -> tuple[str | None, Page]:
        """The page's site: from the option, URL or folder, else (the page read) its canonical URL or signature."""
        match = self.cleaner.detect(site=page.site, url=page.url, path=page.relpath)
        if match.site is not None:
            return match.site, page
        page = load(page)
        if page.error or not page.data:
            return None, page
        data = page.data
        if page.kind == HTML:
            url = H.page_url(H.parse_html(data if isinstance(data, str) else H.decode_html(data, page.source)))
            return self.cleaner.detect(url=url).site if url else None, page
        text = data if isinstance(data, str) else data[:2048].decode("utf-8", "replace")
        return self.cleaner.detect(text=text).site, page

    def _learnable(self, site: str) -> bool:
        """Learned unless a rule file of the cleaner's own covers the site."""
        return not (self.cleaner.site_rules and site in self.cleaner.rules.sites
                    and site not in self.cleaner.learned_sites)

    def _spilled(self, page: Page) -> Page:
        if page.data is None:
            return page  # a file, read when learned from
        path = self.spill / f"{self._n}"
        path.write_bytes(page.data.encode("utf-8", "surrogatepass") if isinstance(page.data, str) else page.data)
        return page.replace(data=None, file=path)


def _learn_site(site: str, pages: list[Page], seen: int, cleaner: Cleaner, root: Path, min_pages: int,
                min_share: float) -> Learned:
    if seen < min_pages:
        return Learned(site, seen, 0, reason=f"{seen} page(s) in the batch, {min_pages} needed")
    crawl = [c for p in pages if (c := crawl_page(load(p))) is not None]
    try:
        suggestion = suggest_pages(crawl, site, generic=cleaner.rules.global_rules, min_share=min_share,
                                   id_prefix=f"AUTO-{_label(site)}", source="the batch")
    except SuggestError as exc:
        return Learned(site, seen, len(crawl), reason=str(exc))
    rules = len(suggestion.rules) + sum(len(layout.drops) for layout in suggestion.layouts)
    if not rules and not suggestion.layouts:
        return Learned(site, seen, len(crawl), reason="nothing repeats across its pages")
    suggestion.rules_folders, suggestion.made_by = cleaner.rules.folders, "`cleaner clean --learn`"
    path = root / "sites" / f"{site}.toml"
    write_draft(suggestion, path)
    return Learned(site, seen, len(crawl), len(suggestion.layouts), rules, path)


def _label(site: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", site.split(".")[0]).upper()[:16] or "SITE"


def _existing_parent(folder: Path) -> Path:
    folder.parent.mkdir(parents=True, exist_ok=True)
    return folder.parent


def _replace_folder(folder: Path, staging: Path) -> None:
    """Put the staging folder in the learned folder's place (the old one removed whole)."""
    if folder.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=folder.parent))
        folder.rename(old / folder.name)
        shutil.rmtree(old, ignore_errors=True)
    staging.rename(folder)
