"""`spacing = "tolerant"`: a rule written for normal spacing also matches a
tokenised scrape, where punctuation stands between spaces and clitics are
split off ("( 10 / 9 / 2019 )", "tim nya"); the rewrite only ever adds
matches."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner.phases.spacing import tolerant
from conftest import write_rules


@pytest.mark.parametrize("pattern,tokenised", [
    (r"\(\d{1,2}/\d{1,2}/\d{4}\)", "( 10 / 9 / 2019 )"),
    (r"\((?:[a-z]{2,5}/)+[a-z]{2,5}\)", "( rea / rrd )"),
    (r"[A-Z][a-z]+, Koran Kita\s*[-–—]+\s*", "Jakarta , Koran Kita - - "),
    (r"Baca [Jj]uga:", "Baca juga :"),
    (r"kata timnya", "kata tim nya"),
    (r"Koranku\.com", "Koranku . com"),
    (r"\.{3}", ". . ."),
])
def test_tokenised_text_matches(pattern, tokenised):
    assert re.fullmatch(tolerant(pattern), tokenised.strip()) or re.search(tolerant(pattern), tokenised)
    assert not re.search(pattern, tokenised)  # the exact pattern does not


@pytest.mark.parametrize("pattern", [
    r"(?<=[.!?])\s?\(x\)",  # a lookbehind must stay of fixed width
    r"(?P<code>[a-z]{2,5})/(?P=code)",
    r"(?i:baca juga)\s*:.*",
    r"[^.!?]+\.",
    r"[\w.-]+@[a-z]+",
    r"(?:-[A-Z0-9 ]+)*",
])
def test_rewritten_patterns_compile(pattern):
    re.compile(tolerant(pattern))


def test_classes_with_letters_and_lookbehinds_stay_as_written():
    assert tolerant(r"(?<=[.!?])[A-Z\s]") == r"(?<=[.!?])[A-Z\s]"
    assert tolerant(r"(?x) a \( b") == r"(?x) a \( b"  # verbose mode: left alone


@given(st.text(alphabet="ab(),/-. ", max_size=12))
def test_tolerant_only_adds_matches(text):
    for pattern in (r"\(a/b\)", r"a, b", r"a-+b", r"\.b", r"[(),]a"):
        if re.search(pattern, text):
            assert re.search(tolerant(pattern), text)


RULES = """
[[text.drop_line]]
id = "T-T01"
why = "staff initials alone on a line"
spacing = "tolerant"
line_pattern = '\\((?:[a-z]{2,5}/)+[a-z]{2,5}\\)'
must_match = ["(abc/def)", "( abc / def )"]
must_not_match = ["(1/9) Ketua DPRD hadir."]

[[text.strip_inline]]
id = "T-T02"
why = "dateline"
spacing = "tolerant"
scope = "first_line"
pattern = '^[A-Z][a-z]+, Koran Kita\\s*[-–—]+\\s*'
must_match = ["Jakarta, Koran Kita - Isi", "Jakarta , Koran Kita - - Isi"]
must_not_match = ["Menurut Koran Kita - media daring - laporan itu benar."]
expect = [["Jakarta , Koran Kita - - Isi berita", "Isi berita"]]
"""


def test_a_tolerant_rule_cleans_a_tokenised_page(tmp_path):
    rules = write_rules(tmp_path, {"_global.toml": RULES})
    page = "Jakarta , Koran Kita - - Warga berkumpul pada Senin ( 10 / 9 / 2019 ) .\nIa pulang .\n( abc / def )\n"
    result = Cleaner([rules], shipped=False).clean(page)
    assert result.text == "Warga berkumpul pada Senin ( 10 / 9 / 2019 ) .\nIa pulang ."
    assert result.fired == {"T-T01": 1, "T-T02": 1}


def test_spacing_must_be_a_known_value(tmp_path):
    from cleaner.rules import RuleError, load_rules

    bad = RULES.replace('spacing = "tolerant"\nline_pattern', 'spacing = "loose"\nline_pattern', 1)
    with pytest.raises(RuleError, match="spacing must be one of exact, tolerant"):
        load_rules(write_rules(tmp_path, {"_global.toml": bad}))


def test_a_tolerant_rule_is_checked_for_backtracking_as_written(tmp_path):
    from cleaner.rules import RuleError, load_rules

    bad = RULES.replace(r"line_pattern = '\((?:[a-z]{2,5}/)+[a-z]{2,5}\)'", r"line_pattern = '\((\w+\s?)+/x\)'")
    assert bad != RULES
    with pytest.raises(RuleError, match="T-T01: pattern may backtrack catastrophically"):
        load_rules(write_rules(tmp_path, {"_global.toml": bad}))


@pytest.mark.parametrize("pattern,expected", [
    (r"a\s*,\s*b", r"a\s*,\s*b"),  # next to \s*: the space is allowed already
    (r"(?:-[A-Z ]+)*", r"(?:-[A-Z ]+)*"),  # next to an optional group: none added
    (r"a(?:x|y)-b", r"a(?:x|y)- ?b"),  # next to an alternation: only on the other side
    (r"\d{1,2}/\d{1,2}", r"\d{1,2} ?/ ?\d{1,2}"),
])
def test_a_space_is_added_only_where_nothing_else_can_match_it(pattern, expected):
    assert tolerant(pattern) == expected
