"""Compiling candidate rules with the project's loader, and measuring what a
text rule does on the crawl when it runs with the generic rules."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..page import Line, Removal
from ..phases import PHASES, Rule
from ..rules import RuleFile, by_phase
from ..text import clean_lines, normalise
from .common import looks_like_body, words
from .crawl import CrawlPage


def compile_rule(kind: str, table: dict, mode: str = "text", *, check: bool = True) -> tuple[Rule | None, list[str]]:
    """The rule compiled by its phase as a rule file's would be, and with
    `check` its own examples run; (None, problems) when anything fails."""
    problems: list[str] = []
    phase = PHASES.get(mode, kind)
    rule = phase.compile(dict(table), Path("<suggest>"), 0, problems)
    if check and rule is not None and not problems:
        problems = [f"<suggest>: {rule.id}: {p}" for p in phase.example_problems(rule)]
    return (rule if not problems else None), problems


def fires(rule: Rule, line: str) -> bool:
    """Does the text rule act on this line alone?"""
    return rule.phase.fires(rule, line)


@dataclass
class Effect:
    """What a rule did on the crawl (see Evaluator.effect)."""

    fired: list[str]  # pages it removed something on
    example: str  # the first piece it removed
    covered: int  # pages where the generic rules remove the same pieces without it
    covered_by: tuple[str, ...]  # the generic rules that do, most often first
    body_pages: list[str]  # pages where it removed a body-like piece
    worst_share: float  # the largest share of a page's words it removed


class Evaluator:
    """Runs candidate rules with the generic rules over the crawl's pages."""

    def __init__(self, generic: RuleFile, pages: list[CrawlPage]):
        self.generic = generic
        self.pages = pages
        self._base: dict[str, tuple[list[str], list[Removal]]] = {}

    def phases(self, site_rules: Sequence[Rule], kind: str) -> dict[str, list[Rule]]:
        """The rules that run on a page of this kind, by phase: the site's, then the generic ones."""
        return by_phase("text", [r for r in (*site_rules, *self.generic.of("text")) if r.runs_on(kind)])

    def run(self, page: CrawlPage, site_rules: Sequence[Rule]) -> tuple[list[str], list[Removal]]:
        removed: list[Removal] = []
        lines = list(page.raw_lines if page.kind == "text" else page.lines)
        out = clean_lines(lines, self.phases(site_rules, page.kind), page.kind, removed)
        return [ln.text for ln in out], removed

    def base(self, page: CrawlPage) -> tuple[list[str], list[Removal]]:
        """The page under the generic rules alone (cached: every candidate compares with it)."""
        if page.id not in self._base:
            self._base[page.id] = self.run(page, [])
        return self._base[page.id]

    def effect(self, rule: Rule, extra: Sequence[Rule] = ()) -> Effect:
        """Where the rule fires (run after the rules already accepted, with the
        generic ones), what it removes beyond them, and how risky that is."""
        eff = Effect([], "", 0, (), [], 0.0)
        covered_by: Counter[str] = Counter()
        for page in self.pages:
            out, removed = self.run(page, [*extra, rule])
            pieces = [r.text for r in removed if r.rule_id == rule.id]
            if not pieces:
                continue
            eff.fired.append(page.id)
            eff.example = eff.example or pieces[0]
            generic_lines, generic_removed = self.base(page)
            if not any(_kept(p, "\n".join(generic_lines)) for p in pieces):
                eff.covered += 1
                covered_by.update(r.rule_id for r in generic_removed if any(normalise(p) in r.text or r.text in p for p in pieces))
            before_text = "\n".join(self.run(page, extra)[0] if extra else generic_lines)
            if any(looks_like_body(p) for p in pieces if _kept(p, before_text)):
                eff.body_pages.append(page.id)
            eff.worst_share = max(eff.worst_share, _share_lost(before_text, out))
        eff.covered_by = tuple(r for r, _ in covered_by.most_common(3))
        return eff


def _kept(piece: str, text: str) -> bool:
    """Is the piece still in the text (whitespace-normalised)?"""
    return bool(normalise(piece)) and normalise(piece) in text


def _share_lost(before_text: str, after: list[str]) -> float:
    """The share of the words before that are gone after."""
    before = Counter(words(before_text))
    if not before:
        return 0.0
    return sum((before - Counter(words("\n".join(after)))).values()) / sum(before.values())
