"""`rejoin`: a paragraph that a scraper split around an inline link or
emphasis is joined back into one line.

Scrapers that take a page's text nodes one per line leave such a paragraph
in fragments: a line that stops mid-sentence, the linked or emphasised words
alone on the next line, the sentence resuming on the line after
("Hal itu disampaikan oleh" / "Menteri Keuangan" / "dalam konferensi pers.").
The gold is the paragraph on one line.

The phase joins lines only when their shape says they are one sentence:

- the line before has no sentence end (`.`, `!`, `?`, `…`, `:`, `;`, maybe
  followed by a closing quote or bracket), and
- the line continues it: it starts with a lowercase word (not a list marker
  such as "a." or "b)", nor a brand written with an inner capital such as
  "iPhone"), or with punctuation that never opens a paragraph (`,` `.` `;`
  `:` `)` `]` `%`); or it is short (at most `max_words` words: the link's or
  the emphasis's words) and the line after it continues it so; or it is the
  dateline split off the first line ("TRIBUNNEWS.COM, JAKARTA" / "– Komisi
  XI ..."): a short first line, then a line opening with a dash;
- and the joined run ends in a sentence end within `max_lines` lines (a
  list of lowercase items, "bawang merah" / "bawang putih", never does).

It runs after `drop_line` (the template's lines are gone and cannot be glued
into a paragraph) and before `strip_inline` (whose dateline and end-credit
rules then see the whole paragraph). Scraped text only: an HTML page's
renderer joins inline elements itself. The join is a CHANGED line in
`explain` (each fragment shown put in at its end, tagged with the rule id);
the thresholds come from benchmarks/rejoin.py (see the rule in
rules/_global.toml).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..page import Line
from ..text import TextRun
from ..vocab import TITLE_SMALL_WORDS
from .base import Key, Phase, Rule, register
from .shapes import CAPITALISED, headline

#: A sentence (or a paragraph) ends here: a stop, an ellipsis, a colon or
#: semicolon (a list or a quote follows), maybe closed by quotes or brackets.
SENTENCE_END = re.compile(r"[.!?…:;][\"”’'»)\]]*$")
#: A line opening with these continues the sentence of the line before: a
#: mark that never opens a paragraph (",", ")", "%", a closing quote), an
#: acronym in brackets after the linked name ("(IDF) di Jalur"), a suffix
#: after the linked word ("-nya sebelum"), a lowercase word that is not a
#: list marker ("a. ", "b) ") nor a brand with an inner capital ("iPhone").
_CONTINUES = re.compile(
    r"[,.;:)\]%”’]"
    r"|\([^()\s][^()]{0,40}\)(?=[\s,.;:]|$)"
    r"|-[a-z]"
    r"|\"(?=[\s,.;:]+[a-z])"
    r"|(?![a-z]{1,3}[.)]\s)(?![a-z]+[A-Z])[a-z]"
)
#: Joined without a space: a mark that leans on the word before, a suffix.
_NO_SPACE_BEFORE = re.compile(r"[,.;:)\]%”’]|-[a-z]|\"(?=[\s,.;:]+[a-z])")
_NO_SPACE_AFTER = re.compile(r"[(\[“‘]$")
#: The lead's dateline split off its first sentence: an outlet or a city in
#: capitals, maybe with its dash ("TRIBUNNEWS.COM -", "TRIBUNNEWS.COM, GAZA",
#: "Merdeka.com -"), then the lead, maybe opening with the dash.
_DATELINE = re.compile(
    r"(?:[A-Za-z][\w-]*\.(?:com|co\.id|id|co|net|tv|COM|CO\.ID|ID|CO)|[A-Z][A-Z]+(?: [A-Z]+){0,2})"
    r"(?:\s*,\s*[A-Z][\w.]*(?: [A-Z][\w.]*){0,3})?(?:\s*[-–—]+)?"
)
_DASH_START = re.compile(r"[-–—]+(?:\s|$)")
#: A list item's marker: "A. ", "1) ", "- ", "• " (items are lines of their own).
_LIST_ITEM = re.compile(r"(?:[A-Za-z]|\d{1,3})[.)]\s|[-–—•·*]\s")
#: The first lines of a text, where a dateline can stand.
DATELINE_LINES = 3
#: A joined run holds at least this many words: a list of short lowercase
#: items ("bawang merah" / "bawang putih" / "garam.") holds fewer.
MIN_WORDS = 8
#: A line of more words than this that stops without a sentence end is a
#: sentence cut before a link (a crosshead or a list item is shorter).
OPEN_WORDS = 4


def continues(text: str) -> bool:
    """Does this line read as the rest of a sentence begun on the line before?"""
    return _CONTINUES.match(text) is not None


_CLOSERS = "\"”’'»)]"
_STOPS = frozenset(".!?…:;")


def _ends(text: str) -> bool:
    """Does the line end a sentence (SENTENCE_END, without a regex search of the whole line)?"""
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _STOPS


def _words(text: str) -> int:
    return text.count(" ") + 1


def _mid_sentence(text: str) -> bool:
    """A line cut in the middle of a sentence: it ends on a lowercase word or a comma."""
    last = text.rsplit(" ", 1)[-1]
    return last[-1] == "," or last[0].islower()


def separator(before: str, after: str) -> str:
    """What goes between two fragments joined: a space, or nothing before a
    mark that leans on the word before ("Israel" + ", kata dia")."""
    return "" if _NO_SPACE_BEFORE.match(after) or _NO_SPACE_AFTER.search(before) else " "


def _name(text: str, max_words: int) -> bool:
    """A short run of capitalised words, digits and the small words of names
    and titles: what a link or an emphasis holds ("Badan Pusat Statistik",
    "Kurikulum Merdeka", "Tema 5 Kelas 4", "Pendidikan Agama Islam (PAI)")."""
    words = text.split()
    if len(words) > max_words or not CAPITALISED.match(words[0]):
        return False
    return all(CAPITALISED.match(w) or w[0].isdigit() or w.strip(",.") in TITLE_SMALL_WORDS for w in words)


def join_runs(texts: Sequence[str], max_words: int, max_lines: int) -> list[tuple[int, int]]:
    """The runs of lines [start, end) that are one paragraph, by the shape (see the module doc)."""
    runs = []
    i, n = 0, len(texts)
    while i < n:
        j, evidence, marks = i, 0, 0
        while j + 1 < n and j + 1 - i < max_lines and not _ends(texts[j]) and not (j == i and headline(texts[i])):
            cur, nxt = texts[j], texts[j + 1]
            short = _words(cur) <= max_words or _words(nxt) <= max_words
            if j == i < DATELINE_LINES and _DATELINE.fullmatch(cur) and (cur[-1] in "-–—" or _DASH_START.match(nxt)):
                evidence, marks = evidence + 1, marks + 1  # the dateline split from the lead
            elif _LIST_ITEM.match(nxt):
                break
            elif continues(nxt):
                evidence += 1
                marks += not nxt[0].islower()
            elif _name(nxt, max_words) and _mid_sentence(cur) and _ends(nxt):
                evidence, marks = evidence + 1, marks + 1  # the link that ends the sentence: "dikutip dari" / "Yedioth Ahronoth."
            elif not (_name(nxt, max_words) and (j > i or _mid_sentence(cur) or _words(cur) > OPEN_WORDS
                                                 or j + 2 < n and continues(texts[j + 2]))
                      or j > i and (_name(cur, max_words) or evidence and short)):
                break  # neither a linked name inside the sentence nor a fragment after one
            j += 1
        # a run of lowercase items ("bawang merah" / "bawang putih" / "garam.") is a list, not a split sentence
        if evidence and _ends(texts[j]) and (marks or sum(_words(t) for t in texts[i : j + 1]) >= MIN_WORDS):
            runs.append((i, j + 1))
            i = j + 1
        else:
            i += 1
    return runs


def separators(lines: Sequence[Line]) -> list[str]:
    """The separator before each line after the first, when they are joined."""
    return [separator(a.text, b.text) for a, b in zip(lines, lines[1:])]


@register
class Rejoin(Phase):
    mode, kind, order = "text", "rejoin", 35
    verb = "changed"
    inputs = ("text",)
    summary = ("lines that are fragments of one sentence split around an inline link or emphasis (the line before "
               "has no sentence end; the line starts lowercase or with `,` `.` `)`..., or is at most `max_words` words "
               "followed by such a line; the run ends in a sentence end within `max_lines` lines) are joined into one")
    keys = {
        "max_words": Key("integer", "the most words of a fragment standing alone between two pieces of a sentence (a "
                         "link's or an emphasis's words)", default=8, minimum=1),
        "max_lines": Key("integer", "the most lines one paragraph is joined from", default=12, minimum=2),
    }
    example = """\
# [[text.rejoin]]
# id = "{prefix}-T06"
# why = "the scraper put each link of a paragraph on a line of its own"
# max_words = 8
# max_lines = 12
# must_match = ["Hal itu disampaikan oleh\\nMenteri Keuangan\\ndalam konferensi pers."]
# must_not_match = ["Bahan-bahan\\nbawang merah\\nbawang putih"]
"""

    def fires(self, rule: Rule, example: str) -> bool:
        texts = [" ".join(t.split()) for t in example.split("\n") if t.strip()]
        return bool(join_runs(texts, rule.options["max_words"], rule.options["max_lines"]))

    def run(self, lines: list[Line], rules: Sequence[Rule], run: TextRun) -> list[Line]:
        for rule in rules:
            runs = join_runs([ln.text for ln in lines], rule.options["max_words"], rule.options["max_lines"])
            if not runs:
                continue
            out: list[Line] = []
            cursor = 0
            for start, end in runs:
                out.extend(lines[cursor:start])
                out.append(run.join(lines[start], lines[start + 1 : end], rule.id, self.kind, separators(lines[start:end])))
                cursor = end
            out.extend(lines[cursor:])
            lines = out
        return lines
