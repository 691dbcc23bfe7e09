"""Run the examples that rule files carry: each rule's own examples (as its
phase defines them: must_match / must_not_match, and expect pairs for
strip_inline), and each file's whole-document [[tests]]."""

from __future__ import annotations

from dataclasses import dataclass

from .phases import Rule
from .rules import RuleFile, RuleSet


@dataclass(frozen=True)
class ExampleFailure:
    source: str
    rule_id: str
    problem: str

    def __str__(self) -> str:
        return f"{self.source}: {self.rule_id}: {self.problem}"


def check_rule(rule: Rule) -> list[ExampleFailure]:
    """The examples of one rule that fail, as its phase checks them."""
    return [ExampleFailure(rule.source, rule.id, problem) for problem in rule.phase.example_problems(rule)]


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
