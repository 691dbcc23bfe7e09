"""Text mode: clean a scraped text, one paragraph per line.

The phases always run in this order, whatever the order of the rule files:

1. scrape duplicates (built in): lines repeated verbatim, and "glued" lines
   that are several other lines of the page concatenated (some scrapers emit
   the whole body once as one line, then paragraph by paragraph);
2. cut_after: cut a trailing block from its heading line on;
3. drop_line: drop whole lines;
4. strip_inline: remove pieces from inside a line, keeping the words around;
   lines that this made repeats of an earlier line are then dropped as in 1.

Within a phase the site's rules run before the global ones. Every removal is
recorded as a `Removal` tagged with the id of the rule that made it.
"""

from __future__ import annotations

import collections
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .rules import Rule
from .vocab import CONNECTIVES, DATE_LEADS, DAYS, TITLE_SMALL_WORDS

#: Rule ids of the built-in duplicate phase.
REPEATED_LINE = "builtin:repeated-line"
GLUED_DUPLICATE = "builtin:glued-duplicate"

# A duplicate must be at least this long to count: short lines ("-", "Foto")
# legitimately repeat.
_MIN_DUP_CHARS = 20
# Only the longest lines are examined as glued copies, to keep the phase
# linear-ish on pathological pages with thousands of lines.
_MAX_GLUED_CANDIDATES = 200
_OPEN_QUOTES = "\"“‘'«"


@dataclass(frozen=True)
class Removal:
    """A piece of the input removed by a rule. `line` is 1-based in the input."""

    rule_id: str
    phase: str
    line: int
    text: str


@dataclass
class Line:
    number: int  # 1-based line number in the input this line comes from
    text: str


def normalise(text: str) -> str:
    """Collapse every run of whitespace (NBSP included) to one space."""
    return " ".join(text.split())


def split_lines(text: str) -> list[Line]:
    """Whitespace-normalised non-empty lines, numbered as in the input."""
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = normalise(raw)
        if line:
            out.append(Line(number, line))
    return out


# -- phase 1: scrape duplicates -------------------------------------------


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


def drop_repeated_lines(lines: list[Line], removed: list[Removal]) -> list[Line]:
    """Drop a line repeated verbatim (long enough to be a paragraph), keeping the first."""
    seen: set[str] = set()
    unique: list[Line] = []
    for ln in lines:
        if len(ln.text) >= _MIN_DUP_CHARS and ln.text in seen:
            removed.append(Removal(REPEATED_LINE, "duplicates", ln.number, ln.text))
            continue
        seen.add(ln.text)
        unique.append(ln)
    return unique


def drop_scrape_duplicates(lines: list[Line], removed: list[Removal]) -> list[Line]:
    """Remove repeated lines and glued copies; keep what only a glued copy holds.

    A glued copy is a line made of other ("atomic") lines of the page run
    together. Pieces of it that no other line holds, such as crossheads the
    scraper kept only in the glued copy, are put back as their own lines
    next to the paragraph they followed, so later phases can judge them.
    """
    unique = drop_repeated_lines(lines, removed)
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
            removed.append(Removal(GLUED_DUPLICATE, "duplicates", ln.number, ln.text))
            continue
        out.extend(Line(ln.number, e) for e in extras_before.get(ln.text, []))
        out.append(ln)
        out.extend(Line(ln.number, e) for e in extras_after.get(ln.text, []))
    return out


# -- phases 2 and 3: whole lines ------------------------------------------


def cut_after(lines: list[Line], rules: Sequence[Rule], removed: list[Removal]) -> list[Line]:
    """Cut everything from the first line that a cut_after rule matches."""
    for i, ln in enumerate(lines):
        for rule in rules:
            if i + 1 >= rule.min_line and rule.matches_line(ln.text):
                removed.extend(Removal(rule.id, rule.kind, r.number, r.text) for r in lines[i:])
                return lines[:i]
    return lines


def drop_lines(lines: list[Line], rules: Sequence[Rule], removed: list[Removal]) -> list[Line]:
    kept = []
    for ln in lines:
        rule = next((r for r in rules if r.matches_line(ln.text)), None)
        if rule is None:
            kept.append(ln)
        else:
            removed.append(Removal(rule.id, rule.kind, ln.number, ln.text))
    return kept


# -- phase 4: inline pieces -----------------------------------------------

_WORD = re.compile(r"\S+")


def _is_lower(word: str) -> bool:
    first = next((c for c in word if c.isalpha()), "")
    return first.islower()


def _bare(word: str) -> str:
    return word.strip(",.:;!?")


def _is_capitalised(word: str) -> bool:
    first = next((c for c in word if c.isalpha()), "")
    return first.isupper()


