"""`strip_inline`: pieces removed from inside a line, keeping the words
around them (a dateline prefix, an end mark "(*)", a promo glued inside a
paragraph). A line left with no word is dropped."""

from __future__ import annotations

import collections
import functools
import itertools
import re
from collections.abc import Iterator, Sequence

try:  # Python 3.11+
    from re import _constants as _sre, _parser as _sre_parse
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

from ..page import Line, Piece
from ..text import TextRun, normalise
from ..vocab import CONNECTIVES, DATE_LEADS, DAYS, TITLE_SMALL_WORDS
from .base import Key, Phase, Rule, register

#: How the promoted headline after an inline marker is found (`title`).
TITLE_MODES = ("none", "titlecase", "rest")
#: Rule id of a line strip_inline drops because no word is left in it (a lone "-" or "•").
NO_WORDS = "builtin:no-words"
#: Rounds of the rules over one line at most: a round after the first runs
#: only when the one before cut something (on the corpus a second round cuts
#: on a handful of lines, a third on none).
MAX_ROUNDS = 4

#: `scope = "lead"`: a dateline on one of the first LEAD_LINES lines opens the
#: body; the lines above it (a headline, a summary, a byline: each at most
#: LEAD_WORDS words) are not article text. Measured on the dev texts and
#: pools: a dateline below the first line stands on the second, under a
#: byline ("Laporan Isya Anshori" / "SURYAMALANG.COM, KEDIRI - ..."); a
#: glued or separate summary above it runs to about 40 words.
LEAD_LINES = 3
LEAD_WORDS = 60

#: Named guards (`preceded_by`, `followed_by`): what must come just before or
#: just after a match, so that rule files do not write the lookarounds by hand.
PRECEDED_BY = {
    "anything": "",
    # a sentence has just ended: a stop, a closing quote or bracket ("... kata dia." + "(abc)")
    "sentence_end": "(?<=[.!?\"”'’)])",
}
FOLLOWED_BY = {
    "anything": "",
    # a capital letter, maybe after an opening quote
    "capital": "(?=[\"“‘']?[A-Z])",
    # a new sentence starts: a capital, a digit or an opening quote
    "sentence_start": "(?=[\"“'‘A-Z0-9])",
}
_OPEN_QUOTES = "\"“‘'«"
_WORD = re.compile(r"\S+")
_HAS_WORD = re.compile(r"\w")


