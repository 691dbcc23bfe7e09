"""How the template ends an article: a piece glued to the end of the last
paragraphs (trailing markers), and staff codes, initials or credits in
parentheses (end marks)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator

from .common import SENTENCE_END, excerpt, line_key, lit, looks_like_body, short
from .crawl import CrawlPage
from .model import Candidate, Rejected

#: Known end-mark shapes (staff codes, initials, credits in parentheses), from
#: the generic rules' vocabulary; the first that matches names the class.
END_MARKS: tuple[tuple[str, str], ...] = (
    ("staff code", r"\([A-Z]{1,3}\d{1,3}\)"),
    ("staff initials", r"\((?:[a-z]{1,6}\d{0,3}/)*(?:[a-z]{1,6}\d{0,3}|\*)\)"),
    ("initials and name", r"\((?:[a-z]{1,6}\d{0,3}/)+[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,4}\)"),
    ("credit", r"\([A-Z][\w'.-]*(?:(?: |/ ?|, )[A-Z][\w'.-]*){1,5}\)"),
    ("end mark", r"\(\*+\)"),
)

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_LAST_LINES = 3  # where a glued piece or an end mark is looked for

#: (page id, line, where the piece starts, the piece)
Suffix = tuple[str, str, int, str]


def trailing_markers(pages: list[CrawlPage], need: int, template: set[str]) -> list[Candidate]:
    """A suffix glued to the end of lines (the last paragraphs) on many pages; its year may vary."""
    df: dict[str, set[str]] = defaultdict(set)
    before: dict[str, Counter[str]] = defaultdict(Counter)  # what precedes the piece, per occurrence
    for pid, t, i, piece in _suffixes(pages, template):
        key = _shape_key(piece)
        df[key].add(pid)
        before[key][t[max(0, i - 12) : i]] += 1
    # the piece starts where what precedes it varies (the story's last words); a longer
    # suffix shared by near-duplicate stories has the same words before it every time
    good = [k for k, p in df.items() if len(p) >= need and len(k) >= 6 and len(before[k]) >= max(2, 0.5 * sum(before[k].values()))]
    good.sort(key=len, reverse=True)
    every: dict[str, list[Suffix]] = defaultdict(list)  # template lines too: examples may come from them
    for suffix in _suffixes(pages, set()):
        every[_shape_key(suffix[3])].append(suffix)
    chosen: list[str] = []
    cands = []
    for k in good:
        if not _marker_like(k) or any(k in c for c in chosen) or any(c in k for c in chosen):
            continue
        originals = Counter(piece for _, _, _, piece in every[k])
        examples = [excerpt(t, i, len(t), 50) for _, t, i, piece in every[k] if len(t) > len(piece)]
        if not examples:
            continue  # never glued: a line of its own, the repeated-line candidates cover it
        chosen.append(k)
        rep = originals.most_common(1)[0][0]
        cands.append(
            Candidate("strip_inline", "trailing marker", f"piece glued to the end of the last paragraph: '{short(rep, 60)}'",
                      r"\s*" + _literal_shape(rep) + r"\s*$", f"trailing '{short(rep, 50)}'", df[k], examples, hint=rep.split()[0], expect=True, stories=need)
        )
    return cands


def _suffixes(pages: list[CrawlPage], skip: set[str]) -> Iterator[Suffix]:
    """Every piece that can be glued to the end of the last lines of each page
    (lines whose key is in `skip` left out)."""
    for page in pages:
        for t in page.texts[-_LAST_LINES:]:
            if line_key(t) in skip:
                continue
            for i in _suffix_starts(t):
                yield page.id, t, i, t[i:].strip()


def _marker_like(k: str) -> bool:
    """Could this suffix be a template piece: it starts like a label, is not a
    sentence ending shared by chance ('kata dia.'), and is not a single short word."""
    if not k[0].isupper() and not k[0].isdigit() and k[0] not in "([":
        return False
    if SENTENCE_END.search(k[-2:] + " ") or looks_like_body(k):
        return False
    return not (len(k.split()) < 2 and len(k) < 10)


def _suffix_starts(text: str, window: int = 160) -> list[int]:
    """Positions in the tail of a line where a glued piece can start."""
    out = []
    lo = max(1, len(text) - window)
    for i in range(lo, len(text)):
        ch, prev = text[i], text[i - 1]
        if not ch.isalnum() and ch not in "([":
            continue
        if prev in " .!?\"”’')]:;," or (prev.islower() and ch.isupper()):
            out.append(i)
    return out


def _shape_key(text: str) -> str:
    """Pieces that differ only in a year ('COPYRIGHT © ANTARA 2023' / '2024') count as one."""
    return _YEAR.sub("2000", text)


def _literal_shape(text: str) -> str:
    """A regex for `text` with its years generalised ('... ANTARA 2023' -> '... ANTARA \\d{4}')."""
    return r"\d{4}".join(lit(part) for part in _YEAR.split(text))


def end_marks(pages: list[CrawlPage], template: set[str], trailing: list[Candidate], rejected: list[Rejected]) -> list[Candidate]:
    """A known end-mark shape that ends the article: alone on a line ->
    drop_line; after the last sentence, followed on its line only by template
    (the trailing markers) -> strip_inline of it and the rest of the line."""
    tails = [re.compile(c.pattern) for c in trailing]
    cands = []
    for label, shape in END_MARKS:
        own = [(page.id, t) for page in pages for t in _story_lines(page, template)[-_LAST_LINES:] if re.fullmatch(shape, t)]
        if own:
            cands.append(
                Candidate("drop_line", "end mark", f"{label} in parentheses alone on a line at the end of the article",
                          shape, f"{label} line", {p for p, _ in own}, list(dict.fromkeys(t for _, t in own)), hint="(")
            )
        glued = _glued_end_mark(pages, template, tails, label, shape, rejected)
        if glued is not None:
            cands.append(glued)
    return cands


def _glued_end_mark(pages: list[CrawlPage], template: set[str], tails: list[re.Pattern], label: str, shape: str,
                    rejected: list[Rejected]) -> Candidate | None:
    """The end mark after the last sentence, seen followed by template on its
    line, and never followed by body text inside a line."""
    at_end = re.compile(rf"(?:(?<=[.!?\"”’])\s*|^){shape}\s*$")
    inside = re.compile(rf"(?<=[.!?\"”’])\s*{shape}")
    seen: set[str] = set()
    followed: set[str] = set()
    examples: list[str] = []
    counter: list[str] = []
    for page in pages:
        texts = _story_lines(page, template)
        if not texts:
            continue
        last = texts[-1]
        stripped = _strip_all(last, tails)
        m = at_end.search(stripped)
        if m:
            seen.add(page.id)
            if stripped != last:
                followed.add(page.id)
                examples.append(excerpt(last, m.start(), len(last), 50))
        counter += [page.id for t in texts for m2 in inside.finditer(t) if looks_like_body(_strip_all(t[m2.end() :], tails))]
    if not followed:
        return None
    if counter:
        rejected.append(Rejected("end mark", label, f"ends the text on {len(seen)} pages but is followed by body text on {len(set(counter))}"))
        return None
    pattern = rf"(?=[\s(])(?:(?<=[.!?\"”’])\s*|^){shape}(?:\s*\S.*)?$"
    return Candidate("strip_inline", "end mark", f"{label} in parentheses after the last sentence ends the article: it and what the template glues after it on the line",
                     pattern, f"{label} end mark", seen, examples, hint="(", expect=True)


def _story_lines(page: CrawlPage, template: set[str]) -> list[str]:
    """The page's lines without the template's repeated lines."""
    return [t for t in page.texts if line_key(t) not in template]


def _strip_all(text: str, patterns: list[re.Pattern]) -> str:
    for rx in patterns:
        text = rx.sub("", text)
    return text
