"""Broken rule files are refused at load with one `path: rule-id: problem` line each."""

import pytest
from typer.testing import CliRunner

from cleaner import RuleError, load_rules
from cleaner.cli import app
from conftest import site_file_problems, write_rules

GOOD_RULE = """
[[text.drop_line]]
id = "X-01"
why = "a promo line"
line_pattern = 'Promo:.*'
must_match = ["Promo: something"]
must_not_match = ["A body sentence."]
"""


def test_a_valid_user_folder_loads(tmp_path):
    write_rules(tmp_path, {"sites/example.com.toml": 'site = "example.com"\n' + GOOD_RULE})
    rules = load_rules(tmp_path)
    assert [r.id for r in rules.sites["example.com"].rules()] == ["X-01"]


def test_unknown_key_names_file_rule_and_key(tmp_path):
    (problem,) = site_file_problems(tmp_path, GOOD_RULE.replace('why =', 'whyy = "typo"\nwhy ='))
    assert problem.endswith("example.com.toml: X-01: unknown key 'whyy' (allowed: id, why, must_match, must_not_match, inputs, spacing, line_pattern, titles_after)")


def test_bad_regex(tmp_path):
    (problem,) = site_file_problems(tmp_path, GOOD_RULE.replace("'Promo:.*'", "'Promo:(.*'"))
    assert ": X-01: bad regex" in problem


def test_wrong_type(tmp_path):
    (problem,) = site_file_problems(tmp_path, GOOD_RULE.replace('must_match = ["Promo: something"]', 'must_match = "Promo: x"'))
    assert problem.endswith(": X-01: 'must_match' must be a list of strings")


def test_duplicate_ids_across_files(tmp_path):
    write_rules(tmp_path, {"sites/a.com.toml": 'site = "a.com"\n' + GOOD_RULE, "sites/b.com.toml": 'site = "b.com"\n' + GOOD_RULE})
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path)
    (problem,) = info.value.problems
    assert "b.com.toml: X-01: duplicate id (also in" in problem


def test_missing_examples_are_refused(tmp_path):
    (problem,) = site_file_problems(tmp_path, GOOD_RULE.replace('must_not_match = ["A body sentence."]', "must_not_match = []"))
    assert "needs at least one must_match and one must_not_match" in problem


def test_invalid_toml_and_unknown_phase(tmp_path):
    write_rules(tmp_path, {"sites/a.com.toml": "site = \n", "sites/b.com.toml": 'site = "b.com"\n[[text.drop_lines]]\nid="B"\n'})
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path)
    assert any("a.com.toml: -: invalid TOML" in p for p in info.value.problems)
    assert any("b.com.toml: -: unknown text phase 'drop_lines'" in p for p in info.value.problems)


def test_site_must_match_file_name(tmp_path):
    write_rules(tmp_path, {"sites/example.com.toml": 'site = "other.com"\n'})
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path)
    (problem,) = info.value.problems
    assert problem.endswith("example.com.toml: -: 'site' must be set to the file's domain 'example.com'")


def test_cli_reports_each_problem_on_one_line_and_exits_2(tmp_path):
    write_rules(tmp_path, {"sites/example.com.toml": 'site = "example.com"\n' + GOOD_RULE.replace("'Promo:.*'", "'(('")})
    result = CliRunner().invoke(app, ["rules", "check", "--rules", str(tmp_path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and ": X-01: bad regex" in lines[0]
    assert "Traceback" not in result.output


def test_user_folder_overrides_shipped_site_file(tmp_path):
    from cleaner import Cleaner

    write_rules(tmp_path, {"sites/suara.com.toml": 'site = "suara.com"\n' + GOOD_RULE})
    cleaner = Cleaner([tmp_path])
    assert [r.id for r in cleaner.rules.sites["suara.com"].rules()] == ["X-01"]
    assert "GEN-T10" in [r.id for r in cleaner.rules.global_rules.rules()]  # shipped global rules stay