@register
class StripInline(Phase):
    mode, kind, order = "text", "strip_inline", 40
    verb = "changed"
    summary = "every match of the `pattern` **inside** a line is removed, keeping the words around it; a line left with no word is dropped"
    keys = {
        "pattern": Key("regex", "a Python `re` regex **searched** inside the line; every match is a piece to remove", required=True),
        "replace": Key("string", "what a match becomes (`\\g<name>` groups allowed)", default=""),
        "scope": Key("string", "`all` lines, only the `first_line` (for datelines), or the `lead`: the first line, or the "
                     f"first of the first {LEAD_LINES} lines the pattern matches when no dateline is on the first one (the "
                     "lines above it, a headline, summary or byline of at most "
                     f"{LEAD_WORDS} words each, are removed)", default="all", choices=("all", "first_line", "lead")),
        "title": Key("string", "also remove the promoted headline after the match: `none`, `titlecase` (to where the sentence "
                     "resumes) or `rest` (to the end of the line)", default="none", choices=TITLE_MODES),
        "preceded_by": Key("string", "what must come just before a match: `anything`, or `sentence_end` "
                           "(a stop, `!`, `?`, a closing quote or bracket)", default="anything", choices=tuple(PRECEDED_BY)),
        "followed_by": Key("string", "what must come just after a match: `anything`, `capital` (A-Z, maybe after an opening quote) or "
                           "`sentence_start` (a capital, a digit or an opening quote)", default="anything",
                           choices=tuple(FOLLOWED_BY)),
        "expect": Key("list of [input, output] pairs", "what this rule alone makes of a line: `[line, result]` pairs", default=()),
    }
    example = """\
# [[text.strip_inline]]
# id = "{prefix}-T03"
# why = "outlet dateline at the start of the first paragraph"
# scope = "first_line"
# pattern = '^(?i:{escaped})\\s*[-–—]\\s*'
# must_match = ["{name} - Isi paragraf pertama."]
# must_not_match = ["Menurut {name} - media daring - laporan itu benar."]
# expect = [["{name} - Isi paragraf pertama.", "Isi paragraf pertama."]]

# [[text.strip_inline]]
# id = "{prefix}-T04"
# why = "editor initials in parentheses at the end of the last paragraph: '... kata dia. (abc/def)'"
# pattern = '\\s*\\((?:[a-z]{{2,4}}/){{1,3}}[a-z]{{2,4}}\\)$'
# must_match = ["kata dia. (abc/def)"]
# must_not_match = ["Komisi itu (KPK/Polri) menolak."]
# expect = [["kata dia. (abc/def)", "kata dia."]]
"""

    def _key_hints(self) -> dict[str, str]:
        return {"line_pattern": "strip_inline searches inside a line: name the regex `pattern`"}

    def regex_source(self, name: str, value: str, raw: dict) -> str:
        before = PRECEDED_BY.get(raw.get("preceded_by", "anything"), "")
        after = FOLLOWED_BY.get(raw.get("followed_by", "anything"), "")
        return f"{before}(?:{value}){after}" if before or after else value

    def fires(self, rule: Rule, example: str) -> bool:
        return rule.pattern.search(example) is not None

    def example_problems(self, rule: Rule) -> list[str]:
        problems = super().example_problems(rule)
        for line, wanted in rule.options["expect"]:
            got = apply_alone(rule, line)
            if got != wanted:
                problems.append(f"expect {line!r} -> {wanted!r}, got {got!r}")
        return problems

    def run(self, lines: list[Line], rules: Sequence[Rule], run: TextRun) -> list[Line]:
        later = [r for r in rules if r.options["scope"] == "all"]
        kept = []
        dateline = False  # a first_line or lead rule cut the first line
        for index, ln in enumerate(lines):
            text, pieces = self._strip(ln.text, rules if index == 0 else later)
            if index == 0:
                dateline = any(p.rule_id in self._first_ids(rules) for p in pieces)
            self._keep(ln, text, pieces, kept, run)
        if not dateline and any(r.options["scope"] == "lead" for r in rules):
            kept = self._lead(kept, rules, run)
        return kept

    @staticmethod
    def _first_ids(rules: Sequence[Rule]) -> set[str]:
        return {r.id for r in rules if r.options["scope"] != "all"}

    @staticmethod
    def _strip(text: str, rules: Sequence[Rule]) -> tuple[str, list[Piece]]:
        """The line as the rules leave it, and the pieces they cut."""
        pieces: list[Piece] = []
        # A cut can bring a piece to where an earlier rule looks for it (a
        # promo cut from before a dateline); the rules run again on a line
        # they changed, so that cleaning the output changes nothing more.
        for _ in range(MAX_ROUNDS):
            found = len(pieces)
            for rule in rules:
                needs = rule.needs  # Rule.may_match inlined: it runs for every rule on every line
                if needs:
                    for needed in needs:
                        if needed in text:
                            break
                    else:
                        continue
                text, cut = strip_one(text, rule)
                if cut:
                    # Each rule sees a normalised line: a cut at the start must not
                    # hide the line's start from the next rule ("ADVERTISEMENT JAKARTA - ").
                    text = normalise(text)
                    pieces += cut
            if len(pieces) == found:
                break
        return text, pieces

    def _keep(self, ln: Line, text: str, pieces: list[Piece], kept: list[Line], run: TextRun) -> None:
        """Keep the line as cut (reporting the change), or drop it when no word is left."""
        if pieces:
            text = normalise(text)
            new = run.change(ln, text if _HAS_WORD.search(text) else "", pieces, self.kind)
            if new is not None:
                kept.append(new)
        elif _HAS_WORD.search(text):
            kept.append(ln)
        else:
            run.remove(ln, NO_WORDS, self.kind)

    def _lead(self, lines: list[Line], rules: Sequence[Rule], run: TextRun) -> list[Line]:
        """With a `lead` rule, when no dateline was cut from the first line:
        if one of the next lines (LEAD_LINES) opens with a dateline a lead
        rule knows, the lines above it (each at most LEAD_WORDS words) are
        removed, and that line is cut as a first line."""
        lead = [r for r in rules if r.options["scope"] == "lead"]
        for k in range(1, min(LEAD_LINES, len(lines))):
            if lines[k - 1].text.count(" ") >= LEAD_WORDS:
                break
            rule = next((r for r in lead if r.may_match(lines[k].text) and r.pattern.search(lines[k].text)), None)
            if rule is not None:
                for above in lines[:k]:
                    run.remove(above, rule.id, self.kind)
                kept: list[Line] = []
                self._keep(lines[k], *self._strip(lines[k].text, [r for r in rules if r.options["scope"] != "all"]), kept, run)
                return kept + lines[k + 1 :]
        return lines


