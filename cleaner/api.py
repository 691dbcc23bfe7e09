"""The public API: a reusable `Cleaner`, the one-call `clean()` and the
lazy `clean_many()`.

A Cleaner compiles its rules once. `Cleaner.run(Page) -> PageOutcome` is the
engine: the page is decoded once, its kind decided once, an HTML page parsed
once into the one tree the HTML stage works on; the text phases then run on
its lines. The other methods are conveniences over `run`.

A Cleaner is safe to share between threads (cleaning keeps no state between
pages; the per-site rule lists it caches are built idempotently) and it
pickles small (a worker process reloads the same rule folders), so it can be
shipped to process pools and distributed engines.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePath

from . import html as H
from .html_stage import run_html_stage
from .io import InputError, decode
from .layouts import Layout
from .metadata import page_metadata
from .page import ERROR, GENERIC_LAYOUT, HTML, TEXT, TEXT_LINES, Page, PageOutcome, Trace, failed
from .phases import Rule
from .rules import SHIPPED_RULES, RuleFile, RuleSet, by_phase, load_rules
from .sites import SiteMatch, detect_site
from .text import TextRun, run_text_phases, split_lines
from .workers import DEFAULT_PAGE_TIMEOUT, PageTimeout, page_time_limit

#: The public name of a page's outcome.
CleanResult = PageOutcome


class PageTimeoutError(TimeoutError):
    """A page took longer than the Cleaner's page_timeout; the message names it."""


