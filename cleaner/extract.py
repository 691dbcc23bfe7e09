"""The one generic fallback for pages without a site body: candidate
extractions of the page's one tree, chosen by a content score (never by
length), or, on a page too big or too deep for trafilatura, the page's
content rendered.

Candidates (trafilatura's options are fixed here, in one place; it runs on
the page after the generic and site node rules have pruned it, so captions,
related-article boxes and social prompts that it would keep are gone):

- ``fast``: trafilatura with ``fast=True`` (its own fallbacks off): on
  article pages as good as its full run, and quick. Always run.
- ``body``: the cleaner's own body finder (body.py), on the lexbor tree:
  the element holding most of the page's prose. Always run (a few ms): it
  is the independent candidate the others are checked against.
- ``precision``: trafilatura's fast pass with ``favor_precision=True``; run
  only when the fast pass's estimated precision is below PRECISION_GATE
  (it kept link lists, boilerplate or text the body finder did not keep).
- ``full``: trafilatura's full run (``fast=False``); run only when the fast
  pass holds under RETRY_SHARE of the page's text (see below): on
  list-style pages the fast pass keeps one block of several.

Each candidate gets a content score (content_score.py: estimated precision
and recall, agreement with the independent candidate); the fast pass is
kept unless another scores at least MARGIN more (BODY_MARGIN for the body
finder, which is right less often). The chosen score, calibrated, is the
page's ``confidence``.

A page too big or too deep for trafilatura is not handed to it. Its content
(the body outside the chrome: the text RETRY_SHARE is measured against) is
rendered block by block by `html.render_lines` instead, as a site body is,
and the result says so (extractor ``"generic-large"``):

- more than LARGE_PAGE_CHARS characters, LARGE_PAGE_TAGS tags or
  LARGE_PAGE_BLOCKS paragraphs and headings (scripts and styles left out):
  trafilatura's time grows faster than the page. Measured on pages of
  identical <p> paragraphs: 1 MB 0.3 s, 2 MB 0.6 s, 8 MB 5.4 s a pass, and
  a short result there triggers the second pass. Most of it is one XPath,
  ``//p//text()``, that libxml2 evaluates in quadratic time (10k <p> 0.04 s,
  80k 5.3 s); 10k headings cost 0.8 s and 25k 5.7 s (trailing titles
  removed one by one, each time counting the children).
- deeper than TRAFILATURA_MAX_DEPTH, once the fast pass came out short:
  lxml (libxml2) stops reading a page at 256 levels, so trafilatura loses
  the deep part and all that follows it (a 100k-<div> nest: empty text).
  Only then is the depth looked at: a page trafilatura read well is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura
from selectolax.lexbor import LexborHTMLParser, LexborNode
from trafilatura.utils import load_html

from .body import body_lines
from .content_score import CHROME, Estimate, PageFacts, Shape, confidence, content_length, estimate, link_texts, shape
from .html import NEVER_TEXT, render_lines
from .page import GENERIC, GENERIC_LARGE, Line
from .text import split_lines

#: trafilatura options, fixed: text only, no comments, tables kept (they can
#: be article data), no deduplication across calls (that state is global).
#: ``fast`` is set per pass (see the module doc).
TRAFILATURA_OPTIONS = dict(
    output_format="txt",
    include_comments=False,
    include_tables=True,
    include_images=False,
    include_links=False,
    include_formatting=False,
    with_metadata=False,
    deduplicate=False,
)

#: The full pass runs when the fast pass's text is shorter than this share
#: of the page's text outside its chrome. The fast pass holds 0.02-0.095 of
#: it on the pages where it lost whole sections, 0.15 and more on the news
#: articles of dev and the tribunnews pool. Since the full pass is chosen by
#: its score, not its length, the gate only saves time: on generic-dev
#: (benchmarks/generic_fit.py) 0.12 runs it on 4 pages (mean token F1
#: 0.9376), 0.2 on 6 (0.9395: one page fewer behind trafilatura), 0.3 on 10
#: (the same); on dev 0.2 runs it on 3 pages and chooses none of them.
RETRY_SHARE = 0.2

#: Above this many tags ("<" in the page without scripts and styles),
#: trafilatura is not used. On real markup its time is about linear in the
#: tags, ~1 s a pass here: measured on the bodies of generic-dev pages put
#: one after the other, 18k tags 0.24 s, 35k 0.49 s, 69k 1.05 s, 124k 1.9 s;
#: on dense made-up shapes (a <div>, <li> or <span> of three words each) ~2 s
#: at 60k. The corpus pages have at most 7.7k "<" before scripts are removed.
LARGE_PAGE_TAGS = 60_000
#: Above this many paragraphs and headings (<p>, <h1>-<h6>), trafilatura is
#: not used: its time grows with their square. 9k <p> (identical ones, a
#: fast pass): 0.25 s; 18k 0.56 s; 71k 5.4 s. 10k <h2>: 0.8 s, 25k 5.7 s.
#: The corpus pages have at most 283 <p>.
LARGE_PAGE_BLOCKS = 10_000
#: Above this many characters (the same page), trafilatura is not used
#: either: with few tags it is linear but not free (50 long paragraphs of
#: 21 MB: 1.2 s a pass). The largest corpus page is 0.54 M characters.
LARGE_PAGE_CHARS = 5_000_000
# The start of a paragraph or a heading in the page as lexbor writes it out.
_BLOCK_START = re.compile(r"<(?:p|h[1-6])[\s>]")
#: A page with an element this deep (html = 1) is read in part by
#: trafilatura's parser (libxml2 stops at 256 levels; measured: a page whose
#: deepest element is at level 257 comes out empty); kept a little below.
TRAFILATURA_MAX_DEPTH = 250

_RAN = "the generic extractor (trafilatura) ran on the pruned page"

#: The fast pass is retried in precision mode when its estimated precision
#: is below this. 0.4-0.9 make the same choices on both sets; the pass then
#: runs on 5-13 of generic-dev's 150 pages (7 at 0.6) and 0-1 of dev's 22.
PRECISION_GATE = 0.6
#: A candidate replaces the fast pass when it scores this much more: the
#: fast pass is the most reliable single candidate (mean token F1 0.923 on
#: generic-dev, 0.970 on dev), so a near tie keeps it. 0.05-0.2 choose alike
#: on both sets.
MARGIN = 0.05
#: The body finder needs a larger lead: alone it scores 0.910 (generic-dev)
#: and 0.984 (dev), against 0.923 and 0.970 for the fast pass, but where it
#: errs it takes a whole box of something else. 0.05-0.3 choose alike on
#: both sets; with no lead asked (the plain best score) dev gains (0.985
#: mean token F1) and generic-dev, where this was set, loses (0.939, five
#: pages behind trafilatura instead of two).
BODY_MARGIN = 0.15


@dataclass(frozen=True, slots=True)
class Candidate:
    """One candidate extraction of a page, for `explain`."""

    name: str  # "fast", "precision", "full", "body" ("rendered": a page too big or deep)
    score: float  # its content score (estimated token F1, before calibration)
    chars: int  # characters in its lines
    chosen: bool = False


@dataclass
class Generic:
    """What the generic extractor found: the lines, which extractor, why,
    how confident it is (an estimated token F1, 0-1), and every candidate."""

    lines: list[Line]
    extractor: str  # GENERIC or GENERIC_LARGE
    reason: str
    confidence: float = 0.0
    candidates: tuple[Candidate, ...] = ()


#: What each candidate is, in reasons.
_LABELS = {"fast": "trafilatura fast pass", "precision": "trafilatura precision pass",
           "full": "trafilatura full pass", "body": "the cleaner's body finder"}


#: The trafilatura passes, by candidate name (with TRAFILATURA_OPTIONS).
PASSES = {"fast": dict(fast=True), "precision": dict(fast=True, favor_precision=True), "full": dict(fast=False)}


@dataclass
class Run:
    """A candidate being weighed: its lines, their shape and estimate."""

    name: str
    lines: list[Line]
    shape: Shape
    estimate: Estimate

    @classmethod
    def of(cls, name: str, lines: list[Line], facts: PageFacts, reference: Shape | None) -> Run:
        """A candidate measured against the page and an independent candidate's shape."""
        s = shape(lines, facts.links)
        return cls(name, lines, s, estimate(s, reference, facts))

    @property
    def score(self) -> float:
        return self.estimate.score

    def record(self, chosen: bool) -> Candidate:
        return Candidate(self.name, round(self.score, 3), self.shape.chars, chosen)


