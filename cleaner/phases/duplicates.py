"""Built-in phases (no rules) for a scraper's artefacts in scraped text:
lines repeated verbatim, and "glued" lines that are several other lines of
the page run together (some scrapers emit the whole body once as one line,
then paragraph by paragraph). Lines rendered from an HTML page repeat only
when the article repeats them (answer keys, tables), so these phases run on
scraped text only."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..page import Line
from ..text import TextRun, normalise
from .base import Phase, Rule, register

#: Rule ids of the built-in duplicate phases.
REPEATED_LINE = "builtin:repeated-line"
GLUED_DUPLICATE = "builtin:glued-duplicate"

# A duplicate must be at least this long to count: short lines ("-", "Foto")
# legitimately repeat.
_MIN_DUP_CHARS = 20
# Only the longest lines are examined as glued copies, to keep the phase
# linear-ish on pathological pages with thousands of lines.
_MAX_GLUED_CANDIDATES = 200


def drop_repeated_lines(lines: list[Line], run: TextRun, phase: str) -> list[Line]:
    """Drop a line repeated verbatim (long enough to be a paragraph), keeping the first."""
    seen: set[str] = set()
    unique: list[Line] = []
    for ln in lines:
        if len(ln.text) >= _MIN_DUP_CHARS and ln.text in seen:
            run.remove(ln, REPEATED_LINE, phase)
            continue
        seen.add(ln.text)
        unique.append(ln)
    return unique


def _covered_spans(line: str, parts: Sequence[str]) -> list[tuple[int, int, str]]:
    """Where each part first occurs in `line`, as non-overlapping (start, end, part)."""
    spans = []
    for part in parts:
        start = line.find(part)
        if start >= 0:
            spans.append((start, start + len(part), part))
    spans.sort()
    kept: list[tuple[int, int, str]] = []
    for span in spans:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


@register
class ScrapeDuplicates(Phase):
    """Remove repeated lines and glued copies; keep what only a glued copy holds.

    A glued copy is a line made of other ("atomic") lines of the page run
    together. Pieces of it that no other line holds, such as crossheads the
    scraper kept only in the glued copy, are put back as their own lines
    next to the paragraph they followed, so later phases can judge them.
    """

    mode, kind, order = "text", "duplicates", 10
    takes_rules = False
    inputs = ("text",)
    summary = (
        "a line repeated verbatim (20+ characters) is dropped (`builtin:repeated-line`); a line made of two or more "
        "other lines of the page glued together is dropped (`builtin:glued-duplicate`), and the pieces that only it "
        "held (a crosshead, a promo) are put back as lines of their own at their place, for the later phases to judge"
    )

    def run(self, lines: list[Line], rules: Sequence[Rule], run: TextRun) -> list[Line]:
        unique = drop_repeated_lines(lines, run, self.kind)
        seen = {ln.text for ln in unique}
        texts = [ln.text for ln in unique if len(ln.text) >= _MIN_DUP_CHARS]
        if len(texts) < 2:
            return unique
        candidates = set(sorted(texts, key=len, reverse=True)[:_MAX_GLUED_CANDIDATES])

        def contained(line: str) -> list[str]:
            return [t for t in texts if len(t) < len(line) and t in line]

        # Two contained lines at least: one alone is a paragraph that quotes a line.
        glued = {t for t in candidates if len(contained(t)) >= 2}
        atomic = [t for t in texts if t not in glued]
        recovered: set[str] = set(seen)
        extras_after: dict[str, list[str]] = {}  # atomic line -> pieces that followed it
        extras_before: dict[str, list[str]] = {}  # for pieces ahead of every atomic line
        drop: set[str] = set()
        for line in glued:
            spans = _covered_spans(line, [t for t in atomic if t in line])
            if len(spans) < 2 or sum(end - start for start, end, _ in spans) * 2 < len(line):
                continue  # mostly its own text, not a copy of other lines
            drop.add(line)
            cursor, anchor = 0, None
            for start, end, part in [*spans, (len(line), len(line), None)]:
                extra = normalise(line[cursor:start])
                if extra and re.search(r"\w", extra) and extra not in recovered:
                    recovered.add(extra)
                    if anchor is not None:
                        extras_after.setdefault(anchor, []).append(extra)
                    elif part is not None:
                        extras_before.setdefault(part, []).append(extra)
                cursor, anchor = end, part

        out: list[Line] = []
        for ln in unique:
            if ln.text in drop:
                run.remove(ln, GLUED_DUPLICATE, self.kind)
                continue
            for text in extras_before.get(ln.text, []):
                out.append(piece := Line(ln.number, text))
                run.recover(piece, ln, after=False)
            out.append(ln)
            for text in extras_after.get(ln.text, []):
                out.append(piece := Line(ln.number, text))
                run.recover(piece, ln, after=True)
        return out


def without_scrape_duplicates(lines: list[Line]) -> list[Line]:
    """The lines as the duplicates phase leaves them (outside a page's run)."""
    return ScrapeDuplicates().run(lines, (), TextRun(lines, "text", []))


@register
class RepeatsAfterInline(Phase):
    """Two lines that differed only by an inline promo are the same paragraph
    once strip_inline has cut it: the later one goes, as in `duplicates`."""

    mode, kind, order = "text", "repeats", 50
    takes_rules = False
    inputs = ("text",)
    summary = "lines that strip_inline made repeats of an earlier line are dropped as in `duplicates` (`builtin:repeated-line`)"

    def run(self, lines: list[Line], rules: Sequence[Rule], run: TextRun) -> list[Line]:
        return drop_repeated_lines(lines, run, "duplicates")