def apply_alone(rule: Rule, line: str) -> str:
    """What one strip_inline rule alone makes of one line, as given ('' when the line goes)."""
    text, cut = strip_one(line, rule)
    text = normalise(text)
    return text if _HAS_WORD.search(text) else ""


_TAILS: dict = {}  # compiled pattern -> tail_width of its source
_ENDS: dict = {}  # compiled pattern -> end_chars of its source (patterns with a tail width)
_UNKNOWN = object()
#: A match of a pattern anchored at the line's end is at most this long to be
#: searched for in the line's tail only (see tail_width).
MAX_TAIL = 1000


@functools.lru_cache(maxsize=None)
def tail_width(pattern: str) -> int | None:
    """How far from the end of a line every match of `pattern` starts, when
    every match ends at the line's end (`$`) and its length is bounded; else
    None. Python's `re` tries a pattern at every position of a line, so an
    end credit such as '(abc/def)$' costs a scan of the whole paragraph for
    each rule; searched from `len(line) - tail_width` it costs one short
    try (lookbehinds still see the text before that position). Lines are
    whitespace-normalised, so a run of whitespace counts as one character."""
    try:
        parsed = _sre_parse.parse(pattern)
    except re.error:
        return None
    if not _ends_at_end(list(parsed)):
        return None
    width = _width(list(parsed))
    return width if width is not None and width <= MAX_TAIL else None


def _ends_at_end(items: list) -> bool:
    if not items:
        return False
    op, av = items[-1]
    if op is _sre.AT:
        return av in (_sre.AT_END, _sre.AT_END_STRING)
    if op is _sre.SUBPATTERN:
        return _ends_at_end(list(av[3]))
    if op is _sre.BRANCH:
        return all(_ends_at_end(list(alt)) for alt in av[1])
    return False


def _space_only(node) -> bool:
    """A node that matches whitespace only: ' ', \\s, [ \\t]."""
    op, av = node
    if op is _sre.LITERAL:
        return chr(av).isspace()
    if op is _sre.CATEGORY:
        return av is _sre.CATEGORY_SPACE
    if op is _sre.IN:
        return all(_space_only(x) for x in av)
    return False


def _width(items: list) -> int | None:
    """The longest text a sequence of parsed nodes can match (None: unbounded)."""
    total = 0
    for op, av in items:
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue
        if op in (_sre.LITERAL, _sre.NOT_LITERAL, _sre.ANY, _sre.IN, _sre.CATEGORY):
            total += 1
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            lo, hi, body = av
            body = list(body)
            inner = _width(body)
            if inner is None:
                return None
            if len(body) == 1 and _space_only(body[0]):
                total += min(hi, 1)  # a run of spaces is one space in a normalised line
            elif hi == _sre.MAXREPEAT:
                return None
            else:
                total += hi * inner
        elif op is _sre.SUBPATTERN:
            inner = _width(list(av[3]))
            if inner is None:
                return None
            total += inner
        elif op is _sre.ATOMIC_GROUP:
            inner = _width(list(av))
            if inner is None:
                return None
            total += inner
        elif op is _sre.BRANCH:
            widths = [_width(list(alt)) for alt in av[1]]
            if any(w is None for w in widths):
                return None
            total += max(widths)
        else:
            return None  # a back reference, a conditional: not followed
    return total


@functools.lru_cache(maxsize=None)
def end_chars(pattern: str) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """For a pattern whose every match ends at the line's end: the characters
    a line must end with for it to match ((None: any), and those it must not
    end with (None: none), read from its last part: '\\)\\s*$' needs ')',
    '(?<![.!?])$' refuses a stop. A paragraph ends with a stop, so a rule for
    an end credit or a glued headline is skipped on most lines without a
    search. Lines are whitespace-normalised: they never end with a space."""
    try:
        parsed = _sre_parse.parse(pattern)
    except re.error:
        return None, None
    return _end_sets(list(parsed))