def extract_generic(tree: LexborHTMLParser, url: str | None = None) -> Generic:
    """The article lines of a page (its one parsed tree, pruned by the node
    rules): the best-scoring candidate (see the module doc), or for a page
    too big or too deep for trafilatura, its content rendered. The tree is
    changed: the elements that never hold text are removed first."""
    tree.strip_tags(NEVER_TEXT)
    page = tree.html or ""  # what trafilatura reads
    if too_large(page):
        return _rendered(tree, "the page is too big for trafilatura, so its content was rendered whole")
    # trafilatura's XPath expressions run on lxml trees, not on lexbor's: the
    # page is parsed once more, here, by trafilatura's own loader, and every
    # pass reads that one lxml tree (trafilatura copies it for each pass).
    document = load_html(page)
    if document is None:
        return Generic([], GENERIC, f"{_RAN}: it found no HTML document in the page")
    facts = PageFacts(link_texts(tree), content_length(tree))
    fast, body = first_pair(trafilatura_pass(document, url, "fast"), body_lines(tree), facts)
    runs = [fast, body]
    if could_change_choice("precision", fast, facts):
        runs.append(Run.of("precision", trafilatura_pass(document, url, "precision"), facts, body.shape))
    if looks_short(fast, facts):
        if too_deep(tree):
            return _rendered(tree, "the page is nested too deep for trafilatura's parser, so its content was rendered whole")
        if could_change_choice("full", fast, facts):
            runs.append(Run.of("full", trafilatura_pass(document, url, "full"), facts, body.shape))
    best = choose(runs)
    return Generic(best.lines, GENERIC, _why(best, fast), confidence(best.score),
                   tuple(run.record(run is best) for run in runs))


