"""A phase is one unit: the toy phase below is registered here, in this
file alone, and `rules check`, `rules test`, `clean` and `explain` all pick it
up from the registry (no other file of the package knows about it)."""

from collections.abc import Sequence

import pytest
from typer.testing import CliRunner

from cleaner import Cleaner
from cleaner.cli import app
from cleaner.page import Line
from cleaner.phases import PHASES, Key, Phase, Rule, register
from cleaner.text import TextRun
from conftest import write_rules


class DropShouting(Phase):
    """Toy: a line in capitals of at least `min_words` words is removed."""

    mode, kind, order = "text", "drop_shouting", 35  # after drop_line, before strip_inline
    summary = "a line written in capitals, of at least `min_words` words, is removed"
    keys = {"min_words": Key("integer", "the fewest words a shouted line has", default=3, minimum=1)}

    def fires(self, rule: Rule, example: str) -> bool:
        return example.isupper() and len(example.split()) >= rule.options["min_words"]

    def run(self, lines: list[Line], rules: Sequence[Rule], run: TextRun) -> list[Line]:
        kept = []
        for ln in lines:
            rule = next((r for r in rules if self.fires(r, ln.text)), None)
            if rule is None:
                kept.append(ln)
            else:
                run.remove(ln, rule.id, self.kind)
        return kept


def site_file(min_words: int = 3, must_match: str = "JANGAN LEWATKAN BERITA INI") -> str:
    return f"""site = "example.com"

[[text.drop_shouting]]
id = "EXA-T01"
why = "the template's shouted promo lines"
min_words = {min_words}
must_match = ["{must_match}"]
must_not_match = ["Warga berkumpul di alun-alun pada Minggu pagi."]
"""


PAGE = "Warga berkumpul di alun-alun pada Minggu pagi.\nJANGAN LEWATKAN BERITA INI\nMereka pulang sore hari.\n"


@pytest.fixture
def toy_phase():
    register(DropShouting)
    yield
    PHASES.unregister(DropShouting)


def test_rules_check_validates_the_new_phase_keys(toy_phase, tmp_path):
    write_rules(tmp_path, {"sites/example.com.toml": site_file(min_words=0)})
    result = CliRunner().invoke(app, ["rules", "check", "--rules", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("example.com.toml: EXA-T01: min_words must be >= 1")


def test_rules_test_runs_the_new_phase_examples(toy_phase, tmp_path):
    write_rules(tmp_path, {"sites/example.com.toml": site_file(must_match="Jangan lewatkan berita ini")})
    result = CliRunner().invoke(app, ["rules", "test", "--rules", str(tmp_path)])
    assert result.exit_code != 0
    assert "EXA-T01" in result.stderr and "must_match example not matched: 'Jangan lewatkan berita ini'" in result.stderr


def test_clean_runs_the_new_phase_and_explain_shows_it(toy_phase, tmp_path):
    rules = write_rules(tmp_path / "rules", {"sites/example.com.toml": site_file()})
    result = Cleaner([rules]).clean(PAGE, site="example.com")
    assert result.text == "Warga berkumpul di alun-alun pada Minggu pagi.\nMereka pulang sore hari."
    assert result.fired["EXA-T01"] == 1
    assert [(r.rule_id, r.phase) for r in result.removed] == [("EXA-T01", "drop_shouting")]

    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    shown = CliRunner().invoke(app, ["explain", str(page), "--site", "example.com", "--rules", str(rules)])
    assert shown.exit_code == 0, shown.output
    removed = next(line for line in shown.stdout.splitlines() if "JANGAN LEWATKAN" in line)
    assert "EXA-T01" in removed and "drop_shouting" in shown.stdout


def test_without_the_phase_its_table_is_refused(tmp_path):
    write_rules(tmp_path, {"sites/example.com.toml": site_file()})
    result = CliRunner().invoke(app, ["rules", "check", "--rules", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown text phase 'drop_shouting'" in result.stderr
