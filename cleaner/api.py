"""The public API: a reusable `Cleaner`, the one-call `clean()` and the
lazy `clean_many()`.

A Cleaner compiles its rules once. It is safe to share between threads
(cleaning keeps no state between pages; the per-site rule lists it caches are
built idempotently) and it pickles small (a worker process reloads the same
rule folders), so it can be shipped to process pools and distributed engines.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePath

from . import html as H
from .extract import extract_generic
from .io import decode
from .rules import HTML_PHASES, SHIPPED_RULES, TEXT_PHASES, HtmlRule, Rule, RuleFile, RuleSet, load_rules
from .sites import SiteMatch, detect_site
from .text import Line, Removal, run_phases, split_lines


@dataclass
class CleanResult:
    """What cleaning one page gave: the text and how it was obtained."""

    text: str  # cleaned body, one paragraph per line, no trailing newline
    site: str | None  # detected site, None when only generic rules ran
    site_source: str | None  # "option", "url", "folder", "signature" or None
    removed: list[Removal] = field(default_factory=list)
    url: str | None = None  # the page URL, given or (HTML) declared by the page
    # "text", "site-body" (HTML body rule), "generic" (HTML fallback: trafilatura) or
    # "generic-large" (HTML fallback on a page too big or too deep for trafilatura: its content rendered)
    extractor: str = "text"
    body_rule: str | None = None  # HTML: id of the body rule that picked the body (extractor "site-body")
    # The numbered lines the text phases started from (the page's lines, or the
    # rendered body of an HTML page): what `removed[].line` refers to.
    input_lines: list[Line] = field(default_factory=list, repr=False, compare=False)

    @property
    def fired(self) -> dict[str, int]:
        """How many pieces each rule removed."""
        return dict(Counter(r.rule_id for r in self.removed))


class Cleaner:
    """Rules loaded and compiled once; `clean()` is then cheap and thread-safe.

    `rules_dirs` are user folders that override or extend the shipped rules
    (a site file there replaces the shipped file of the same domain).
    """

    def __init__(self, rules_dirs: list[Path | str] | tuple = (), *, shipped: bool = True):
        self.rules_dirs = tuple(Path(d) for d in rules_dirs)
        folders = ((SHIPPED_RULES,) if shipped else ()) + self.rules_dirs
        self.rules: RuleSet = load_rules(*folders)
        self._phases: dict[str | None, dict[str, list[Rule]]] = {}
        self._html_phases: dict[str | None, dict[str, list[HtmlRule]]] = {}

    def fingerprint(self) -> str:
        """Changes whenever the loaded rules or the package version change: a
        batch redoes pages cleaned under other rules."""
        digest = hashlib.blake2b(digest_size=8)
        try:
            digest.update(version("cleaner").encode())
        except PackageNotFoundError:
            pass
        for rf in self.rules.all_files():
            digest.update(f"{rf.path.name}:{rf.digest};".encode())
        return digest.hexdigest()

    def __reduce__(self):
        # Compiled regexes pickle fine, but reloading keeps pickles small and
        # lets worker processes rebuild the exact same rule set.
        return (_rebuild, (self.rules.folders,))

    def _files_for(self, site: str | None) -> list[RuleFile]:
        """The site's rule file (if any) first, then the global one."""
        files = [self.rules.sites[site]] if site in self.rules.sites else []
        return files + [self.rules.global_rules]

    def phases_for(self, site: str | None) -> dict[str, list[Rule]]:
        """Text rules per phase for a site: the site's first, then the global ones."""
        if site not in self._phases:
            files = self._files_for(site)
            self._phases[site] = {p: [r for f in files for r in f.text[p]] for p in TEXT_PHASES}
        return self._phases[site]

    def html_phases_for(self, site: str | None) -> dict[str, list[HtmlRule]]:
        """HTML rules per phase for a site: the site's first, then the global ones."""
        if site not in self._html_phases:
            files = self._files_for(site)
            self._html_phases[site] = {p: [r for f in files for r in f.html[p]] for p in HTML_PHASES}
        return self._html_phases[site]

    def detect(self, *, site=None, url=None, path=None, text=None) -> SiteMatch:
        return detect_site(self.rules, site=site, url=url, path=path, text=text)

    def clean(
        self,
        text: str,
        *,
        url: str | None = None,
        site: str | None = None,
        path: str | PurePath | None = None,
    ) -> CleanResult:
        """Clean one scraped text. `path` is relative to the input root (its
        first folder may name the site); `url` and `site` help detection."""
        match = self.detect(site=site, url=url, path=path, text=text)
        return self._finish(split_lines(text), match, [], url=url, extractor="text")

    def clean_html(
        self,
        page: str | bytes,
        *,
        url: str | None = None,
        site: str | None = None,
        path: str | PurePath | None = None,
    ) -> CleanResult:
        """Clean one HTML page (bytes are decoded: BOM, meta charset, detection).
        The page's canonical / og:url is used for site detection when `url` is None."""
        if isinstance(page, bytes):
            page = H.decode_html(page, str(path or "<html>"))
        tree = H.parse_html(page)
        url = url or H.page_url(tree)
        match = self.detect(site=site, url=url, path=path)
        rules = self.html_phases_for(match.site if match.has_rules else None)
        removed: list[Removal] = []
        H.drop_nodes(tree, rules["drop"], removed)
        H.drop_headed_widgets(tree, rules["drop_heading"], removed)
        body, body_rule = H.pick_body(tree, rules["body"])
        if body is not None:
            lines, extractor = H.render_lines(body), "site-body"
        else:
            lines, extractor = extract_generic(tree.html or "", url, parsed=True)
        result = self._finish(lines, match, removed, url=url, extractor=extractor)
        result.body_rule = body_rule
        return result

    def clean_page(self, page: str | bytes, *, kind: str | None = None, source: str | None = None, **kwargs) -> CleanResult:
        """Clean a page of either kind ('html' or 'text'; sniffed when None).
        `source` names the page in decoding errors (default: its path)."""
        kind = kind or H.sniff_kind(page)
        source = source or str(kwargs.get("path") or "<page>")
        if isinstance(page, bytes):
            page = H.decode_html(page, source) if kind == "html" else decode(page, source)
        return self.clean_html(page, **kwargs) if kind == "html" else self.clean(page, **kwargs)

    def clean_many(self, pages: Iterable[str | bytes | Mapping], **defaults) -> Iterator[CleanResult]:
        """Clean pages one by one, lazily (a generator: memory stays flat).

        A page is its content (str or bytes, kind sniffed) or a mapping with
        `page` (or `html` / `text`) and optional `url`, `site`, `path`; keyword
        arguments are defaults for every page, e.g. `site="detik.com"`.
        """
        for page in pages:
            if isinstance(page, Mapping):
                options = {**defaults, **{k: page[k] for k in ("url", "site", "path") if k in page}}
                if "html" in page:
                    yield self.clean_page(page["html"], kind="html", **options)
                elif "text" in page:
                    yield self.clean_page(page["text"], kind="text", **options)
                else:
                    yield self.clean_page(page["page"], **options)
            else:
                yield self.clean_page(page, **defaults)

    def _finish(self, lines: list[Line], match: SiteMatch, removed: list[Removal], *, url, extractor) -> CleanResult:
        """Run the text phases of the detected site on the lines. Scrape
        duplicates are a text-export artefact: lines rendered from a parsed
        page repeat only when the article repeats them (answer keys, tables)."""
        phases = self.phases_for(match.site if match.has_rules else None)
        kept = run_phases(lines, phases, removed, duplicates=extractor == "text")
        return CleanResult(
            text="\n".join(ln.text for ln in kept),
            site=match.site,
            site_source=match.source,
            removed=removed,
            url=url,
            extractor=extractor,
            input_lines=lines,
        )


def _rebuild(folders: tuple[Path, ...]) -> Cleaner:
    c = Cleaner.__new__(Cleaner)
    c.rules_dirs = tuple(f for f in folders if f != SHIPPED_RULES)
    c.rules = load_rules(*folders)
    c._phases = {}
    c._html_phases = {}
    return c


@lru_cache(maxsize=1)
def default_cleaner() -> Cleaner:
    return Cleaner()


def clean(page: str | bytes, *, url: str | None = None, site: str | None = None, path=None) -> CleanResult:
    """Clean one page, HTML or text (sniffed), with the shipped rules (loaded once per process)."""
    return default_cleaner().clean_page(page, url=url, site=site, path=path)


def clean_many(pages: Iterable[str | bytes | Mapping], **defaults) -> Iterator[CleanResult]:
    """Clean pages lazily with the shipped rules; see Cleaner.clean_many."""
    return default_cleaner().clean_many(pages, **defaults)
