"""Hostile or broken rule files are refused at load, naming the file and the rule.

Complements test_rule_validation.py (unknown rule key, bad regex, invalid
TOML, duplicate ids across files are covered there): bad CSS, unknown file
and HTML keys, duplicate ids within a file, and patterns that could hang a
worker by backtracking catastrophically.
"""


import os

import pytest
from typer.testing import CliRunner

from cleaner import RuleError, load_rules
from cleaner.cli import app
from cleaner.backtracking import _probe, backtracking_risk
from cleaner.rules import SHIPPED_RULES
from conftest import LAYOUT, site_file_problems, write_rules


def text_rule(pattern: str, rule_id: str = "X-01", kind: str = "drop_line") -> str:
    key = "pattern" if kind == "strip_inline" else "line_pattern"
    return f"""
[[text.{kind}]]
id = "{rule_id}"
why = "a promo line"
{key} = '{pattern}'
must_match = ["Promo: something"]
must_not_match = ["A body sentence."]
"""


HTML_RULE = LAYOUT + """
[[html.layout.drop]]
id = "H-01"
why = "a promo box"
css = "div.promo"
must_match = ['<div class="promo">Buy</div>']
must_not_match = ['<div class="body">Text</div>']
"""


# -- catastrophic backtracking --------------------------------------------------

HOSTILE = [
    r"(a+)+",
    r"(a*)*",
    r"(\w+\s?)+",
    r"(.*a){20}",
    r"(?:x.*)*y",
    r"(?:\w+-\w+)+",
    r"(\s*)+$",
    r"(a|a)+",
    r"(.|\s)*",
    r"(?:a|aa)+$",
    r"(?:ab|a|b)*c",
    r"(?:a?a?)+$",
    r"(?:a?){25}a{25}",
    r"Promo:(?i:(?:[a-z]+ ?)+)!",
    r"(?=(a+)+$)a",
    r"(?:\w{2,3})+!",  # runs of two or three word characters: 'aaaaaa' splits as 2+2+2 or 3+3
    r"Promo:(?:[a-z]{1,2})+$",
]


@pytest.mark.parametrize("pattern", HOSTILE)
def test_hostile_pattern_is_refused_naming_file_and_rule(tmp_path, pattern):
    (problem,) = site_file_problems(tmp_path, text_rule(pattern))
    assert problem.startswith(f"{tmp_path / 'sites' / 'example.com.toml'}: X-01: pattern may backtrack catastrophically (")
    assert problem.endswith(")")


SAFE = [
    r"Promo:.*",
    r"(?:-[A-Z0-9_ ./&]+)*-",  # every iteration starts with a character the inner repeat cannot eat
    r"[A-Z][\w.-]*(?: [A-Z][\w.-]*){1,3}",
    r"(?:\s+\S+){0,25}?",  # alternating disjoint runs split one way
    r"\s*(?:Baca juga\s*:(?:(?!Baca juga\s*:|\.\s).)*?\s*)*x",  # the inner repeat stops before the next iteration
    r"(?:Baca juga|BACA JUGA)+",
    r"(\w|\d)+",  # compiled as one character class
    r"(?:ab|a)+",
    r"(a?)*",
]


@pytest.mark.parametrize("pattern", SAFE)
def test_safe_repeats_are_accepted(pattern):
    assert backtracking_risk(pattern) == ""
    assert _probe(pattern) == ""


def test_heading_and_signature_patterns_are_checked_too(tmp_path):
    heading = HTML_RULE.replace("[[html.layout.drop]]", "[[html.layout.drop_heading]]").replace('css = "div.promo"', "css = \"div.promo\"\nheading = '(\\w+\\s?)+'")
    problems = site_file_problems(tmp_path, "text_signature = '^(a+)+x'\n" + heading)
    assert any(p.endswith("example.com.toml: text_signature: pattern may backtrack catastrophically (a repeated group contains an unbounded repeat or one of variable length, like (a+)+, (\\w+\\s?)+ or (?:\\w{2,3})+)") for p in problems)
    assert any(": H-01: pattern may backtrack catastrophically" in p for p in problems)


def test_probe_catches_a_slow_pattern():
    assert "takes over" in _probe.__wrapped__(r"(x+x+)+y")


