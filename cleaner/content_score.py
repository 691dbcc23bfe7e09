"""How much a list of lines looks like the article of the page it came
from: the content score the generic extractor chooses by, and its
calibrated form, ``confidence`` (an estimate of the token F1).

The score is not length: it estimates the share of the lines that is
article text (precision) and the share of the page's article text the lines
hold (recall), and combines them as an F1. Both lean on an independent
candidate of the same page (the cleaner's body finder for trafilatura's
passes, trafilatura's fast pass for the body finder): two extractors that
work differently rarely keep the same menu or lose the same paragraphs.

- **Precision**: the share of the lines' words the independent candidate
  also kept (agreement), with the shape of the lines: the share of their
  characters in lines shaped like prose (enough words, sentence ends),
  lines that are the text of a link of the page (menus, related lists) and
  lines of boilerplate vocabulary (copyright, share, subscribe) counting
  for nothing, other lines (headings, list items) for half.
- **Recall**: the share of the independent candidate's words the lines hold
  (coverage), with the prose they hold against the page's text outside its
  chrome (saturating at the share an article holds of a news page).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .body import body_lines
from .html import NEVER_TEXT
from .page import Line

_WORD = re.compile(r"\w+")
#: A line ends a sentence: its last visible character (closing quotes and
#: brackets aside) is one of these.
_SENTENCE_END = re.compile(r"""[.!?…:;]["'”’)\]]*$""")
#: Sentence ends inside a line (a block of several sentences, or several
#: paragraphs an extractor joined on one line).
_SENTENCE_INSIDE = re.compile(r"""[.!?…]["'”’)\]]*\s""")
#: A line at least this many words long is prose when it holds a sentence end
#: per this many words, wherever its last sentence stops (prose averages 15-25
#: words a sentence; a list of names or a menu flattened on one line has none).
LONG_LINE_WORDS = 40
#: Words a line needs to count as prose: shorter lines are labels, menu
#: entries, buttons, bylines, dates.
PROSE_MIN_WORDS = 8
#: Vocabulary of the page furniture around articles (English and
#: Indonesian): a line holding one of these and short of a paragraph is
#: boilerplate.
BOILERPLATE = re.compile(
    r"(?i)\b(?:copyright|all rights reserved|privacy policy|terms of (?:use|service)|cookie|"
    r"subscribe|sign (?:up|in)|log ?in|newsletter|share (?:this|on)|follow us|read more|"
    r"related (?:posts|articles|stories)|advertisement|comments?|reply|"
    r"hak cipta|baca juga|berita terkait|terpopuler|ikuti kami|bagikan|komentar|iklan)\b"
)
#: A boilerplate-vocabulary line longer than this many words is prose that
#: mentions the word ("The comments made by the minister ...").
BOILERPLATE_MAX_WORDS = 20


@dataclass(frozen=True, slots=True)
class Shape:
    """Measurements of a list of lines against its page."""

    chars: int  # characters in the lines
    prose: int  # characters in prose-shaped lines that are neither links nor boilerplate
    links: int  # characters in lines that are the text of a link of the page
    boiler: int  # characters in short lines of boilerplate vocabulary
    words: Counter  # the lowercased word tokens


def link_texts(tree: LexborHTMLParser) -> frozenset[str]:
    """The whitespace-normalised texts of the page's links (``<a>``) of two words or more."""
    texts = set()
    for a in tree.css("a"):
        text = " ".join(a.text(separator=" ").split())
        if " " in text:
            texts.add(text)
    return frozenset(texts)


def shape(lines: Sequence[Line | str], links: frozenset[str]) -> Shape:
    """Measure lines (or texts, whitespace-normalised): what is prose, links, boilerplate."""
    texts = [line.text if isinstance(line, Line) else line for line in lines]
    chars = prose = in_links = boiler = 0
    for text in texts:
        n = len(text)
        words = text.count(" ") + 1  # the lines are whitespace-normalised
        chars += n
        if text in links or text.rstrip(" .,;:»›>") in links:
            in_links += n
        elif words <= BOILERPLATE_MAX_WORDS and BOILERPLATE.search(text):
            boiler += n
        elif words >= PROSE_MIN_WORDS and _prose(text, words):
            prose += n
    bag = Counter(_WORD.findall("\n".join(texts).lower()))
    return Shape(chars, prose, in_links, boiler, bag)


