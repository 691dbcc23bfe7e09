"""Run the examples that rule files carry: each rule's must_match /
must_not_match / expect, and each file's whole-document [[tests]]."""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from .html import selected
from .rules import HtmlRule, Rule, RuleFile, RuleSet
from .text import apply_rule


@dataclass(frozen=True)
class ExampleFailure:
    source: str
    rule_id: str
    problem: str

    def __str__(self) -> str:
        return f"{self.source}: {self.rule_id}: {self.problem}"


def _rule_fires(rule: Rule | HtmlRule, example: str) -> bool:
    if isinstance(rule, HtmlRule):
        return bool(selected(rule, LexborHTMLParser(example)))
    line = example
    if rule.kind == "strip_inline":
        return rule.pattern.search(line) is not None
    return rule.matches_line(" ".join(line.split()))


def check_rule(rule: Rule | HtmlRule) -> list[ExampleFailure]:
    """Every must_match example fires the rule, no must_not_match one does,
    and each expect pair [line, result] holds. HTML rules' examples are
    snippets in which the rule must (or must not) select a node."""
    failures = []
    for example in rule.must_match:
        if not _rule_fires(rule, example):
            failures.append(ExampleFailure(rule.source, rule.id, f"must_match example not matched: {example!r}"))
    for example in rule.must_not_match:
        if _rule_fires(rule, example):
            failures.append(ExampleFailure(rule.source, rule.id, f"must_not_match example matched: {example!r}"))
    for line, wanted in getattr(rule, "expect", ()):
        got = apply_rule(rule, line)
        if got != wanted:
            failures.append(ExampleFailure(rule.source, rule.id, f"expect {line!r} -> {wanted!r}, got {got!r}"))
    return failures


def check_doc_tests(rule_file: RuleFile, cleaner) -> list[ExampleFailure]:
    """Whole-document tests: the input, cleaned as a page of this site, gives the output."""
    failures = []
    for test in rule_file.tests:
        got = cleaner.clean_page(test.input, site=rule_file.site).text
        if got.strip() != test.output.strip():
            failures.append(ExampleFailure(str(rule_file.path), test.name, f"document test failed:\n--- expected\n{test.output.strip()}\n--- got\n{got}"))
    return failures


def check_all(rules: RuleSet, cleaner) -> list[ExampleFailure]:
    failures: list[ExampleFailure] = []
    for rf in rules.all_files():
        for rule in rf.rules():
            failures.extend(check_rule(rule))
        failures.extend(check_doc_tests(rf, cleaner))
    return failures