def test_cli_exits_2_with_one_line_per_hostile_rule(tmp_path):
    write_rules(tmp_path, {"sites/example.com.toml": 'site = "example.com"\n' + text_rule(r"(a+)+") + text_rule(r"(a|a)*", "X-02", "strip_inline")})
    result = CliRunner().invoke(app, ["rules", "check", "--rules", str(tmp_path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert ": X-01: pattern may backtrack catastrophically (" in lines[0]
    assert ": X-02: pattern may backtrack catastrophically (" in lines[1]
    assert "Traceback" not in result.output


def test_every_shipped_pattern_passes():
    backtracking_risk.cache_clear()
    _probe.cache_clear()
    rules = load_rules(SHIPPED_RULES)  # raises RuleError naming any pattern that fails
    site_files = sorted(p.stem for p in (SHIPPED_RULES / "sites").glob("*.toml"))
    assert sorted(rules.sites) == site_files  # every site file loads, named after its site
    assert all(rule.must_match and rule.must_not_match for f in rules.all_files() for rule in f.rules())


# -- other hostile files ----------------------------------------------------------


def test_bad_css_names_file_and_rule(tmp_path):
    (problem,) = site_file_problems(tmp_path, HTML_RULE.replace('css = "div.promo"', 'css = "div[[promo"'))
    assert problem.endswith("example.com.toml: H-01: bad CSS selector 'div[[promo'")


@pytest.mark.parametrize("css, problem", [
    ("div:has(div p)", "has a descendant combinator (a space) inside :has()"),
    ("div:has(> ul li)", "has a descendant combinator (a space) inside :has()"),
    ("div:has(section:has(p))", "nests :has() inside :has()"),
])
def test_a_selector_whose_cost_grows_with_the_pages_depth_is_refused(tmp_path, css, problem):
    (found,) = site_file_problems(tmp_path, HTML_RULE.replace('css = "div.promo"', f'css = "{css}"'))
    assert f"example.com.toml: H-01: CSS selector '{css}' {problem}" in found


@pytest.mark.parametrize("css", ["div:has(> ul)", "p:has(> strong > a[title='a b'])", "div:has(p)", "li:has(+ li)", "x:not(:has(p))"])
def test_selectors_of_bounded_cost_are_accepted(tmp_path, css):
    write_rules(tmp_path, {"sites/example.com.toml": 'site = "example.com"\n' + HTML_RULE.replace('css = "div.promo"', f'css = "{css}"')
                           .replace("must_match = ['<div class=\"promo\">Buy</div>']", "must_match = ['<div><ul><li>x</li></ul></div>']")})
    problems = []
    from cleaner.phases.base import check_css
    assert check_css(css, "x", problems) and problems == []


def test_unknown_file_key(tmp_path):
    (problem,) = site_file_problems(tmp_path, 'hostz = ["example.com"]\n')
    assert problem.endswith("example.com.toml: -: unknown key 'hostz' (allowed: site, hosts, text_signature, text, html, tests)")


def test_unknown_html_rule_key(tmp_path):
    (problem,) = site_file_problems(tmp_path, HTML_RULE.replace('css =', 'selector = "p"\ncss ='))
    assert "example.com.toml: H-01: unknown key 'selector'" in problem


def test_duplicate_ids_within_one_file(tmp_path):
    (problem,) = site_file_problems(tmp_path, text_rule("Promo:.*") + text_rule("Ad:.*", kind="strip_inline"))
    assert "example.com.toml: X-01: duplicate id (also in" in problem


def test_invalid_toml_names_the_file_and_line(tmp_path):
    (problem,) = site_file_problems(tmp_path, '[[text.drop_line]]\nid = "X-01\n')
    assert "example.com.toml: -: invalid TOML:" in problem and "line 3" in problem


def test_non_utf8_file_is_refused(tmp_path):
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "example.com.toml").write_bytes(b'site = "example.com"\nwhy = "\xff"\n')
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path)
    (problem,) = info.value.problems
    assert "example.com.toml: -: cannot read:" in problem


# -- hostile rule files (not rules) ------------------------------------------------


def test_deeply_nested_toml_is_refused_with_one_line(tmp_path):
    problems = site_file_problems(tmp_path, "deep = " + "[" * 5000 + "]" * 5000 + "\n")
    assert problems == [f"{tmp_path / 'sites' / 'example.com.toml'}: -: arrays or inline tables nested more than 16 deep"]


def test_a_named_pipe_as_a_rule_file_is_refused_without_blocking(tmp_path):
    write_rules(tmp_path, {"_global.toml": ""})
    (tmp_path / "sites").mkdir()
    os.mkfifo(tmp_path / "sites" / "example.com.toml")
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path)
    assert info.value.problems == [f"{tmp_path / 'sites' / 'example.com.toml'}: -: cannot read: not a regular file"]


@pytest.mark.parametrize("host", ["com", "*", "", "*.example.com", "https://example.com"])
def test_a_host_that_would_claim_other_sites_is_refused(tmp_path, host):
    (problem,) = site_file_problems(tmp_path, f'hosts = ["{host}"]\n')
    assert f": -: host {host!r} " in problem


def test_two_files_claiming_one_host_is_an_error_naming_both(tmp_path):
    write_rules(tmp_path, {"sites/kompas.com.toml": 'site = "kompas.com"\n',
                           "sites/kompas.id.toml": 'site = "kompas.id"\nhosts = ["kompas.id", "kompas.com"]\n'})
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path)
    assert info.value.problems == [
        f"{tmp_path / 'sites' / 'kompas.id.toml'}: -: host 'kompas.com' is claimed by {tmp_path / 'sites' / 'kompas.com.toml'} too"]
