"""The HTML phases, on the one parsed tree of a page: `drop` (nodes a CSS
selector matches) and `drop_heading` (widgets known by their heading). On a
page whose layout was recognised they run inside its body (layouts.py), else
on the whole page, which the generic extractor then reads. Their examples
are HTML snippets in which the rule must (or must not) select a node.

The body is found first so that the drops walk only the body: what they
would remove around it is never rendered anyway (measured on the corpus:
the same text on every page, the HTML stage a quarter faster)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..html import heading_of, node_text
from ..page import Removal, Trace
from .base import Key, Phase, Rule, register

CSS = Key("css", "a CSS selector (validated at load)", required=True)


@dataclass
class HtmlRun:
    """The HTML phases' state on one page: the tree they prune, the body one
    of them picks, and the record of what they did."""

    tree: LexborHTMLParser
    removed: list[Removal]
    trace: Trace | None = None
    body: LexborNode | None = None  # the recognised layout's body

    @property
    def root(self) -> LexborHTMLParser | LexborNode:
        """Where the drops apply: the body, or the whole page without one."""
        return self.body if self.body is not None else self.tree

    def drop(self, node: LexborNode, rule_id: str, phase: str) -> None:
        removal = Removal(rule_id, phase, 0, node_text(node))
        self.removed.append(removal)
        if self.trace is not None:
            self.trace.nodes.append(removal)
        node.decompose()


class HtmlPhase(Phase):
    mode = "html"

    def selected(self, rule: Rule, root: LexborHTMLParser | LexborNode) -> list[LexborNode]:
        """The nodes the rule acts on below `root`."""
        return root.css(rule.css)

    def fires(self, rule: Rule, example: str) -> bool:
        return bool(self.selected(rule, LexborHTMLParser(example)))

    def run(self, run: HtmlRun, rules: Sequence[Rule]) -> None:
        phase = f"html.{self.kind}"
        for rule in rules:
            for node in self.selected(rule, run.root):
                if node.parent is not None:  # None: gone already, with an ancestor
                    run.drop(node, rule.id, phase)


@register
class Drop(HtmlPhase):
    kind, order = "drop", 20
    verb = "dropped"
    summary = "every node the `css` selects is removed (captions, related/popular/tag widgets, share bars, promo boxes such as `p.baca`)"
    keys = {"css": CSS}
    example = """\
# [[html.drop]]
# id = "{prefix}-H01"
# why = "photo captions with their credit"
# css = "figure figcaption"
# must_match = ['<figure><img src="a.jpg"><figcaption>Foto: Dok. Redaksi</figcaption></figure>']
# must_not_match = ['<div><p>Isi berita.</p></div>']
"""


@register
class DropHeading(HtmlPhase):
    kind, order = "drop_heading", 30
    verb = "dropped"
    summary = ("every node the `css` selects whose first heading-like child (`h1`-`h6`, `strong`, `b`, `.title`, `header`, "
               "`span`) reads as `heading` is removed: a widget known by its title (\"Berita Terkait\")")
    keys = {
        "css": CSS,
        "heading": Key("regex", "the widget's heading text must match it as a whole", required=True),
    }
    example = """\
# [[html.drop_heading]]
# id = "{prefix}-H02"
# why = "the 'Berita Terkait' widget, known by its heading"
# css = "section, aside"
# heading = '(?i:berita terkait|baca juga)'
# must_match = ['<section><h3>Berita Terkait</h3><ul><li>Judul lain</li></ul></section>']
# must_not_match = ['<section><h3>Latar Belakang</h3><p>Isi.</p></section>']
"""

    def selected(self, rule: Rule, root) -> list[LexborNode]:
        heading = rule.options["heading"]
        return [n for n in root.css(rule.css) if n.parent is not None and heading.fullmatch(heading_of(n))]
