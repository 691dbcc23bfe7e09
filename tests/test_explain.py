"""`cleaner explain`: every line kept, removed or changed, with the rule id,
the site and how it was found; plain text when piped, colours in a terminal."""

import json
import shutil

import pytest
from rich.console import Console
from typer.testing import CliRunner

from cleaner import Cleaner, cli, extract
from cleaner.cli import app
from cleaner.explain import CHANGED, JOINED, KEPT, REMOVED, explain_page
from cleaner.sources import load, walk_folder
from conftest import LAYOUT_SAMPLES, SAMPLES

runner = CliRunner()
SUARA_TEXT = SAMPLES / "raw" / "seeds" / "002_872a19423decc652.txt"  # "Suara.com - " dateline, two "Baca Juga:" promos
SUARA_HTML = LAYOUT_SAMPLES / "suara.com" / "suara-2015.html"  # canonical URL, layout SUA-L01

GENERIC_HTML = """<!doctype html><html><head><title>t</title></head><body>
<article><h1>Judul berita yang panjang</h1>
<p>Paragraf pertama berita ini cukup panjang untuk dikenali sebagai isi artikel oleh ekstraktor generik.</p>
<p>Paragraf kedua juga berisi kalimat yang cukup panjang supaya ekstraktor menganggapnya bagian dari artikel.</p>
<p>Paragraf ketiga menutup berita dengan satu kalimat lagi yang panjang dan jelas.</p>
</article></body></html>
"""


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def test_text_page_marks_each_line_with_the_rule_and_is_plain_when_piped():
    result = run("explain", SUARA_TEXT)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "\x1b" not in out  # not a terminal: no colour codes
    lines = out.splitlines()
    assert any(line.startswith("site: suara.com") and "detected by: signature" in line for line in lines)
    assert "extractor: text" in out and "url: none" in out
    assert any("CHANGED" in line and "[-Suara.com - -]{SUA-T03}Rusia menolak" in line for line in lines)
    removed = [line for line in lines if " REMOVED " in line]
    assert len(removed) == 2 and all("GEN-T13" in line and "Baca Juga:" in line for line in removed)
    assert sum(" KEPT " in line for line in lines) == 9
    # every non-blank input line is there, in order, with its number
    numbers = [int(line.split()[0]) for line in lines if line[:4].strip().isdigit()]
    assert numbers == list(range(1, 13))
    assert result.stderr == ""


def test_colours_in_a_terminal(monkeypatch):
    monkeypatch.setattr(cli, "out", Console(force_terminal=True, color_system="standard", width=120))
    result = run("explain", SUARA_TEXT)
    assert result.exit_code == 0
    assert "\x1b[" in result.stdout  # the same view, styled


def test_site_option_and_folder_detection_are_reported(tmp_path):
    page = tmp_path / "detik.com" / "a.txt"
    page.parent.mkdir()
    shutil.copy(SUARA_TEXT, page)
    assert "site: detik.com; detected by: folder" in run("explain", page).stdout
    assert "site: suara.com; detected by: option" in run("explain", page, "--site", "suara.com").stdout
    by_url = run("explain", page, "--url", "https://www.suara.com/news/1")
    assert "detected by: url" in by_url.stdout and "url: https://www.suara.com/news/1" in by_url.stdout
    unknown = run("explain", tmp_path / "detik.com" / "a.txt", "--site", "elsewhere.example")
    assert "elsewhere.example (no rule file: generic rules only)" in unknown.stdout


def test_html_page_lists_node_drops_and_the_layout():
    result = run("explain", SUARA_HTML)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "\x1b" not in out
    assert "detected by: url" in out and "(declared by the page)" in out
    assert "extractor: site-body" in out and "layout: SUA-L01" in out
    assert "body: layout SUA-L01: 'div.CLeft article div.contentDetail' found, body" in out
    drops = out.split("nodes dropped inside the body (")[1].split("rendered lines:")[0]
    assert "SUA-H01 drop: (no text)" in drops  # the ad unit in the body; the headline around it is never rendered
    assert "Polda Bali Kumpulkan 4 Alat Bukti" not in out
    assert "[-Suara.com - -]{SUA-T03}Kapolda Bali" in out  # text rules on the rendered lines
    assert "[- (Luh Wayanti)-]{SUA-T04}" in out


