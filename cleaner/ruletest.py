"""Run the examples that rule files carry: each rule's own examples (as its
phase defines them: must_match / must_not_match, and expect pairs for
strip_inline), each file's whole-document [[tests]], and each layout's
sample pages (recognised as that layout, cleaned exactly to their gold)."""

from __future__ import annotations

from dataclasses import dataclass

from .layouts import Layout, gold_of
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


def check_layout_samples(rule_file: RuleFile, layout: Layout, cleaner) -> list[ExampleFailure]:
    """Each sample page of the layout, cleaned as a page of the site, is
    recognised as this layout and gives exactly its gold."""
    failures = []
    for sample in layout.samples:
        outcome = cleaner.clean_page(sample.read_bytes(), kind="html", site=rule_file.site, source=str(sample))
        gold = gold_of(sample).read_text(encoding="utf-8-sig").strip()
        if outcome.layout != layout.id:
            problem = f"sample {sample.name} is not recognised as this layout: {outcome.reason}"
        elif outcome.text.strip() != gold:
            problem = f"sample {sample.name} does not clean to its gold {gold_of(sample).name}:\n{_first_difference(gold, outcome.text)}"
        else:
            continue
        failures.append(ExampleFailure(layout.source, layout.id, problem))
    return failures


def _first_difference(gold: str, got: str) -> str:
    """The first line where the output leaves the gold, both sides shown."""
    want, have = gold.splitlines(), got.strip().splitlines()
    for n, (a, b) in enumerate(zip(want, have), 1):
        if a != b:
            return f"--- gold line {n}\n{a}\n--- output line {n}\n{b}"
    n = min(len(want), len(have)) + 1
    if len(want) > len(have):
        return f"--- gold line {n} (the output ends before it)\n{want[n - 1]}"
    return f"--- output line {n} (not in the gold)\n{have[n - 1]}"


def check_all(rules: RuleSet, cleaner) -> list[ExampleFailure]:
    failures: list[ExampleFailure] = []
    for rf in rules.all_files():
        for rule in rf.rules():
            failures.extend(check_rule(rule))
        failures.extend(check_doc_tests(rf, cleaner))
        for layout in rf.layouts:
            failures.extend(check_layout_samples(rf, layout, cleaner))
    return failures