def _prose(text: str, words: int) -> bool:
    """Does a line of enough words read as sentences?"""
    if _SENTENCE_END.search(text.rstrip(" |")):  # "| a | b |": a table row
        return True
    return words >= LONG_LINE_WORDS and len(_SENTENCE_INSIDE.findall(text)) * LONG_LINE_WORDS >= words


def agreement(words: Counter, other: Counter) -> float:
    """The share of `words` (a bag) that `other` also holds."""
    total = sum(words.values())
    if not total:
        return 0.0
    return sum(min(n, other[w]) for w, n in words.items()) / total


# The weights below were set on generic-dev (150 WCXB pages) and checked on
# dev/html (22 Indonesian news pages, site rules off) by
# benchmarks/generic_fit.py, one weight at a time. The choices hardly move
# (mean token F1 of the choice 0.9395 on generic-dev and 0.9699 on dev over
# WEIGHT_AGREEMENT 0.5-0.9, WEIGHT_COVERAGE 0.5-0.9, ARTICLE_SHARE 0.1-0.5);
# what moves is how well the score ranks the pages (Spearman with the token
# F1 of the chosen candidate), and so the confidence.

#: Precision = this share of agreement with the independent candidate, the
#: rest from the shape of the lines. Agreement ranks trafilatura's fast pass
#: by its token F1 better on generic-dev (Spearman 0.42 against 0.03 for the
#: prose share), the shape better on dev (0.54 against 0.38). The ranking of
#: the choice rises with this weight on generic-dev (0.52 at 0.5, 0.57 at
#: 0.7, 0.59 at 0.8, 0.60 at 0.9) and peaks on dev at 0.7 (0.63, 0.69, 0.68,
#: 0.64): 0.8 is kept below generic-dev's best, where dev has not dropped.
WEIGHT_AGREEMENT = 0.8
#: Recall = this share of coverage of the independent candidate (Spearman
#: with the fast pass's F1 0.44 on generic-dev, 0.16 on dev), the rest from
#: the prose found against the page's text (0.36 and 0.21). Below 0.5 the
#: choice loses on generic-dev (0.3: 0.9355, two more pages behind
#: trafilatura; 0: 0.9341); the ranking is best at 0.7 on both sets (0.59,
#: 0.68).
WEIGHT_COVERAGE = 0.7
#: The share of a page's text outside its chrome that its article holds on
#: most pages: the prose recall saturates there. The gold holds at least
#: 0.19 of it on 3 dev news pages in 4 (median 0.26; menus and teasers are
#: most of a news page) and at least 0.53 on 9 generic-dev pages in 10.
#: 0.1-0.5 choose alike; generic-dev ranks alike at 0.1 and 0.2 (0.59) and
#: worse above; dev ranks best at 0.2 (0.68, against 0.57 at 0.1 and 0.49
#: at 0.3).
ARTICLE_SHARE = 0.2
#: Lines that are neither prose nor links nor boilerplate (headings, list
#: items, table cells) count half as precise as prose: a crosshead belongs,
#: a label or a date does not, and they cannot be told apart by shape.
OTHER_WEIGHT = 0.5


#: The page chrome (menus, site header and footer, sidebars), left out of the
#: page's text (and of what a too large page renders; trafilatura reads it):
#: its size varies with the site, not with the article.
CHROME = ("nav", "header", "footer", "aside")


def _chrome_tops(body: LexborNode) -> list[LexborNode]:
    """The chrome elements of the body that are not inside another one."""
    tops: list[LexborNode] = []
    for node in body.css(", ".join(CHROME)):
        parent = node.parent
        while parent is not None and parent.tag not in CHROME:
            parent = parent.parent
        if parent is None:
            tops.append(node)
    return tops


