"""Line shapes: a marker followed by varying text ('Baca juga: <title>'),
promo and byline heads of the generic vocabulary, and promos glued inside
paragraphs."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from .common import alternation, excerpt, line_key, looks_like_body
from .crawl import CrawlPage
from .model import Candidate, Rejected

_COLON_PREFIX = re.compile(r"^(?P<m>[A-Z][^\s:]*(?: [^\s:]+){0,3}?)\s*(?P<sep>:|\||»|>>)\s*(?P<rest>\S.*)$")

#: Heads of promo and byline lines known from the generic rules (no colon after them).
_PROMO_HEAD = re.compile(
    r"(?:Berita|Artikel|BERITA|ARTIKEL)(?: [Ll]ain| [Ll]ainnya)? (?:[Tt]erkait|TERKAIT)(?: [Dd]engan)?(?= )|"
    r"(?:Baca|Lihat|Simak)(?: [Jj]uga| [Pp]ula)(?= )|Laporan (?:Wartawan|Reporter|Jurnalis|Kontributor|Koresponden)(?= )"
)

_PROMO_MARKER = r"(?:Baca|Lihat|Simak)(?: [Jj]uga| [Pp]ula)?|BACA JUGA|LIHAT JUGA"
_WHOLE_PROMO = re.compile(rf"^(?P<m>{_PROMO_MARKER})\s*:\s*(?P<t>\S.*)$")
_INLINE_PROMO = re.compile(rf"(?<=\S)\s*(?P<m>{_PROMO_MARKER})\s*:\s*(?=\S)")

#: (page id, the head or marker as written, the whole line)
Seen = tuple[str, str, str]


def line_shapes(pages: list[CrawlPage], need: int, template: set[str], rejected: list[Rejected]) -> list[Candidate]:
    """A marker at the start of a line followed by varying text ('Baca juga: <title>')."""
    cands = _marker_lines(pages, need, template, rejected)
    _add_promo_heads(pages, template, cands)
    return cands


def _marker_lines(pages: list[CrawlPage], need: int, template: set[str], rejected: list[Rejected]) -> list[Candidate]:
    occ: dict[tuple[str, str], list[Seen]] = defaultdict(list)  # (marker lower, sep) -> places
    for page in pages:
        for t in page.texts:
            if line_key(t) in template:
                continue
            m = _COLON_PREFIX.match(t)
            if m is not None:
                occ[(m.group("m").casefold(), m.group("sep"))].append((page.id, m.group("m"), t))
    cands = []
    for (_, sep), items in sorted(occ.items(), key=lambda kv: -len(kv[1])):
        pages_seen = {p for p, _, _ in items}
        if len(pages_seen) < need:
            continue
        lines = [t for _, _, t in items]
        variants = Counter(m for _, m, _ in items)
        label = f"{variants.most_common(1)[0][0]}{sep}"
        if len(set(lines)) < max(2, len(lines) // 2):
            continue  # not varying: the repeated-line candidates cover it
        body = sum(looks_like_body(t) for t in lines)
        if body > 0.1 * len(lines):
            rejected.append(Rejected("line shape", f"{label} <text>", f"on {len(pages_seen)} pages, but {body} of its {len(lines)} lines look like body text"))
            continue
        pattern = alternation(variants) + r"\s*" + re.escape(sep) + ".*"
        cands.append(
            Candidate("drop_line", "line shape", f"marker line '{label} <varying text>' (promo, credit or label line of the template)",
                      pattern, f"{label} <text>", pages_seen, lines, hint=variants.most_common(1)[0][0].split()[0], stories=need)
        )
    return cands


def _add_promo_heads(pages: list[CrawlPage], template: set[str], cands: list[Candidate]) -> None:
    """Promo / byline heads of the generic vocabulary without a colon ('Berita
    lain terkait <tag>', 'Laporan Wartawan <outlet> <name>'): known shapes, so
    two pages suffice. Heads a candidate already covers are skipped."""
    heads: dict[str, list[Seen]] = defaultdict(list)
    for page in pages:
        for t in page.texts:
            m = _PROMO_HEAD.match(t)
            if m is None or line_key(t) in template or len(t.split()) > 16 or looks_like_body(t) or len(t) == m.end():
                continue
            head = m.group(0)
            key = re.sub(r"(?i)^(?:berita|artikel)\b", "*", head).casefold()
            heads[key].append((page.id, head, t))
    for _, items in sorted(heads.items(), key=lambda kv: -len(kv[1])):
        pages_seen = {p for p, _, _ in items}
        variants = {h for _, h, _ in items}
        if len(pages_seen) < 2 or any(c.pattern.startswith(alternation(variants)) for c in cands):
            continue
        lines = [t for _, _, t in items]
        if len(set(lines)) < 2:
            continue
        label = sorted(variants)[0]
        cands.append(
            Candidate("drop_line", "line shape", f"promo or byline line '{label} <varying text>' (a head of the generic vocabulary)",
                      alternation(variants) + r"\s.*", f"{label} <text>", pages_seen, lines, hint=label.split()[-1], stories=2)
        )


def inline_promos(pages: list[CrawlPage], need: int) -> list[Candidate]:
    """'Baca juga: <title>' glued inside paragraphs, where the site writes its promoted
    titles in sentence case (learnt from its whole-line promos): the title ends
    where the next sentence starts (a capitalised word then a lowercase one), at
    an opening quote, at the next promo or at the end of the line. (Title-case
    titles are the generic rules' job.)"""
    titles, inline, markers = _promo_evidence(pages)
    if len(inline) < 2 or len(titles) < max(2, need // 2) or not _sentence_case(titles):
        return []
    marker = alternation(markers)
    pattern = (rf"\s*{marker}\s*:\s*(?:\S+(?:\s+\S+){{0,25}}?(?=\s+(?:[A-Z][a-z]+,?\s+[a-z]|[\"“‘]|{marker}\s*:)|\s*$))?")
    examples = [ex for exs in inline.values() for ex in exs]
    return [Candidate("strip_inline", "inline promo",
                      "promo glued inside a paragraph; the site writes promoted titles in sentence case, so the title ends where the next sentence starts",
                      pattern, "inline promo (sentence-case titles)", set(inline), examples, hint="juga", expect=True, stories=2)]


def _promo_evidence(pages: list[CrawlPage]) -> tuple[list[str], dict[str, list[str]], Counter[str]]:
    """The titles of whole-line promos, the glued promos per page, and the markers used."""
    titles: list[str] = []
    inline: dict[str, list[str]] = defaultdict(list)
    markers: Counter[str] = Counter()
    for page in pages:
        for t in page.texts:
            m = _WHOLE_PROMO.match(t)
            if m:
                titles.append(m.group("t"))
                markers[m.group("m")] += 1
                continue
            for m2 in _INLINE_PROMO.finditer(t):
                inline[page.id].append(excerpt(t, m2.start(), min(len(t), m2.end() + 80), 40))
                markers[m2.group("m")] += 1
    return titles, inline, markers


def _sentence_case(titles: list[str]) -> bool:
    """Are most titles in sentence case (median share of capitalised later words below 35%)?"""
    shares = []
    for title in titles:
        later = [w for w in title.split()[1:] if w[:1].isalpha() and not any(c.isdigit() for c in w)]
        if later:
            shares.append(sum(w[0].isupper() for w in later) / len(later))
    return bool(shares) and sorted(shares)[len(shares) // 2] < 0.35