class Cleaner:
    """Rules loaded and compiled once; cleaning is then cheap and thread-safe.

    `rules_dirs` are user folders that override or extend the shipped rules
    (a site file there replaces the shipped file of the same domain). With
    `site_rules=False` only the generic rules run (sites are still detected
    and reported): to measure the generic path, or to clean a site whose
    rule file is known to be stale. `learned` are folders of rules learned
    from a batch (learn.py), loaded last; their site files are used even with
    `site_rules=False`. `metadata=False` skips reading an HTML page's title,
    date and the rest (metadata.py; about 0.3 ms a page). `page_timeout`: seconds one page may take in
    `clean_page` and the conveniences over it (PageTimeoutError after that;
    None: no limit). It is enforced with an alarm, which only the main
    thread receives: in other threads pages run unbounded (the rules are
    checked at load so that none can run away: backtracking.py, and
    phases/base.py for CSS).
    """

    def __init__(self, rules_dirs: Sequence[Path | str] = (), *, shipped: bool = True, site_rules: bool = True,
                 learned: Sequence[Path | str] = (), page_timeout: float | None = DEFAULT_PAGE_TIMEOUT,
                 metadata: bool = True):
        self.rules_dirs = tuple(Path(d) for d in rules_dirs)
        self.learned_dirs = tuple(Path(d) for d in learned)
        self.site_rules = site_rules
        self.metadata = metadata
        if page_timeout is not None and not (math.isfinite(page_timeout) and page_timeout > 0):
            raise ValueError(f"page_timeout must be a positive finite number of seconds or None, not {page_timeout!r}")
        self.page_timeout = page_timeout
        folders = ((SHIPPED_RULES,) if shipped else ()) + self.rules_dirs + self.learned_dirs
        self._load(folders)

    def _load(self, folders: tuple[Path, ...]) -> None:
        self.rules: RuleSet = load_rules(*folders)
        # sites whose file came from a learned folder: used even with site_rules=False (learn.py)
        self.learned_sites = frozenset(
            site for site, rf in self.rules.sites.items() if any(rf.path.is_relative_to(d) for d in self.learned_dirs))
        self._text_rules: dict[tuple[str | None, str, str | None], dict[str, list[Rule]]] = {}

    def fingerprint(self) -> str:
        """Changes whenever the loaded rules, the options that choose them or
        the package version change: a batch redoes pages cleaned under other rules."""
        digest = hashlib.blake2b(digest_size=8)
        try:
            digest.update(version("cleaner").encode())
        except PackageNotFoundError:
            pass
        digest.update(f"site_rules={self.site_rules};metadata={self.metadata};".encode())
        for rf in self.rules.all_files():
            digest.update(f"{rf.path.name}:{rf.digest};".encode())
        return digest.hexdigest()

    def __reduce__(self):
        # Compiled regexes pickle fine, but reloading keeps pickles small and
        # lets worker processes rebuild the exact same rule set.
        return (_rebuild, (self.rules.folders, self.site_rules, self.rules_dirs, self.learned_dirs, self.page_timeout,
                           self.metadata))

    def site_file(self, site: str | None) -> RuleFile | None:
        """The rule file whose rules run on pages of `site` (with site_rules=False, a learned one only)."""
        if not site or (not self.site_rules and site not in self.learned_sites):
            return None
        return self.rules.sites.get(site)

    def layouts_for(self, site: str | None) -> tuple[Layout, ...]:
        """The site's layouts, tried in file order on its HTML pages."""
        site_file = self.site_file(site)
        return site_file.layouts if site_file is not None else ()

    def html_rules(self) -> dict[str, list[Rule]]:
        """The global node rules, by phase: they run on every HTML page."""
        return self.rules.global_rules.html

    def text_rules(self, site: str | None, kind: str = TEXT, layout: Layout | None = None) -> dict[str, list[Rule]]:
        """The text rules, by phase, for lines of `kind` ("text": a scraped
        text, "html": an HTML page's rendered lines) of a page of `site`: the
        recognised layout's first, then the site file's, then the global
        ones, each kept only if it runs on that kind of lines."""
        key = (site, kind, layout.id if layout else None)
        if key not in self._text_rules:
            site_file = self.site_file(site)
            groups = [layout.text.values()] if layout is not None else []
            groups += [site_file.text.values()] if site_file is not None else []
            groups.append(self.rules.global_rules.text.values())
            rules = [r for group in groups for by_kind in group for r in by_kind if r.runs_on(kind)]
            self._text_rules[key] = by_phase("text", rules)
        return self._text_rules[key]

    def phases_for(self, site: str | None) -> dict[str, list[Rule]]:
        """Text rules per phase for a scraped text of a site (see text_rules)."""
        return self.text_rules(site, TEXT)

    def detect(self, *, site=None, url=None, path=None, text=None) -> SiteMatch:
        return detect_site(self.rules, site=site, url=url, path=path, text=text)

    # -- the engine --------------------------------------------------------------

    def run(self, page: Page, *, trace: bool = False) -> PageOutcome:
        """Clean one page. An input that cannot be used (undecodable, a
        record without content) gives an outcome with status "error" and a
        one-line message; other errors are raised. With `trace`, the outcome
        records what each phase did (see page.Trace)."""
        if page.error:
            return failed(page, page.error, "input")
        started = time.perf_counter()
        data = page.data if page.data is not None else ""
        kind = page.kind or H.sniff_kind(data)
        try:
            content = _decoded(data, kind, page.source)
        except InputError as exc:
            return failed(page.replace(kind=kind), str(exc), "input")
        decoded = time.perf_counter()
        record = Trace() if trace else None
        removed = []
        timings = [("decode", decoded - started)]
        extractor, layout, reason, tried, url = TEXT_LINES, None, "", (), page.url
        confidence, candidates, metadata = None, (), None
        if kind == HTML:
            tree = H.parse_html(content)
            parsed = time.perf_counter()
            timings.append(("parse", parsed - decoded))
            if self.metadata:  # before the HTML stage prunes the tree (headline, <time>, JSON-LD)
                metadata = page_metadata(tree, url=page.url)
                timings.append(("metadata", time.perf_counter() - parsed))
            staged = time.perf_counter()
            url = url or H.page_url(tree)
            match = self.detect(site=page.site, url=url, path=page.relpath)
            site = match.site if match.has_rules else None
            if record is not None:
                record.note("site", self._site_note(match))
            html = run_html_stage(tree, self.layouts_for(site), self.html_rules(), url, removed, record)
            lines, extractor, layout, reason, tried = html.lines, html.extractor, html.layout, html.reason, html.tried
            confidence, candidates = html.confidence, html.candidates
            timings.append(("html", time.perf_counter() - staged))
        else:
            match = self.detect(site=page.site, url=url, path=page.relpath, text=content)
            site = match.site if match.has_rules else None
            if record is not None:
                record.note("site", self._site_note(match))
            lines = split_lines(content)
        if record is not None and reason:
            record.note("extractor", reason)
        text_started = time.perf_counter()
        text_run = TextRun(lines, TEXT if kind == TEXT else HTML, removed, record)
        kept = run_text_phases(lines, self.text_rules(site, text_run.kind, layout), text_run)
        if kind == TEXT and match.site is None:
            # A signature the scraper's noise hid (a promo glued before the
            # dateline) shows once the generic rules have run: the page is
            # cleaned again as a page of that site, so that cleaning the
            # output would change nothing more.
            found = self.detect(text="\n".join(ln.text for ln in kept[:3]))
            if found.has_rules:
                match, site, removed = found, found.site, []
                record = Trace() if trace else None
                if record is not None:
                    record.note("site", self._site_note(match) + " (seen once the generic rules had run)")
                kept = run_text_phases(lines, self.text_rules(site, TEXT), TextRun(lines, TEXT, removed, record))
        timings.append(("text", time.perf_counter() - text_started))
        return PageOutcome(
            text="\n".join(ln.text for ln in kept),
            site=match.site,
            site_source=match.source,
            removed=tuple(removed),
            url=url,
            extractor=extractor,
            layout=layout.id if layout is not None else (GENERIC_LAYOUT if kind == HTML else None),
            layouts_tried=tried,
            reason=reason,
            confidence=confidence,
            candidates=candidates,
            metadata=metadata,
            id=page.id,
            source=page.source,
            kind=kind,
            chars_in=len(data),
            timings=tuple(timings),
            input_lines=tuple(lines),
            trace=record,
            fields=page.fields,
        )

    def _site_note(self, match: SiteMatch) -> str:
        if match.site is None:
            return "no site detected: generic rules only"
        if not match.has_rules:
            rules = "no rule file: generic rules only"
        elif not self.site_rules:
            rules = "its rule file is not used (site rules off): generic rules only"
        else:
            rules = "its rule file"
        return f"{match.site}, detected by {match.source}; {rules}"

    # -- conveniences --------------------------------------------------------------

    def clean(self, text: str, *, url: str | None = None, site: str | None = None,
              path: str | PurePath | None = None) -> PageOutcome:
        """Clean one scraped text. `path` is relative to the input root (its
        first folder may name the site); `url` and `site` help detection."""
        return self.clean_page(text, kind=TEXT, url=url, site=site, path=path)

    def clean_html(self, page: str | bytes, *, url: str | None = None, site: str | None = None,
                   path: str | PurePath | None = None) -> PageOutcome:
        """Clean one HTML page (bytes are decoded: BOM, meta charset, detection).
        The page's canonical / og:url is used for site detection when `url` is None."""
        return self.clean_page(page, kind=HTML, url=url, site=site, path=path)

    def clean_page(self, page: str | bytes, *, kind: str | None = None, source: str | None = None,
                   url: str | None = None, site: str | None = None, path: str | PurePath | None = None,
                   trace: bool = False) -> PageOutcome:
        """Clean a page of either kind ('html' or 'text'; sniffed when None).
        `source` names the page in decoding errors (default: its path);
        raises InputError for a page that cannot be decoded."""
        source = source or str(path or "<page>")
        try:
            with page_time_limit(self.page_timeout):
                outcome = self.run(
                    Page(page, kind=kind, url=url, site=site, path=PurePath(path) if path is not None else None,
                         source=source),
                    trace=trace,
                )
        except PageTimeout:
            raise PageTimeoutError(f"{source}: timed out after {self.page_timeout:g} s") from None
        if outcome.status == ERROR:
            raise InputError(outcome.error)
        return outcome

    def clean_many(self, pages: Iterable[str | bytes | Mapping], **defaults) -> Iterator[PageOutcome]:
        """Clean pages one by one, lazily (a generator: memory stays flat).

        A page is its content (str or bytes, kind sniffed) or a mapping with
        `page` (or `html` / `text`) and optional `url`, `site`, `path`, `id`;
        keyword arguments are defaults for every page, e.g. `site="detik.com"`.
        The result of a mapping carries its `id` and its other keys (all but
        the content cleaned and the options above) as `fields`, so that a
        pipeline keeps its own keys.
        """
        for page in pages:
            if isinstance(page, Mapping):
                options = {**defaults, **{k: page[k] for k in _RECORD_OPTIONS if k in page}}
                content = "html" if "html" in page else "text" if "text" in page else "page"
                kind = {"html": HTML, "text": TEXT}.get(content)
                outcome = self.clean_page(page[content], kind=kind, **options)
                fields = {k: v for k, v in page.items() if k != content and k not in _RECORD_OPTIONS and k != "id"}
                yield outcome.replace(id=page.get("id"), fields=fields or None)
            else:
                yield self.clean_page(page, **defaults)


