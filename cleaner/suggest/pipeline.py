"""The suggester's steps in order: sample the crawl, mine node rules, render
the HTML pages, mine text candidates, check each against the rules accepted
before it, number the rules and check the whole draft."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

from ..rules import SHIPPED_RULES, Rule, RuleFile, load_rules
from .common import page_trigrams
from .crawl import CrawlPage, load_crawl, sample, site_of
from .datelines import datelines
from .draft import rule_order
from .endings import end_marks, trailing_markers
from .evaluate import Evaluator
from .html_rules import html_layouts, render_html_pages
from .model import Candidate, Rejected, SuggestedRule, SuggestError, Suggestion
from .repeated import repeated_lines
from .shapes import inline_promos, line_shapes
from .validate import body_lines, finish, validate_draft

#: Default share of the crawl's pages a repeated line / shape must be seen on.
MIN_SHARE = 0.2
#: ... and never fewer pages than this (a crawl of fewer pages needs all of them).
MIN_PAGES = 3
#: Larger crawls are sampled down to this many pages (evenly spread).
MAX_PAGES = 500


def suggest(
    folder: Path | str,
    *,
    site: str | None = None,
    rules_dirs: Sequence[Path | str] = (),
    shipped: bool = True,
    min_share: float = MIN_SHARE,
    min_pages: int = MIN_PAGES,
    id_prefix: str | None = None,
) -> Suggestion:
    """Draft a site rule file from a folder (or export) of that site's pages.

    The generic rules the draft runs under are the global rules of the shipped
    folder and `rules_dirs` (as `--rules`); raises SuggestError or RuleError.
    """
    folder = Path(folder)
    if not folder.exists():
        raise SuggestError(f"{folder}: no such file or folder")
    pages = load_crawl(folder)
    if not pages:
        raise SuggestError(f"{folder}: no pages (.txt/.html files or export records) found", 3)
    site = site or site_of(folder, pages)
    if not site:
        raise SuggestError(f"{folder}: cannot tell the site (name the folder after its domain or pass --site)")
    folders = ((SHIPPED_RULES,) if shipped else ()) + tuple(Path(d) for d in rules_dirs)
    generic = load_rules(*folders).global_rules
    suggestion = suggest_pages(pages, site.lower(), generic=generic, min_share=min_share, min_pages=min_pages,
                               id_prefix=id_prefix, source=str(folder))
    suggestion.rules_folders = folders
    return suggestion


def suggest_pages(
    pages: list[CrawlPage],
    site: str,
    *,
    generic: RuleFile | None = None,
    min_share: float = MIN_SHARE,
    min_pages: int = MIN_PAGES,
    max_pages: int = MAX_PAGES,
    id_prefix: str | None = None,
    source: str = "",
) -> Suggestion:
    """Draft the rules of `site` from its crawled pages (see the package doc).

    `generic` is the global rule file the draft will run under (default: the
    shipped one); a repeated line or shape must be seen on `min_share` of the
    pages and on `min_pages` at least; crawls larger than `max_pages` are
    sampled evenly.
    """
    if not pages:
        raise SuggestError("no pages to learn from", 3)
    total = len(pages)
    pages = sample(pages, max_pages)
    generic = generic if generic is not None else load_rules(SHIPPED_RULES).global_rules
    prefix = id_prefix or _id_prefix(site)
    rejected: list[Rejected] = []
    layouts = html_layouts(pages, generic, prefix, min_share, rejected)
    render_html_pages(pages, generic, layouts)  # the text miners read the HTML pages' rendered lines
    usable = [p for p in pages if p.lines]
    if not usable:
        raise SuggestError("no page has any text to learn from", 3)
    need = _threshold(len(usable), min_share, min_pages)
    evaluator = Evaluator(generic, usable)
    cands, signature = _text_candidates(usable, evaluator, need, site, rejected)
    # a rule found on rendered HTML lines runs on them, one found on scraped texts on those
    inputs = sorted({p.kind for p in usable})
    for cand in cands:
        if inputs != ["text"]:
            cand.extra["inputs"] = inputs
    rules = _accept_in_order(cands, usable, evaluator, prefix, rejected)
    suggestion = Suggestion(site, len(pages), sum(p.kind == "text" for p in pages), sum(p.kind == "html" for p in pages),
                            rules, rejected, signature, source, need=need, total=total, layouts=layouts,
                            rules_folders=(SHIPPED_RULES,))
    _renumber(suggestion, prefix)
    validate_draft(suggestion)
    return suggestion


def _text_candidates(pages: list[CrawlPage], evaluator: Evaluator, need: int, site: str,
                     rejected: list[Rejected]) -> tuple[list[Candidate], str | None]:
    """Every text candidate, in the order they are checked: whole lines first,
    so the shapes and pieces are measured on what those leave; the dateline's
    text signature with them."""
    repeated, template = repeated_lines(pages, need, rejected)
    shapes = line_shapes(pages, need, template, rejected)
    dates, signature = datelines(pages, evaluator, need, site)
    trailing = trailing_markers(pages, need, template)
    ends = end_marks(pages, template, trailing, rejected)
    promos = inline_promos(pages, need)
    return [*repeated, *shapes, *trailing, *ends, *promos, *dates], signature


def _accept_in_order(cands: list[Candidate], pages: list[CrawlPage], evaluator: Evaluator, prefix: str,
                     rejected: list[Rejected]) -> list[SuggestedRule]:
    """Each candidate checked with the rules accepted before it running first:
    what an earlier rule already removes does not count for a later one."""
    body = body_lines(pages)
    page_grams = {p.id: page_trigrams(p.texts) for p in pages}
    accepted: list[Rule] = []
    rules: list[SuggestedRule] = []
    for n, cand in enumerate(cands, 1):
        done = finish(cand, f"{prefix}-C{n:02d}", body, evaluator, accepted, rejected, page_grams)
        if done is not None:
            rules.append(done[0])
            accepted.append(done[1])
    return rules


def _threshold(n_pages: int, min_share: float, min_pages: int) -> int:
    """Pages a repeated line or shape must be seen on: the share, at least min_pages (all of a small crawl), at least 2."""
    return max(min(min_pages, n_pages), math.ceil(min_share * n_pages), 2 if n_pages >= 2 else 1)


def _id_prefix(site: str) -> str:
    """'SUG-BISNIS' for bisnis.com: ids stay unique when drafts of several sites share a folder."""
    label = re.sub(r"[^A-Za-z0-9]", "", site.split(".")[0]).upper()
    return f"SUG-{label[:16] or 'SITE'}"


def _renumber(suggestion: Suggestion, prefix: str) -> None:
    """Ids in the order the draft lists the rules: text T01.., layouts L01.., their drops H01.. ."""
    order = {key: i for i, key in enumerate(rule_order())}
    suggestion.rules.sort(key=lambda r: order[(r.mode, r.kind)])
    for n, r in enumerate(suggestion.rules, 1):
        r.table["id"] = f"{prefix}-T{n:02d}"
    drops = [d for layout in suggestion.layouts for d in layout.drops]
    for n, d in enumerate(drops, 1):
        d.table["id"] = f"{prefix}-H{n:02d}"
