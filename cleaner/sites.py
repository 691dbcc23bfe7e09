"""Which site a page belongs to, and what decided it.

Detection order (the first that answers wins, and is recorded):
an explicit site option; the page URL's host; a folder of the
input tree named after a domain (`scraped/detik.com/x.txt`, the first such
folder below the input root); a site's text
signature (e.g. the "Suara.com - " dateline). Otherwise: generic rules only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import urlsplit

from .rules import RuleSet

#: How far into a text a signature is looked for: it marks the page's start.
SIGNATURE_WINDOW = 400

_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$")


@dataclass(frozen=True)
class SiteMatch:
    """The detected site (None: generic only), how it was found, and whether rules exist."""

    site: str | None
    source: str | None  # "option", "url", "folder", "signature" or None
    has_rules: bool = False


def host_of(url: str) -> str | None:
    """Lower-case host of a URL without 'www.', or None if it has none."""
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.")


def folder_domain(path: str | PurePath | None) -> str | None:
    """The first folder of a relative input path that is named like a domain
    (`detik.com/x.txt`, or `text/detik.com/x.txt` for a tree one level up)."""
    if path is None:
        return None
    for folder in PurePath(path).parts[:-1]:
        name = folder.lower().removeprefix("www.")
        if _DOMAIN.match(name):
            return name
    return None


def detect_site(
    rules: RuleSet,
    *,
    site: str | None = None,
    url: str | None = None,
    path: str | PurePath | None = None,
    text: str | None = None,
) -> SiteMatch:
    """Find the page's site; see the module docstring for the order."""
    unknown: SiteMatch | None = None  # a domain we were told of but have no rules for
    for source, host in (
        ("option", host_of(site) if site else None),
        ("url", host_of(url) if url else None),
        ("folder", folder_domain(path)),
    ):
        if not host:
            continue
        known = rules.site_for_host(host)
        if known:
            return SiteMatch(known, source, True)
        if unknown is None:
            unknown = SiteMatch(host, source, False)
        if source == "option":
            return unknown  # an explicit choice is never second-guessed
    if text:
        head = text.lstrip("\ufeff \t\r\n")[:SIGNATURE_WINDOW]
        for name, rf in rules.sites.items():
            if rf.signature is not None and rf.signature.search(head):
                return SiteMatch(name, "signature", True)
    return unknown or SiteMatch(None, None, False)