#: Keys of a record given to clean_many that are options, not fields to carry.
_RECORD_OPTIONS = ("url", "site", "path")


def _decoded(data: str | bytes, kind: str, source: str) -> str | bytes:
    """A text page's text; an HTML page's text, or its bytes when they are
    UTF-8 (what the parser reads best, see html.parser_input)."""
    if isinstance(data, str):
        return data
    return H.parser_input(data, source) if kind == HTML else decode(data, source)


def _rebuild(folders: tuple[Path, ...], site_rules: bool, rules_dirs: tuple[Path, ...], learned: tuple[Path, ...],
             page_timeout: float | None, metadata: bool) -> Cleaner:
    c = Cleaner.__new__(Cleaner)
    c.rules_dirs, c.learned_dirs, c.site_rules, c.page_timeout = rules_dirs, learned, site_rules, page_timeout
    c.metadata = metadata
    c._load(folders)
    return c


@lru_cache(maxsize=1)
def default_cleaner() -> Cleaner:
    return Cleaner()


def clean(page: str | bytes, *, url: str | None = None, site: str | None = None, path=None) -> PageOutcome:
    """Clean one page, HTML or text (sniffed), with the shipped rules (loaded once per process)."""
    return default_cleaner().clean_page(page, url=url, site=site, path=path)


def clean_many(pages: Iterable[str | bytes | Mapping], **defaults) -> Iterator[PageOutcome]:
    """Clean pages lazily with the shipped rules; see Cleaner.clean_many."""
    return default_cleaner().clean_many(pages, **defaults)