def test_html_page_without_a_layout_says_the_generic_extractor_ran(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(GENERIC_HTML, encoding="utf-8")
    result = run("explain", page)
    assert result.exit_code == 0, result.output
    assert "extractor: generic" in result.stdout
    assert "layout: generic" in result.stdout
    assert "no site layout: trafilatura fast pass: score" in result.stdout
    assert "candidates: fast " in result.stdout and "(chosen)" in result.stdout
    assert "confidence: " in result.stdout and "(the extraction's estimated token F1)" in result.stdout
    assert "GEN-H01 drop: Judul berita yang panjang" in result.stdout


def test_a_page_too_big_for_trafilatura_says_its_content_was_rendered(tmp_path, monkeypatch):
    monkeypatch.setattr(extract, "LARGE_PAGE_CHARS", 100)  # this page counts as big
    page = tmp_path / "page.html"
    page.write_text(GENERIC_HTML, encoding="utf-8")
    result = run("explain", page)
    assert result.exit_code == 0, result.output
    assert "extractor: generic-large" in result.stdout
    assert "no site layout: the page is too big for trafilatura, so its content was rendered whole" in result.stdout


def test_json_has_the_same_content():
    result = run("explain", SUARA_HTML, "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["site"], data["detected_by"], data["extractor"], data["layout"]) == ("suara.com", "url", "site-body", "SUA-L01")
    assert {d["rule"] for d in data["node_drops"]} == {"SUA-H01"}
    first = data["lines"][0]
    assert first["status"] == CHANGED and first["pieces"][0] == {"rule": "SUA-T03", "text": "Suara.com - ", "start": 0}
    assert data["consistent"] is True
    assert "\n".join(line["output"] for line in data["lines"] if line["output"] is not None) == data["text"]


def test_stdin_and_usage_errors(tmp_path):
    result = run("explain", "-", input="Suara.com - Isi berita.\nBaca Juga: Judul Lain\n")
    assert result.exit_code == 0
    assert "detected by: signature" in result.stdout and "REMOVED GEN-T13" in result.stdout
    missing = run("explain", tmp_path / "nope.txt")
    assert missing.exit_code == 2 and missing.stderr.strip().count("\n") == 0
    assert run("explain", SAMPLES / "raw").exit_code == 2  # a folder: one page only


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner()


@pytest.mark.parametrize("page", list(walk_folder(SAMPLES / "raw")) + [p for p in walk_folder(LAYOUT_SAMPLES) if p.id.endswith(".html")],
                         ids=lambda p: p.id)
def test_explanations_add_up_to_the_cleaned_text(cleaner, page):
    """On every sample page, the lines marked kept/changed give the cleaner's output
    and every removal the engine recorded shows up."""
    page = load(page)
    explanation = explain_page(cleaner, page.data, kind=page.kind, source=page.source, path=page.relpath)
    result = cleaner.clean_page(page.data, kind=page.kind, source=page.source, path=page.relpath)
    assert explanation.consistent
    assert explanation.text == result.text
    assert explanation.fired() == result.fired
    for row in explanation.rows:
        assert row.status in (KEPT, REMOVED, CHANGED)
        assert (row.status == REMOVED) == (row.output is None)
        assert row.status == KEPT or row.rules


def test_clean_result_records_the_layout_and_the_lines_it_started_from(cleaner):
    html = cleaner.clean_html(SUARA_HTML.read_bytes())
    assert (html.extractor, html.layout, html.body_rule) == ("site-body", "SUA-L01", "SUA-L01")
    assert html.input_lines[0].text.startswith("Suara.com - Kapolda Bali")
    text = cleaner.clean("Isi berita.\n\nBaca Juga: Judul\n", site="suara.com")
    assert text.body_rule is None and text.layout is None
    assert [(ln.number, ln.text) for ln in text.input_lines] == [(1, "Isi berita."), (3, "Baca Juga: Judul")]
