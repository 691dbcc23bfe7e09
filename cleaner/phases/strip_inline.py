"""`strip_inline`: pieces removed from inside a line, keeping the words
around them (a dateline prefix, an end mark "(*)", a promo glued inside a
paragraph). A line left with no word is dropped."""

from __future__ import annotations

import collections
import itertools
import re
from collections.abc import Iterator, Sequence

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
        "scope": Key("string", "`all` lines or only the `first_line` (for datelines)", default="all", choices=("all", "first_line")),
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
        later = [r for r in rules if r.options["scope"] != "first_line"]
        kept = []
        for index, ln in enumerate(lines):
            text = ln.text
            pieces: list[Piece] = []
            # A cut can bring a piece to where an earlier rule looks for it (a
            # promo cut from before a dateline); the rules run again on a line
            # they changed, so that cleaning the output changes nothing more.
            for _ in range(MAX_ROUNDS):
                found = len(pieces)
                for rule in rules if index == 0 else later:
                    if not rule.may_match(text):
                        continue
                    text, cut = strip_one(text, rule)
                    if cut:
                        # Each rule sees a normalised line: a cut at the start must not
                        # hide the line's start from the next rule ("ADVERTISEMENT JAKARTA - ").
                        text = normalise(text)
                        pieces += cut
                if len(pieces) == found:
                    break
            if pieces:
                text = normalise(text)
                new = run.change(ln, text if _HAS_WORD.search(text) else "", pieces, self.kind)
                if new is not None:
                    kept.append(new)
            elif _HAS_WORD.search(text):
                kept.append(ln)
            else:
                run.remove(ln, NO_WORDS, self.kind)
        return kept


def apply_alone(rule: Rule, line: str) -> str:
    """What one strip_inline rule alone makes of one line, as given ('' when the line goes)."""
    text, cut = strip_one(line, rule)
    text = normalise(text)
    return text if _HAS_WORD.search(text) else ""


def strip_one(text: str, rule: Rule) -> tuple[str, list[Piece]]:
    """Apply one strip_inline rule to a line; return the new line and the pieces cut."""
    pattern, title, replace = rule.pattern, rule.options["title"], rule.options["replace"]
    pieces: list[Piece] = []
    out: list[str] = []
    pos = 0
    while True:
        m = pattern.search(text, pos)
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
            continue
        out.append(text[pos : m.start()])
        replacement = m.expand(replace) if replace else ""
        if not replacement and _glues_words(text, m.start(), end):
            replacement = " "  # "langsungBaca JugaFasilitas": never make one word of two
        out.append(replacement)
        pieces.append(Piece(rule.id, text[m.start() : end], replacement))
        pos = end
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
