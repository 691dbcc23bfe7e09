"""Whole lines the template repeats on many pages -> `drop_line`, or
`cut_after` when they open the closing block."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from .common import alternation, line_key, looks_like_body, page_trigrams, short, trigrams
from .crawl import CrawlPage
from .model import Candidate, Rejected

#: (page id, line index, the page's lines): one place a repeated line was seen.
Occurrence = tuple[str, int, list[str]]


def repeated_lines(pages: list[CrawlPage], need: int, rejected: list[Rejected]) -> tuple[list[Candidate], set[str]]:
    """Whole lines found on `need` pages or more; also returns their keys (the
    template lines, which the other miners skip)."""
    grams = _gram_pages(pages)
    variants, where = _line_occurrences(pages)
    template = {k for k, occ in where.items() if len(occ) >= need and k}
    cands = []
    for key in sorted(template, key=lambda k: (-len(where[k]), k)):  # ties by key: the same draft on every run
        cand = _repeated_line(key, variants[key], list(where[key]), pages, grams, need, rejected)
        if cand is not None:
            cands.append(cand)
    return cands, template


def _line_occurrences(pages: list[CrawlPage]) -> tuple[dict[str, Counter[str]], dict[str, list[Occurrence]]]:
    """Per line key: its spellings with their counts, and its first place on each page."""
    variants: dict[str, Counter[str]] = defaultdict(Counter)
    where: dict[str, list[Occurrence]] = defaultdict(list)
    for page in pages:
        texts = page.texts
        seen: set[str] = set()
        for i, t in enumerate(texts):
            key = line_key(t)
            variants[key][t] += 1
            if key not in seen:
                seen.add(key)
                where[key].append((page.id, i, texts))
    return variants, where


def _repeated_line(key: str, variants: Counter[str], occ: list[Occurrence], pages: list[CrawlPage], grams: Counter,
                   need: int, rejected: list[Rejected]) -> Candidate | None:
    variant = variants.most_common(1)[0][0]
    labelled = _labelled(key, pages)
    occ += labelled
    if looks_like_body(variant) or len(variant) > 200:
        rejected.append(Rejected("repeated line", short(variant), f"on {len(occ)} pages but looks like body text"))
        return None
    if not re.search(r"\w", variant):
        return None
    kind = "cut_after" if _opens_closing_block(occ, grams) else "drop_line"
    pattern = alternation(variants) + (r"(?:\s*\S.*)?" if labelled else "")
    if kind == "cut_after":
        why = f"template line that opens the closing block (always among the last lines): '{short(variant, 60)}'"
    else:
        why = f"template line repeated across the site's pages: '{short(variant, 60)}'"
    examples = list(variants) + [texts[i] for _, i, texts in labelled[:1]]
    return Candidate(kind, "repeated line", why, pattern, variant, {p for p, _, _ in occ}, examples,
                     hint=variant.split()[-1], tail=kind == "cut_after", stories=need)


def _labelled(key: str, pages: list[CrawlPage]) -> list[Occurrence]:
    """A label line ('Disclaimer:') also opens lines with the notice glued after
    it: the first such line of each page."""
    if not (key.endswith(":") and len(key) > 2):
        return []
    out = []
    for page in pages:
        texts = page.texts
        for i, t in enumerate(texts):
            k = line_key(t)
            if k.startswith(key) and k != key and not looks_like_body(t[: len(t) - len(k) + len(key)]):
                out.append((page.id, i, texts))
                break
    return out


def _opens_closing_block(occ: list[Occurrence], grams: Counter) -> bool:
    """cut_after when the line always sits in the closing block, never first,
    something follows it somewhere, and what follows it reads as template
    (notices, credits, prompts: short, or worded like the same block on other
    pages), not as the story going on."""
    if not all(i >= 1 and _in_tail(texts, i) for _, i, texts in occ):
        return False
    follows = [t for _, i, texts in occ for t in texts[i + 1 :]]
    story = [t for t in follows if looks_like_body(t) and not _templated(t, grams)]
    return bool(follows) and len(story) <= 0.2 * len(follows)


def _in_tail(texts: list[str], i: int) -> bool:
    """Is line i in the page's closing block (a few lines from the end)?"""
    return len(texts) - i - 1 <= max(3, len(texts) // 4)


def _gram_pages(pages: list[CrawlPage]) -> Counter:
    """On how many pages each word trigram occurs."""
    df: Counter = Counter()
    for page in pages:
        df.update(page_trigrams(page.texts))
    return df


def _templated(text: str, grams: Counter) -> bool:
    """Worded like text on other pages: half its word trigrams occur on three pages or more."""
    own = trigrams(text)
    return bool(own) and sum(grams[g] >= 3 for g in own) >= 0.5 * len(own)
