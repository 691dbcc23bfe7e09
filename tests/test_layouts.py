"""Layouts: a site's HTML rules as versioned units, recognised per page; a
page no layout recognises goes to the generic path untouched by them, and
the manifest, the summary and explain say so (the drift alarm)."""

import json
import shutil
from collections import Counter

import pytest
from typer.testing import CliRunner

from cleaner import Cleaner, RuleError, load_rules
from cleaner.batch import BatchSummary
from cleaner.cli import app
from conftest import LAYOUT, LAYOUT_SAMPLES, site_file_problems, write_layout_sample, write_rules

runner = CliRunner()
TRIBUN_PAGE = LAYOUT_SAMPLES / "tribunnews.com" / "techno-artikel_154.html"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def renamed_body(page: bytes) -> bytes:
    """The page after a redesign that renamed the article container's class."""
    return page.replace(b"side-article txt-article", b"side-article story-text")


def test_a_redesigned_page_goes_to_the_generic_path_and_the_batch_warns(tmp_path):
    src = tmp_path / "in" / "tribunnews.com"
    src.mkdir(parents=True)
    for i in range(3):
        shutil.copy(TRIBUN_PAGE, src / f"same-{i}.html")
    (src / "redesigned.html").write_bytes(renamed_body(TRIBUN_PAGE.read_bytes()))
    result = run("clean", tmp_path / "in", "-o", tmp_path / "out", "-j", "0")
    assert result.exit_code == 0, result.output
    lines = {e["id"]: e for e in map(json.loads, (tmp_path / "out" / ".cleaner-manifest.jsonl").read_text().splitlines())}
    redesigned = lines["tribunnews.com/redesigned"]
    assert (redesigned["layout"], redesigned["extractor"]) == ("generic", "generic")
    assert redesigned["layouts_tried"] == [
        "TRB-L01: 'div#article_con div.side-article.txt-article' not found"]
    assert redesigned["reason"].startswith("no layout matched (TRB-L01: 'div#article_con div.side-article.txt-article' not found): ")
    assert not any(rule.startswith("TRB-H") for rule in redesigned["fired"])  # the layout's drops never ran
    assert 0 < redesigned["confidence"] <= 1  # the generic path says how sure it is
    assert {lines[f"tribunnews.com/same-{i}"]["confidence"] for i in range(3)} == {None}  # a layout's body: no estimate
    assert {lines[f"tribunnews.com/same-{i}"]["layout"] for i in range(3)} == {"TRB-L01"}
    assert lines["tribunnews.com/same-0"]["date"] == "2024-10-29"  # the page's metadata, for a person reading the manifest
    assert lines["tribunnews.com/same-0"]["title"].startswith("Pasar Game Nasional")
    assert ("warning: tribunnews.com: 1 of 4 HTML pages matched no layout and were cleaned by the generic path; "
            "the site may have changed: see `cleaner explain PAGE`") in result.stderr


def test_explain_says_which_layouts_were_tried_and_why_each_did_not_match(tmp_path):
    page = tmp_path / "redesigned.html"
    page.write_bytes(renamed_body(TRIBUN_PAGE.read_bytes()))
    out = run("explain", page).stdout
    assert "layout: generic" in out
    assert "layouts that did not match:\n  TRB-L01: 'div#article_con div.side-article.txt-article' not found" in out


def test_a_layouts_share_falling_against_the_earlier_manifest_lines_is_reported():
    summary = BatchSummary()
    summary.earlier_layouts = {"kompas.com": Counter({"KOM-L01": 40})}
    summary.layouts = {"kompas.com": Counter({"KOM-L01": 6, "KOM-L02": 14})}
    assert summary.drift() == ["kompas.com: layout KOM-L01 cleaned 30% of the site's HTML pages this run against 100% before: "
                               "the site may have changed"]
    summary.layouts = {"kompas.com": Counter({"KOM-L01": 36, "KOM-L02": 4})}  # 90%: no alarm
    assert summary.drift() == []


def test_no_site_rules_cleans_with_the_generic_rules_only_but_still_names_the_site(tmp_path):
    page = TRIBUN_PAGE.read_bytes()
    generic = Cleaner(site_rules=False).clean_html(page)
    assert (generic.site, generic.layout, generic.extractor) == ("tribunnews.com", "generic", "generic")
    assert not any(rule.startswith("TRB-") for rule in generic.fired)
    assert Cleaner(site_rules=False).fingerprint() != Cleaner().fingerprint()  # a batch redoes its pages
    shutil.copy(TRIBUN_PAGE, tmp_path / "page.html")
    cli = run("clean", tmp_path / "page.html", "--no-site-rules")
    assert cli.exit_code == 0 and cli.stdout.strip() == generic.text
    assert "its rule file is not used (site rules off)" in run("explain", tmp_path / "page.html", "--no-site-rules").stdout