def _tokens(node: LexborNode) -> tuple[int, int]:
    """(characters in words, words) of a node's text."""
    words = node.text(separator=" ").split()
    return sum(map(len, words)), len(words)


def content_length(tree: LexborHTMLParser) -> int:
    """The length of the text of the page's body outside its chrome,
    whitespace runs counted once (the tree is left as it is)."""
    body = tree.body
    if body is None:
        return 0
    chars, words = _tokens(body)
    for node in _chrome_tops(body):
        c, w = _tokens(node)
        chars, words = chars - c, words - w
    return chars + max(words - 1, 0)


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What a candidate is measured against: the page's link texts and text."""

    links: frozenset[str]
    text: int  # characters of the page's text outside its chrome (extract.content_length)


@dataclass(frozen=True, slots=True)
class Estimate:
    """A candidate's estimated precision and recall, and its content score
    (their F1: the estimated token F1 of the candidate)."""

    precision: float
    recall: float
    structure: float  # the shape part of the precision
    agreement: float  # the share of its words the independent candidate kept
    links: float  # share of its characters in link lines
    boiler: float  # share of its characters in boilerplate lines

    @property
    def score(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def estimate(s: Shape, reference: Shape | None, facts: PageFacts) -> Estimate:
    """Estimate a candidate (its shape) against an independent candidate of
    the same page (`reference`; None: none) and the page's facts."""
    if not s.chars:
        return Estimate(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    other = s.chars - s.prose - s.links - s.boiler
    structure = (s.prose + OTHER_WEIGHT * other) / s.chars
    prose_recall = min(1.0, s.prose / (ARTICLE_SHARE * facts.text)) if facts.text else 1.0
    if reference is not None and reference.chars:
        agree = agreement(s.words, reference.words)
        precision = WEIGHT_AGREEMENT * agree + (1 - WEIGHT_AGREEMENT) * structure
        recall = WEIGHT_COVERAGE * agreement(reference.words, s.words) + (1 - WEIGHT_COVERAGE) * prose_recall
    else:
        agree, precision, recall = 0.0, structure, prose_recall
    return Estimate(precision, recall, structure, agree, s.links / s.chars, s.boiler / s.chars)


#: The content score mapped to the expected token F1: confidence =
#: score ** CALIBRATION_POWER, which keeps 0 at 0 (no article) and 1 at 1
#: and lifts the middle, where the raw score is too low (scores 0.5-0.7:
#: token F1 0.77 on generic-dev). Fitted by least squares of the token F1
#: of the chosen candidate over generic-dev's 150 pages (powers 0.10-2.00 by
#: 0.01); the same fit on dev gives 0.57. Held out on dev (22 pages) the
#: mean |confidence - F1| is 0.018, 0.024 with the raw score (generic-dev:
#: 0.053 and 0.058). The ranks are the score's: Spearman 0.59 (generic-dev),
#: 0.68 (dev). benchmarks/generic_quality.py prints the reliability tables.
CALIBRATION_POWER = 0.47


def confidence(score: float) -> float:
    """The calibrated confidence (an estimate of the token F1) of a content score."""
    return min(1.0, max(0.0, score)) ** CALIBRATION_POWER


def content_confidence(lines: Sequence[Line | str], tree: LexborHTMLParser) -> float:
    """How much `lines` look like the article of `tree` (the page they came
    from, pruned as it was when they were taken from it), as a calibrated
    confidence in [0, 1]: the same score the generic extractor chooses by,
    against the cleaner's own body finder. For a page cleaned by a site
    body rule too. The tree loses the elements that never hold text
    (html.NEVER_TEXT), as on the generic path: lines already rendered from it
    are the same either way (render_lines never renders them)."""
    tree.strip_tags(NEVER_TEXT)
    facts = PageFacts(link_texts(tree), content_length(tree))
    reference = shape(body_lines(tree), facts.links)
    return confidence(estimate(shape(lines, facts.links), reference, facts).score)