def trafilatura_pass(document, url: str | None, name: str) -> list[Line]:
    """One of trafilatura's PASSES on the page's lxml document."""
    return split_lines(trafilatura.extract(document, url=url, **PASSES[name], **TRAFILATURA_OPTIONS) or "")


def first_pair(fast_lines: list[Line], body: list[Line], facts: PageFacts) -> tuple[Run, Run]:
    """The fast pass and the body finder, each measured against the other."""
    fast_shape, body_shape = shape(fast_lines, facts.links), shape(body, facts.links)
    return (Run("fast", fast_lines, fast_shape, estimate(fast_shape, body_shape, facts)),
            Run("body", body, body_shape, estimate(body_shape, fast_shape, facts)))


def looks_short(fast: Run, facts: PageFacts) -> bool:
    """The fast pass holds under RETRY_SHARE of the page's text."""
    return fast.shape.chars < RETRY_SHARE * facts.text


def could_change_choice(name: str, fast: Run, facts: PageFacts) -> bool:
    """Whether the precision or full pass can change the choice: it could
    beat the fast pass by MARGIN, and the fast pass shows the flaw it mends
    (an estimated precision under PRECISION_GATE; a short text)."""
    if fast.score >= 1 - MARGIN:
        return False
    return fast.estimate.precision < PRECISION_GATE if name == "precision" else looks_short(fast, facts)


def choose(runs: list[Run]) -> Run:
    """The fast pass (the first run) unless another scores MARGIN more
    (BODY_MARGIN for the body finder); the best of those that do."""
    fast = runs[0]
    leads = [run for run in runs[1:]
             if run.score > fast.score and run.score >= fast.score + (BODY_MARGIN if run.name == "body" else MARGIN)]
    return max(leads, key=lambda run: run.score, default=fast)


def _rendered(tree: LexborHTMLParser, why: str) -> Generic:
    """A page's content rendered whole (a page too big or too deep for trafilatura)."""
    lines = rendered_content(tree)
    # the lines are the page's content: scored by their shape alone
    facts = PageFacts(frozenset(), 0)
    score = estimate(shape(lines, facts.links), None, facts).score
    chars = sum(len(ln.text) for ln in lines)
    return Generic(lines, GENERIC_LARGE, why, confidence(score), (Candidate("rendered", round(score, 3), chars, True),))


def _why(best: Run, fast: Run) -> str:
    """One line: which candidate won, its score, and what the fast pass lacked."""
    label = f"{_LABELS[best.name]}: score {best.score:.2f}"
    if best is fast:
        return f"{label} (no other candidate scored {MARGIN} more)"
    e = fast.estimate
    flaws = []
    if e.links >= 0.1:
        flaws.append("kept link lines")
    if e.boiler >= 0.05:
        flaws.append("kept boilerplate")
    if e.agreement < 0.5:
        flaws.append("kept text the body finder left out")
    if e.recall < 0.5:
        flaws.append("missed most of the page's prose")
    if not flaws:
        flaws.append("scored lower")
    return f"{label} vs fast {fast.score:.2f} (the fast pass {' and '.join(flaws)})"


def too_large(page: str) -> bool:
    """Too big for trafilatura (LARGE_PAGE_CHARS, LARGE_PAGE_TAGS, LARGE_PAGE_BLOCKS)."""
    return (
        len(page) > LARGE_PAGE_CHARS
        or page.count("<") > LARGE_PAGE_TAGS
        or len(_BLOCK_START.findall(page)) > LARGE_PAGE_BLOCKS
    )


def too_deep(tree: LexborHTMLParser) -> bool:
    """Nested deeper than trafilatura's parser reads (TRAFILATURA_MAX_DEPTH)."""
    # An element with TRAFILATURA_MAX_DEPTH - 1 ancestors. Child combinators
    # only: the match walks up at most that far from each element.
    return tree.css_first("* > " * (TRAFILATURA_MAX_DEPTH - 1) + "*") is not None


def rendered_content(tree: LexborHTMLParser) -> list[Line]:
    """The body outside its chrome, rendered to lines as a site body is (the
    chrome is removed from the tree)."""
    if tree.body is None:
        return []
    tree.strip_tags(list(CHROME))
    return render_lines(tree.body)
