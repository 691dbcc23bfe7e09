"""The public API: a reusable `Cleaner` and the one-call `clean()`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePath

from .rules import SHIPPED_RULES, TEXT_PHASES, Rule, RuleFile, RuleSet, load_rules
from .sites import SiteMatch, detect_site
from .text import Removal, run_phases, split_lines


@dataclass
class CleanResult:
    """What cleaning one page gave: the text and how it was obtained."""

    text: str  # cleaned body, one paragraph per line, no trailing newline
    site: str | None  # detected site, None when only generic rules ran
    site_source: str | None  # "option", "url", "folder", "signature" or None
    removed: list[Removal] = field(default_factory=list)

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

    def __reduce__(self):
        # Compiled regexes pickle fine, but reloading keeps pickles small and
        # lets worker processes rebuild the exact same rule set.
        return (_rebuild, (self.rules.folders,))

    def phases_for(self, site: str | None) -> dict[str, list[Rule]]:
        """Rules per phase for a site: the site's first, then the global ones."""
        if site not in self._phases:
            files: list[RuleFile] = []
            if site in self.rules.sites:
                files.append(self.rules.sites[site])
            files.append(self.rules.global_rules)
            self._phases[site] = {p: [r for f in files for r in f.text[p]] for p in TEXT_PHASES}
        return self._phases[site]

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
        removed: list[Removal] = []
        phases = self.phases_for(match.site if match.has_rules else None)
        lines = run_phases(split_lines(text), phases, removed)
        return CleanResult(
            text="\n".join(ln.text for ln in lines),
            site=match.site,
            site_source=match.source,
            removed=removed,
        )


def _rebuild(folders: tuple[Path, ...]) -> Cleaner:
    c = Cleaner.__new__(Cleaner)
    c.rules_dirs = tuple(f for f in folders if f != SHIPPED_RULES)
    c.rules = load_rules(*folders)
    c._phases = {}
    return c


@lru_cache(maxsize=1)
def default_cleaner() -> Cleaner:
    return Cleaner()


def clean(text: str, *, url: str | None = None, site: str | None = None, path=None) -> CleanResult:
    """Clean one page with the shipped rules (loaded once per process)."""
    return default_cleaner().clean(text, url=url, site=site, path=path)
