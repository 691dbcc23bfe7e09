"""Shapes of lines the text phases share: a promoted headline (title case,
no sentence end), as a scraper leaves it alone on a line after a promo label
("Editor's picks" / "5 Fakta Menarik Gunung Bromo") or where it dropped the
label."""

from __future__ import annotations

import re

#: A capitalised word (a headline has most of its words so).
CAPITALISED = re.compile(r"[\"“‘(]?[A-Z]")
#: The most words of a promoted headline on a line of its own.
TITLE_WORDS = 20
#: A headline in sentence case ("Menangkan Prabowo-Gibran, Kaesang blusukan ke
#: Jawa Timur") has at most this many words (a paragraph that lost its stop has more).
SENTENCE_CASE_TITLE_WORDS = 12
_BULLET = re.compile(r"^[-–•·*]\s+|^\d{1,2}[.)]\s+")
_NOT_A_TITLE_END = re.compile(r"[.,;:]$")


def headline(text: str) -> bool:
    """A line in title case: most of its words of four letters or more are
    capitalised, and it ends on a capitalised word or a number
    ("Ayah Bella Hadid soal Nakba 1948: Yahudi Usir Kami dari Palestina"). A
    sentence has a few capitals among lowercase words, and a sentence cut
    before a link ends on "di", "oleh", "yang"."""
    words = text.split()
    long_words = [w for w in words if sum(c.isalpha() for c in w) >= 4]
    if len(long_words) < 3 or not CAPITALISED.match(words[-1]) and not words[-1][0].isdigit():
        return False
    return sum(1 for w in long_words if CAPITALISED.match(w)) >= 0.7 * len(long_words)


def promo_title(text: str) -> bool:
    """A promoted headline alone on a line (maybe bulleted): no stop, comma
    or colon at its end, at most TITLE_WORDS words, starting with a capital,
    a digit or a quote; in title case, or short enough to be a headline in
    sentence case. A paragraph ends with a stop, or runs longer."""
    text = _BULLET.sub("", text)
    words = text.split()
    if not words or len(words) > TITLE_WORDS or _NOT_A_TITLE_END.search(text):
        return False
    if not (CAPITALISED.match(text) or text[0].isdigit()):
        return False
    return len(words) <= SENTENCE_CASE_TITLE_WORDS or headline(text)
