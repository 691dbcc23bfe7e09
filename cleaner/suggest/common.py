"""Small text helpers shared by the miners, the validation and the draft."""

from __future__ import annotations

import re
from collections.abc import Iterable

# also where a scrape glued the next sentence on
SENTENCE_END = re.compile(r"""[.!?][)"”’']?(?=\s|$|[A-Z"“])""")
_WORD_RE = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower())


def looks_like_body(text: str) -> bool:
    """A story sentence: eight words or more with sentence punctuation."""
    return len(text.split()) >= 8 and SENTENCE_END.search(text) is not None


def lit(text: str) -> str:
    """A regex matching `text` literally; spaces stay readable, any run of
    whitespace (or none, where a scraper glued words) matches one."""
    return re.escape(text).replace("\\ ", r"\s*")


def alternation(variants: Iterable[str]) -> str:
    parts = sorted({lit(v) for v in variants}, key=lambda s: (-len(s), s))
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def excerpt(text: str, start: int = 0, end: int | None = None, context: int = 60) -> str:
    """The piece text[start:end] with up to `context` characters around it, cut at spaces."""
    end = len(text) if end is None else end
    a = max(0, start - context)
    if a > 0:
        space = text.find(" ", a, start)
        a = space + 1 if space >= 0 else a
    b = min(len(text), end + context)
    if b < len(text):
        space = text.rfind(" ", end, b)
        b = space if space > end else b
    return text[a:b].strip()


def short(text: str, limit: int = 90) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def line_key(text: str) -> str:
    """Lines that differ only in case or in leading bullets ('*) ', '- ') count as one."""
    return re.sub(r"^[^\w(]+", "", text).casefold()


def trigrams(text: str) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i : i + 3]) for i in range(len(w) - 2)}


def page_trigrams(texts: list[str]) -> set[tuple[str, ...]]:
    """The word trigrams of a page's lines (how near-duplicate pages are told)."""
    return set().union(*map(trigrams, texts))
