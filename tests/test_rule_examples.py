"""Every rule's own examples, and every rule file's document tests, run here.

Adding a site file adds its tests: they are collected from rules/ with no
test code to write.
"""

import pytest

from cleaner import Cleaner
from cleaner.ruletest import check_doc_tests, check_rule

_CLEANER = Cleaner()
_RULES = [(rf.path.name, rule) for rf in _CLEANER.rules.all_files() for rule in rf.rules()]
_FILES = [rf for rf in _CLEANER.rules.all_files() if rf.tests]


@pytest.mark.parametrize("rule", [r for _, r in _RULES], ids=[f"{f}:{r.id}" for f, r in _RULES])
def test_rule_examples(rule):
    failures = check_rule(rule)
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.parametrize("rule_file", _FILES, ids=[rf.path.name for rf in _FILES])
def test_rule_file_documents(rule_file):
    failures = check_doc_tests(rule_file, _CLEANER)
    assert not failures, "\n".join(map(str, failures))


def test_every_dev_site_has_a_rule_file():
    sites = set(_CLEANER.rules.sites)
    for site in [
        "antaranews.com", "bisnis.com", "cnnindonesia.com", "detik.com", "jpnn.com", "kompas.com",
        "liputan6.com", "okezone.com", "republika.co.id", "sindonews.com", "tempo.co", "tribunnews.com",
        "suara.com",
    ]:
        assert site in sites, f"rules/sites/{site}.toml is missing"


def test_every_rule_says_why_and_has_both_kinds_of_example():
    for _, rule in _RULES:
        assert rule.why.strip()
        assert rule.must_match and rule.must_not_match
