"""Turning candidates into checked rules: examples from the crawl, the
project's loader and example runner, and the risk measured on the crawl; then
the whole draft loaded and tested as a rule file."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..phases import PHASES, Rule
from ..phases.strip_inline import apply_alone
from ..rules import load_file
from ..ruletest import check_rule
from .common import excerpt, looks_like_body, short
from .crawl import CrawlPage
from .draft import write_draft
from .evaluate import Effect, Evaluator, compile_rule, fires
from .model import Candidate, Rejected, SuggestedRule, SuggestError, Suggestion


class _Refused(Exception):
    """A candidate failed a check; the message is the reason the draft lists."""


def body_lines(pages: list[CrawlPage]) -> list[str]:
    """The crawl's body-like lines: where must_not_match examples come from."""
    return [t for page in pages for t in page.texts if looks_like_body(t) and len(t) <= 400]


def must_not(rule: Rule, hint: str, body: list[str]) -> str | None:
    """A real body line of the crawl the rule leaves alone, sharing the hint if possible."""
    hint_l = hint.casefold().strip("(")
    ranked = sorted(body, key=lambda t: (0 if hint_l and hint_l in t.casefold() else 1, 0 if "(" in t and hint == "(" else 1, len(t)))
    for t in ranked:
        if len(t) > 220:
            cut = t.rfind(" ", 0, 200)
            t = t[: cut if cut > 0 else 200]
        if not fires(rule, t):
            return t
    return None


def stories(page_ids: Iterable[str], page_grams: dict[str, set]) -> int:
    """How many distinct stories the pages hold: near-duplicates (half their word
    trigrams shared: a story updated, or a serial article) count once."""
    ids = sorted(page_ids)
    parent = {i: i for i in ids}

    def root(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a_i, a in enumerate(ids):
        ga = page_grams.get(a, set())
        for b in ids[a_i + 1 :]:
            gb = page_grams.get(b, set())
            if ga and gb and len(ga & gb) >= 0.5 * len(ga | gb):
                parent[root(a)] = root(b)
    return len({root(i) for i in ids})


def finish(cand: Candidate, rule_id: str, body: list[str], evaluator: Evaluator, accepted: list[Rule],
           rejected: list[Rejected], page_grams: dict[str, set]) -> tuple[SuggestedRule, Rule] | None:
    """Give a candidate its examples from the crawl, compile and check it, and
    measure it with the rules accepted so far; None (and a reason) when it fails."""
    try:
        return _accept(cand, rule_id, body, evaluator, accepted, page_grams)
    except _Refused as refusal:
        rejected.append(Rejected(cand.origin, cand.what, str(refusal)))
        return None


def _accept(cand: Candidate, rule_id: str, body: list[str], evaluator: Evaluator, accepted: list[Rule],
            page_grams: dict[str, set]) -> tuple[SuggestedRule, Rule]:
    if cand.stories > 1:
        n_stories = stories(cand.support, page_grams)
        if n_stories < cand.stories:
            raise _Refused(f"on {len(cand.support)} pages but only {n_stories} distinct stories (near-duplicate pages)")
    table = _table_with_examples(cand, rule_id, body)
    rule, problems = compile_rule(cand.kind, table)
    if rule is None:
        raise _Refused("; ".join(problems))
    eff = evaluator.effect(rule, accepted)
    _check_effect(cand, eff)
    example = eff.example if len(eff.example.strip()) >= 25 else table["must_match"][0]
    suggested = SuggestedRule("text", cand.kind, table, cand.origin, eff.fired, short(example.strip(), 90), eff.covered, eff.covered_by)
    return suggested, rule


def _table_with_examples(cand: Candidate, rule_id: str, body: list[str]) -> dict:
    """The rule's TOML table, its examples taken from the crawl: lines of the
    evidence it matches, and a body line it leaves alone."""
    table = {"id": rule_id, "why": cand.why, PHASES.get("text", cand.kind).match_key: cand.pattern, **cand.extra}
    # placeholder examples: only the pattern is compiled here, the real ones are picked with it
    probe, problems = compile_rule(cand.kind, {**table, "must_match": ["x"], "must_not_match": ["y"]}, check=False)
    if probe is None:
        raise _Refused("; ".join(problems) or "does not compile")
    must: list[str] = []
    for ex in cand.match_examples:
        ex = ex if len(ex) <= 240 else excerpt(ex, 0, 200, 0)
        if fires(probe, ex) and ex not in must:
            must.append(ex)
        if len(must) == 2:
            break
    if not must:
        raise _Refused("no crawl example is matched by the generalised pattern")
    not_ex = must_not(probe, cand.hint, body)
    if not_ex is None:
        raise _Refused("every body line of the crawl matches it")
    table["must_match"] = must
    table["must_not_match"] = [not_ex]
    if cand.expect:
        table["expect"] = [[ex, apply_alone(probe, ex)] for ex in must]
    return table


def _check_effect(cand: Candidate, eff: Effect) -> None:
    """Refuse a rule that does nothing, eats body text, or only repeats the generic rules."""
    if not eff.fired:
        raise _Refused("never fires on the crawl once the rules before it ran")
    body = 0 if cand.tail else len(eff.body_pages)
    if body >= 2 or (body and body > 0.1 * len(eff.fired)):
        raise _Refused(f"removes body-like text on {body} of the {len(eff.fired)} pages it fires on")
    if eff.worst_share > 0.5:
        raise _Refused(f"removes {eff.worst_share:.0%} of a page's words")
    if cand.origin == "trailing marker" and eff.covered == len(eff.fired):
        # a piece of a line the generic rules already remove everywhere: a site rule, run
        # before them, could only leave part of what they would take (a glued label before it)
        by = f" ({', '.join(eff.covered_by)})" if eff.covered_by else ""
        raise _Refused(f"the generic rules already remove it on all {len(eff.fired)} pages{by}")


def validate_draft(suggestion: Suggestion) -> None:
    """The whole draft must load with the project's loader and pass its examples;
    a rule (or a layout's drop) that fails is left out (and listed as rejected)."""
    for _ in range(len(suggestion.rules) + sum(len(lay.drops) for lay in suggestion.layouts) + 1):
        bad = _draft_problems(suggestion)
        if not bad:
            return
        drafted = suggestion.rules + [d for lay in suggestion.layouts for d in lay.drops]
        ids = {r.id for r in drafted if any(f": {r.id}:" in b for b in bad)}
        if not ids:
            if suggestion.signature is not None:
                suggestion.signature = None  # no rule is named: retry without the text signature
                continue
            raise SuggestError("the draft does not load: " + "; ".join(bad))
        for r in drafted:
            if r.id in ids:
                suggestion.rejected.append(Rejected(r.origin, r.id, "; ".join(b for b in bad if f": {r.id}:" in b)))
        suggestion.rules = [r for r in suggestion.rules if r.id not in ids]
        for layout in suggestion.layouts:
            layout.drops = [d for d in layout.drops if d.id not in ids]


def _draft_problems(suggestion: Suggestion) -> list[str]:
    """Load problems and failing examples of the draft, written as a site file
    (with its layouts' sample pages beside it)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sites" / f"{suggestion.site}.toml"
        write_draft(suggestion, path, gold=False)
        problems: list[str] = []
        rf = load_file(path, is_global=False, problems=problems)
        failures = [str(f) for r in (rf.rules() if rf else []) for f in check_rule(r)]
    return problems + failures