def _opens_sentence(word: str, nxt: str, nxt2: str) -> bool:
    """Does a story sentence start at `word` (followed by `nxt`, `nxt2`)?"""
    if word.endswith(",") and word[:-1] in CONNECTIVES:
        return True
    if nxt.endswith(",") and f"{word} {nxt[:-1]}" in CONNECTIVES:
        return True
    day = word.rstrip(",")
    if day in DAYS and nxt.startswith("(") and nxt[1:2].isdigit():
        return True
    if word in DATE_LEADS and nxt.rstrip(",") in DAYS and nxt2.startswith("("):
        return True
    if re.fullmatch(r"\d{1,2}\.", word) and _is_capitalised(nxt):
        return True  # a numbered list item
    return _is_capitalised(word) and _is_lower(nxt) and _bare(nxt) not in TITLE_SMALL_WORDS


def title_end(rest: str) -> int:
    """Length of the promoted headline at the start of `rest`.

    Headlines are in title case ("Alasan Pemain Dicoret Pelatih"), keeping
    only small words lowercase ("untuk", "di"; see vocab.TITLE_SMALL_WORDS).
    The story resumes at the first of: an opening quote mark; a sentence
    opener (a connective with its comma, a day and date, a numbered item, a
    capitalised word followed by a lowercase word that is not a small word);
    the capitalised word before two lowercase words in a row (two small words,
    "saat di", still belong to a headline). With none of these, the headline
    runs to the end of the line.
    """
    previous = None  # start of the word before
    for (start, word), (_, nxt), (_, nxt2) in _word_windows(rest):
        if word[0] in _OPEN_QUOTES or _opens_sentence(word, nxt, nxt2):
            return start
        if _is_lower(word) and _is_lower(nxt) and not (_bare(word) in TITLE_SMALL_WORDS and _bare(nxt) in TITLE_SMALL_WORDS):
            return start if previous is None else previous
        previous = start
    return len(rest)


def _word_windows(text: str) -> Iterator[tuple[tuple[int, str], ...]]:
    """Each word of `text` (start, word) with the two after it (("", end) past
    the last). Read lazily: a line can hold thousands of promos, and listing
    the rest of the line for each of them was quadratic."""
    words = itertools.chain(((m.start(), m.group()) for m in _WORD.finditer(text)), [(len(text), "")] * 2)
    window = collections.deque(itertools.islice(words, 2), maxlen=3)
    for word in words:
        window.append(word)
        yield tuple(window)


def _glues_words(text: str, start: int, end: int) -> bool:
    """Would cutting text[start:end] join a word character to another?"""
    return 0 < start and end < len(text) and bool(re.fullmatch(r"\w\w", text[start - 1] + text[end]))


def _strip_one(text: str, rule: Rule) -> tuple[str, list[str]]:
    """Apply one strip_inline rule to a line; return the new line and the pieces cut."""
    pieces: list[str] = []
    out: list[str] = []
    pos = 0
    while True:
        m = rule.pattern.search(text, pos)
        if m is None or (m.end() == m.start() and m.start() >= len(text)):
            break
        end = m.end()
        if rule.title == "rest":
            end = len(text)
        elif rule.title == "titlecase":
            end += title_end(text[end:])
            while end < len(text) and text[end] == " ":
                end += 1
        if end == m.start():  # empty match: step over one character
            out.append(text[pos : m.start() + 1])
            pos = m.start() + 1
            continue
        out.append(text[pos : m.start()])
        replacement = m.expand(rule.replace) if rule.replace else ""
        if not replacement and _glues_words(text, m.start(), end):
            replacement = " "  # "langsungBaca JugaFasilitas": never make one word of two
        out.append(replacement)
        pieces.append(text[m.start() : end])
        pos = end
    out.append(text[pos:])
    return "".join(out), pieces


def strip_inline(lines: list[Line], rules: Sequence[Rule], removed: list[Removal]) -> list[Line]:
    kept = []
    for index, ln in enumerate(lines):
        text = ln.text
        for rule in rules:
            if rule.scope == "first_line" and index != 0:
                continue
            text, pieces = _strip_one(text, rule)
            if pieces:
                # Each rule sees a normalised line: a cut at the start must not
                # hide the line's start from the next rule ("ADVERTISEMENT JAKARTA - ").
                text = normalise(text)
            removed.extend(Removal(rule.id, rule.kind, ln.number, p) for p in pieces)
        text = normalise(text)
        if re.search(r"\w", text):
            kept.append(Line(ln.number, text))
    return kept


def apply_rule(rule: Rule, line: str) -> str:
    """What one rule does to one line alone ('' when the line is removed)."""
    return "\n".join(ln.text for ln in run_phases([Line(1, line)], {rule.kind: [rule]}, [], duplicates=False))


def run_phases(
    lines: list[Line],
    rules_by_phase: dict[str, Sequence[Rule]],
    removed: list[Removal],
    *,
    duplicates: bool = True,
) -> list[Line]:
    """Run all text phases in their fixed order."""
    if duplicates:
        lines = drop_scrape_duplicates(lines, removed)
    lines = cut_after(lines, rules_by_phase.get("cut_after", ()), removed)
    lines = drop_lines(lines, rules_by_phase.get("drop_line", ()), removed)
    lines = strip_inline(lines, rules_by_phase.get("strip_inline", ()), removed)
    if duplicates:  # two lines that differed only by an inline promo are now the same paragraph
        lines = drop_repeated_lines(lines, removed)
    return lines