def _charset_of(node) -> frozenset[str] | None:
    op, av = node
    if op is _sre.LITERAL:
        return frozenset(chr(av))
    if op is _sre.IN:
        out: set[str] = set()
        for iop, iav in av:
            if iop is _sre.LITERAL:
                out.add(chr(iav))
            elif iop is _sre.RANGE and iav[1] - iav[0] < 400:
                out.update(chr(c) for c in range(iav[0], iav[1] + 1))
            else:
                return None  # a negation, a category (\w): not followed
        return frozenset(out)
    return None


def _end_sets(items: list) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    while items and items[-1][0] is _sre.AT and items[-1][1] in (_sre.AT_END, _sre.AT_END_STRING):
        items = items[:-1]
    while items and items[-1][0] in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and _space_only_repeat(items[-1]):
        items = items[:-1]  # \s* before $: a normalised line does not end with a space
    if not items:
        return None, None
    op, av = items[-1]
    if op is _sre.ASSERT_NOT and av[0] == -1:  # (?<![.!?])$
        body = list(av[1])
        if len(body) == 1 and (chars := _charset_of(body[0])) is not None:
            return None, chars
        return None, None
    if op is _sre.SUBPATTERN:
        return _end_sets(list(av[3]))
    if op is _sre.BRANCH:
        ends = [_end_sets(list(alt)) for alt in av[1]]
        if any(req is None for req, _ in ends):
            return None, None
        return frozenset().union(*(req for req, _ in ends)), None
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        return _end_sets(list(av[2])) if av[0] >= 1 else (None, None)
    return _charset_of((op, av)), None


def _space_only_repeat(node) -> bool:
    body = list(node[1][2])
    return len(body) == 1 and _space_only(body[0])


def strip_one(text: str, rule: Rule) -> tuple[str, list[Piece]]:
    """Apply one strip_inline rule to a line; return the new line and the pieces cut."""
    pattern = rule.pattern
    tail = _TAILS.get(pattern, _UNKNOWN)
    if tail is _UNKNOWN:
        tail = _TAILS[pattern] = tail_width(pattern.pattern)
        _ENDS[pattern] = end_chars(pattern.pattern) if tail is not None else (None, None)
    if tail is not None and text:
        required, refused = _ENDS[pattern]
        if required is not None and text[-1] not in required or refused is not None and text[-1] in refused:
            return text, []  # every match ends at the line's end, and this line cannot end one
    pos = 0
    if tail is not None and len(text) > tail:
        pos = len(text) - tail  # every match ends at the line's end: only the tail can hold one
    m = pattern.search(text, pos)
    if m is None:
        return text, []
    title, replace = rule.options["title"], rule.options["replace"]
    pieces: list[Piece] = []
    out: list[str] = [text[:pos]] if pos else []
    while True:
        if m is None or (m.end() == m.start() and m.start() >= len(text)):
            break
        end = m.end()
        if title == "rest":
            end = len(text)
        elif title == "titlecase":
            end += title_end(text[end:])
            while end < len(text) and text[end] == " ":
                end += 1
        if end == m.start():  # empty match: step over one character
            out.append(text[pos : m.start() + 1])
            pos = m.start() + 1
            m = pattern.search(text, pos)
            continue
        out.append(text[pos : m.start()])
        replacement = m.expand(replace) if replace else ""
        if not replacement and _glues_words(text, m.start(), end):
            replacement = " "  # "langsungBaca JugaFasilitas": never make one word of two
        out.append(replacement)
        pieces.append(Piece(rule.id, text[m.start() : end], replacement))
        pos = end
        m = pattern.search(text, pos)
    if not pieces:
        return text, pieces
    out.append(text[pos:])
    return "".join(out), pieces


def _glues_words(text: str, start: int, end: int) -> bool:
    """Would cutting text[start:end] join a word character to another?"""
    return 0 < start and end < len(text) and bool(re.fullmatch(r"\w\w", text[start - 1] + text[end]))


# -- the promoted headline after a marker (title = "titlecase") ---------------------


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
