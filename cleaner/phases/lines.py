"""The whole-line phases: `cut_after` (a heading line ends the article) and
`drop_line` (promos, captions, credit lines). Their rules match a line as a
whole, with `line_pattern`."""

from __future__ import annotations

from collections.abc import Sequence

from ..page import Line
from ..text import TextRun, normalise
from .base import Key, Phase, Rule, register
from .shapes import promo_title

LINE_PATTERN = Key("regex", "a Python `re` regex that must match the **whole** line (TOML literal strings `'...'` keep backslashes)",
                   required=True)
_HINTS = {"pattern": "this phase matches whole lines: name the regex `line_pattern` (`pattern` is searched inside a line, in strip_inline)"}


class WholeLinePhase(Phase):
    mode = "text"

    def fires(self, rule: Rule, example: str) -> bool:
        return rule.pattern.fullmatch(normalise(example)) is not None

    def _key_hints(self) -> dict[str, str]:
        return _HINTS


def _first_whole_match(text: str, rules: Sequence[Rule]) -> Rule | None:
    """The first rule whose `line_pattern` matches the whole line. Rule.may_match
    inlined: on every line, every rule of the phase is tried, and the method
    call cost as much as the literal test itself."""
    for rule in rules:
        needs = rule.needs
        if needs:
            for needed in needs:
                if needed in text:
                    break
            else:
                continue
        if rule.pattern.fullmatch(text):
            return rule
    return None


@register
class CutAfter(WholeLinePhase):
    kind, order = "cut_after", 20
    verb = "cut"
    summary = "the first line the `line_pattern` matches **as a whole** cuts the page there: that line and all after it are removed"
    keys = {
        "line_pattern": LINE_PATTERN,
        "min_line": Key("integer", "the earliest line number (1-based) that may start the cut, so a page is never cut whole",
                        default=2, minimum=1),
    }
    example = """\
# [[text.cut_after]]
# id = "{prefix}-T01"
# why = "the tag list and related-article block after the body end the article"
# line_pattern = '(?:Tags?|Berita Terkait)\\s*:?'
# min_line = 2
# must_match = ["Tag", "Berita Terkait"]
# must_not_match = ["Tag itu dipakai warga sejak 2019."]
"""

    def run(self, lines: list[Line], rules: Sequence[Rule], run: TextRun) -> list[Line]:
        for i, ln in enumerate(lines):
            for rule in rules:
                if i + 1 >= rule.options["min_line"] and rule.may_match(ln.text) and rule.pattern.fullmatch(ln.text):
                    for cut in lines[i:]:
                        run.remove(cut, rule.id, self.kind)
                    return lines[:i]
        return lines


@register
class DropLine(WholeLinePhase):
    kind, order = "drop_line", 30
    summary = "every line the `line_pattern` matches **as a whole** is removed"
    keys = {
        "line_pattern": LINE_PATTERN,
        "titles_after": Key("integer", "also remove up to this many lines right after a matched line that read as promoted "
                            "headlines (a label line, 'Editor's picks', then its titles): no stop at the end, at most 20 "
                            "words, in title case or of at most 12 words", default=0, minimum=0),
    }
    example = """\
# [[text.drop_line]]
# id = "{prefix}-T02"
# why = "inline related-article promo: 'Baca juga:' and the linked title on one line"
# line_pattern = '(?i:baca juga)\\s*:.*'
# must_match = ["Baca juga: Judul Artikel Lain"]
# must_not_match = ["Ia baca juga laporan itu."]
"""

    def run(self, lines: list[Line], rules: Sequence[Rule], run: TextRun) -> list[Line]:
        kept = []
        titles, label = 0, ""  # promoted headlines still to take after a label line, and its rule
        for ln in lines:
            text = ln.text
            rule = _first_whole_match(text, rules)
            if rule is not None:
                run.remove(ln, rule.id, self.kind)
                titles, label = rule.options["titles_after"], rule.id
            elif titles and promo_title(text):
                run.remove(ln, label, self.kind)
                titles -= 1
            else:
                kept.append(ln)
                titles = 0
        return kept