def test_score_clean_cleans_the_raw_pages_first(tmp_path):
    raw, gold = tmp_path / "raw" / "tribunnews.com", tmp_path / "gold" / "tribunnews.com"
    raw.mkdir(parents=True)
    gold.mkdir(parents=True)
    shutil.copy(TRIBUN_PAGE, raw / "page.html")
    shutil.copy(TRIBUN_PAGE.with_suffix(".txt"), gold / "page.txt")
    with_rules = run("score", tmp_path / "raw", tmp_path / "gold", "--clean", "--json")
    assert with_rules.exit_code == 0, with_rules.output
    assert json.loads(with_rules.stdout)["macro"]["exact"] == 1
    generic = json.loads(run("score", tmp_path / "raw", tmp_path / "gold", "--clean", "--no-site-rules", "--json").stdout)
    assert generic["macro"]["exact"] == 0
    assert run("score", tmp_path / "raw", tmp_path / "gold", "--no-site-rules").exit_code == 2  # needs --clean


def test_rules_check_refuses_a_layout_without_its_sample_page_or_gold(tmp_path):
    write_rules(tmp_path, {"sites/example.com.toml": 'site = "example.com"\n' + LAYOUT})
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path)
    assert info.value.problems[0].endswith("sample page " + str(tmp_path / "samples" / "example.com" / "page.html")
                                           + " not found (every layout needs a saved page with its gold)")
    write_rules(tmp_path, {"samples/example.com/page.html": '<div class="isi"><p>Isi.</p></div>'})
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path)
    assert info.value.problems[0].endswith("has no gold page.txt beside it")
    write_rules(tmp_path, {"samples/example.com/page.txt": "Isi.\n"})
    assert [lay.id for lay in load_rules(tmp_path).sites["example.com"].layouts] == ["E-L1"]


def test_rules_test_checks_each_sample_is_recognised_and_cleans_to_its_gold(tmp_path):
    write_rules(tmp_path, {"sites/example.com.toml": 'site = "example.com"\n' + LAYOUT})
    write_layout_sample(tmp_path, '<div class="isi"><p>Isi berita.</p></div>', "Isi berita.\n")
    assert run("rules", "test", "--rules", tmp_path).exit_code == 0
    write_layout_sample(tmp_path, '<div class="isi"><p>Isi berita.</p></div>', "Isi berita yang lain.\n")
    wrong_gold = run("rules", "test", "--rules", tmp_path)
    assert wrong_gold.exit_code == 1
    assert "E-L1: sample page.html does not clean to its gold page.txt:\n--- gold line 1\nIsi berita yang lain." in wrong_gold.stderr
    write_layout_sample(tmp_path, '<div class="lain"><p>Isi berita.</p></div>', "Isi berita.\n")
    missed = run("rules", "test", "--rules", tmp_path)
    assert missed.exit_code == 1 and "E-L1: sample page.html is not recognised as this layout: no layout matched" in missed.stderr


@pytest.mark.parametrize("table, problem", [
    ("[[html.drop]]", "a site's HTML rules belong to a layout: put [[html.drop]] under a [[html.layout]] as [[html.layout.drop]]"),
    ("[[html.body]]", "a site's HTML rules belong to a layout: its selector goes in the `body` list of a [[html.layout]]"),
])
def test_a_site_files_html_rules_outside_a_layout_are_refused_with_the_way_to_write_them(tmp_path, table, problem):
    rule = f'\n{table}\nid = "E-H9"\nwhy = "x"\ncss = "div.x"\nmust_match = [\'<div class="x"></div>\']\nmust_not_match = ["<p></p>"]\n'
    assert any(problem in p for p in site_file_problems(tmp_path, rule))


def test_a_layouts_text_rules_take_no_inputs(tmp_path):
    rule = """
[[html.layout.text.drop_line]]
id = "E-T9"
why = "x"
inputs = ["text"]
line_pattern = 'Baca juga: .*'
must_match = ["Baca juga: Judul"]
must_not_match = ["Isi."]
"""
    problems = site_file_problems(tmp_path, LAYOUT + rule)
    assert any("a layout's text rules run on its rendered lines only" in p for p in problems)


def test_text_rules_run_on_scraped_text_unless_they_say_html(tmp_path):
    rules = """
[[text.drop_line]]
id = "E-T1"
why = "a promo line written from the site's exports"
line_pattern = 'Promo: .*'
must_match = ["Promo: x"]
must_not_match = ["Isi."]

[[text.drop_line]]
id = "E-T2"
why = "the site's staff initials, alone on a line"
inputs = ["text", "html"]
line_pattern = '\\([a-z]{2,4}\\)'
must_match = ["(abc)"]
must_not_match = ["Isi (kata dia)."]
"""
    write_rules(tmp_path, {"sites/example.com.toml": 'site = "example.com"\n' + rules, "_global.toml": ""})
    cleaner = Cleaner([tmp_path], shipped=False)
    assert cleaner.clean("Isi berita.\nPromo: x\n(abc)\n", site="example.com").text == "Isi berita."
    html = cleaner.clean_html("<html><body><article><p>Isi berita yang panjang sekali hari ini.</p><p>Promo: x</p>"
                              "<p>(abc)</p></article></body></html>", site="example.com")
    assert "E-T1" not in html.fired and html.fired.get("E-T2") == 1
