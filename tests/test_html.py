"""HTML mode: decoding, the page URL, node rules, body choice and rendering."""

import lxml.html
import pytest
from selectolax.lexbor import LexborHTMLParser

from cleaner import Cleaner, RuleError, extract, load_rules
from cleaner.html import decode_html, looks_like_html, page_url, parse_html, parser_input, render_lines
from conftest import write_rules

SITE = 'site = "example.com"\n'


def lines(html: str) -> list[str]:
    return [ln.text for ln in render_lines(LexborHTMLParser(html).body)]


def test_render_one_block_per_line_inline_tags_joined():
    html = "<div><h2>Judul <b>tengah</b></h2><p>Satu <a href=x>dua</a>tiga.</p><ul><li>a</li><li>b</li></ul></div>"
    assert lines(html) == ["Judul tengah", "Satu duatiga.", "a", "b"]


def test_render_br_is_a_line_break_and_scripts_never_render():
    html = "<p>baris satu<br>baris dua<br><br>baris tiga<script>var x=1;</script><style>p{}</style></p>"
    assert lines(html) == ["baris satu", "baris dua", "baris tiga"]


def test_render_table_rows_one_per_line():
    assert lines("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>") == ["a b", "c"]


def test_render_survives_very_deep_nesting():
    html = "<div>" * 20000 + "dalam" + "</div>" * 20000
    assert lines(html) == ["dalam"]


def test_decode_uses_meta_charset_then_detection():
    page = '<html><head><meta charset="windows-1252"></head><body><p>caf\xe9</p></body></html>'
    assert "café" in decode_html(page.encode("cp1252"), "x.html")
    assert "café" in decode_html(b"\xef\xbb\xbf<p>caf\xc3\xa9</p>", "x.html")


def test_a_windows_1252_page_without_a_charset_is_read_as_windows_1252():
    text = "Harga naik\xa0tajam \u2014 kata \u201cpejabat\u201d di kafe itu. " * 3
    page = f"<html><body><p>{text}</p></body></html>".encode("cp1252")
    assert decode_html(page, "x.html") == page.decode("cp1252")  # not cp1250 / cp775 ("Ā" for the NBSP)


def test_a_page_of_another_script_keeps_its_detected_encoding():
    text = "Правительство объявило новые меры поддержки для малого бизнеса в регионах страны. " * 4
    assert decode_html(f"<p>{text}</p>".encode("cp1251"), "x.html") == f"<p>{text}</p>"


def test_a_declared_charset_the_bytes_contradict_is_ignored():
    utf8 = '<html><head><meta charset="utf-16"></head><body><p>caf\xe9 \u2014 ok</p></body></html>'
    assert decode_html(utf8.encode("utf-8"), "x.html") == utf8
    mislabelled = '<meta charset="iso-8859-1"><p>caf\xe9 \u2014 ok</p>'
    assert decode_html(mislabelled.encode("utf-8"), "x.html") == mislabelled  # valid UTF-8 wins


def test_utf8_pages_are_parsed_from_their_bytes_others_from_their_decoded_text():
    utf8 = "<p>caf\xe9 \u2014 ok</p>".encode()
    assert parser_input(utf8, "x.html") is utf8
    cp1252 = '<meta charset="windows-1252"><p>caf\xe9 \u2014 ok</p>'.encode("cp1252")
    assert parser_input(cp1252, "x.html") == '<meta charset="windows-1252"><p>caf\xe9 \u2014 ok</p>'
    with_bom = b"\xef\xbb\xbf<p>caf\xc3\xa9</p>"
    assert parser_input(with_bom, "x.html") == "<p>caf\xe9</p>"  # a BOM is not text: decoded, not parsed as bytes
    for page in (utf8, cp1252, with_bom):
        assert Cleaner().clean_html(page).text.startswith("caf\xe9")


def test_page_url_canonical_then_og_url():
    assert page_url(LexborHTMLParser('<link rel="canonical" href="https://a.com/x"><meta property="og:url" content="https://b.com/y">')) == "https://a.com/x"
    assert page_url(LexborHTMLParser('<meta property="og:url" content="https://b.com/y">')) == "https://b.com/y"
    assert page_url(LexborHTMLParser("<p>no url</p>")) is None


def test_sniffing():
    assert looks_like_html("<!DOCTYPE html><html>")
    assert looks_like_html("\n  <div class='x'>teks</div>")
    assert not looks_like_html("Suara.com - Isi berita <b>tebal</b> di tengah.")


def html_rules(tmp_path, body: str) -> Cleaner:
    write_rules(tmp_path, {"sites/example.com.toml": SITE + body, "_global.toml": "",
                           "samples/example.com/page.html": PAGE, "samples/example.com/page.txt": "Paragraf pertama.\nParagraf kedua.\n"})
    return Cleaner([tmp_path], shipped=False)


RULES = """
[[text.strip_inline]]
id = "E-T1"
why = "dateline"
inputs = ["text", "html"]
scope = "first_line"
pattern = '^EXAMPLE\\.COM - '
must_match = ["EXAMPLE.COM - Isi"]
must_not_match = ["Isi"]

[[html.layout]]
id = "E-L1"
why = "the 2024 layout: the article container"
seen = ["2024"]
detect = "div.article"
body = ["div.article"]
samples = ["page.html"]

[[html.layout.drop]]
id = "E-H1"
why = "promo box"
css = "p.baca"
must_match = ['<p class="baca">Baca juga</p>']
must_not_match = ["<p>isi</p>"]

[[html.layout.drop_heading]]
id = "E-H2"
why = "related widget by its heading"
css = "div.box"
heading = 'Berita Terkait'
must_match = ['<div class="box"><h3>Berita Terkait</h3><a>x</a></div>']
must_not_match = ['<div class="box"><h3>Lainnya</h3></div>']
"""

PAGE = """<html><head><link rel="canonical" href="https://www.example.com/read/1"></head><body>
<nav>Menu Beranda</nav>
<div class="article"><p>EXAMPLE.COM - Paragraf pertama.</p><p class="baca">Baca juga: Judul lain</p>
<div class="box"><h3>Berita Terkait</h3><a>Judul terkait</a></div><p>Paragraf kedua.</p></div>
<footer>Hak cipta</footer></body></html>"""


def test_site_rules_run_in_html_then_text_phases(tmp_path):
    result = html_rules(tmp_path, RULES).clean_html(PAGE)
    assert result.text == "Paragraf pertama.\nParagraf kedua."
    assert (result.site, result.site_source, result.extractor, result.layout) == ("example.com", "url", "site-body", "E-L1")
    assert result.url == "https://www.example.com/read/1"
    assert result.fired == {"E-H1": 1, "E-H2": 1, "E-T1": 1}


def test_a_body_selector_counts_only_when_it_matches_one_node(tmp_path):
    page = PAGE.replace("<footer>", '<div class="article"><p>Kedua</p></div><footer>')
    result = html_rules(tmp_path, RULES).clean_html(page)
    assert (result.extractor, result.layout) == ("generic", "generic")
    assert result.layouts_tried == ("E-L1: 'div.article' found, but no body selector matched exactly one node ('div.article' matched 2)",)


def test_a_page_whose_layout_is_not_recognised_is_left_to_the_generic_path_untouched_by_the_site_rules(tmp_path):
    # a redesign: the article container was renamed, the promo box is still there
    page = PAGE.replace('<div class="article">', '<div class="story">')
    result = html_rules(tmp_path, RULES).clean_html(page)
    assert (result.extractor, result.layout) == ("generic", "generic")
    assert "E-H1" not in result.fired and "E-H2" not in result.fired  # the layout's drops never ran
    assert result.reason.startswith("no layout matched (E-L1: 'div.article' not found)")


def test_layout_text_rules_run_on_its_rendered_lines_only(tmp_path):
    layout_rule = """
[[html.layout.text.drop_line]]
id = "E-T2"
why = "the layout's 'Baca juga' line"
line_pattern = 'Baca juga: .*'
must_match = ["Baca juga: Judul"]
must_not_match = ["Ia baca juga laporan itu."]
"""
    cleaner = html_rules(tmp_path, RULES.replace('css = "p.baca"', 'css = "p.none"') + layout_rule)
    assert cleaner.clean_html(PAGE).fired.get("E-T2") == 1
    assert "E-T2" not in cleaner.clean("Paragraf.\nBaca juga: Judul lain\n", site="example.com").fired  # scraped text: not its lines
    assert "E-T2" not in cleaner.clean_html(PAGE.replace('"article"', '"story"')).fired  # the generic path: not its lines either


def test_bad_css_is_refused_at_load(tmp_path):
    write_rules(tmp_path, {"sites/example.com.toml": SITE + RULES.replace('css = "p.baca"', 'css = "p.baca["')})
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path)
    assert [p for p in info.value.problems if "E-H1" in p][0].endswith("example.com.toml: E-H1: bad CSS selector 'p.baca['")


def test_clean_page_sniffs_the_kind(cleaner):
    assert cleaner.clean_page(b"<html><body><article><p>Isi berita ini.</p></article></body></html>").extractor == "generic"
    assert cleaner.clean_page("Isi berita ini.").extractor == "text"


def test_lines_repeated_in_a_parsed_page_are_kept(tmp_path):
    # answer keys repeat lines on purpose; only text exports have scrape duplicates
    page = "<html><body><div class='article'><p>n = 3 (pada kulit M) adalah jawabannya</p><p>Soal kedua</p><p>n = 3 (pada kulit M) adalah jawabannya</p></div></body></html>"
    result = html_rules(tmp_path, RULES).clean_html(page, site="example.com")
    assert result.text.splitlines().count("n = 3 (pada kulit M) adalah jawabannya") == 2


# --- the generic path: global node rules, then trafilatura (cleaner/extract.py) ---

NEWS_PAGE = """<html><head><title>T</title></head><body><nav><a href=/>Home</a> <a href=/news>News</a></nav>
<article><h1>Council approves the new bridge</h1><div class="author-info">Jane Doe, Staff Writer</div>
<span class="date">March 3, 2025</span>
<p>The city council approved the new bridge on Monday after a long debate about its cost and its route across the river.</p>
<figure><img src="a.jpg"><figcaption>The old bridge, closed since 2019. Photo: City archive</figcaption></figure>
<p>Work will start in the spring and should take two years, the mayor said, adding that the old bridge will stay open for walkers.</p>
<div class="sharedaddy"><h3>Share this:</h3><a>Facebook</a> <a>X</a></div>
<section class="related-posts"><h3>Related Posts</h3><a href=/a>Bridge contract signed after months of talks</a></section>
</article><footer>Copyright 2025 City News</footer></body></html>"""


def test_generic_path_drops_headline_byline_date_caption_share_and_related_blocks(cleaner):
    result = cleaner.clean_html(NEWS_PAGE)
    assert result.extractor == "generic"
    assert result.text.splitlines() == [
        "The city council approved the new bridge on Monday after a long debate about its cost and its route across the river.",
        "Work will start in the spring and should take two years, the mayor said, adding that the old bridge will stay open for walkers.",
    ]
    assert set(result.fired) == {"GEN-H01", "GEN-H03", "GEN-H05", "GEN-H06", "GEN-H08", "GEN-H09"}


def test_trafilatura_reads_the_page_without_never_text_elements_and_the_share_counts_the_text_outside_the_chrome(monkeypatch):
    page = ("<html><head><style>p{color:red}</style></head><body><nav>Home <b>News</b> Sport</nav>"
            "<script>var x = 1;</script><p>Isi   berita.</p><aside>Terpopuler</aside><footer>Hak cipta</footer></body></html>")
    tree = parse_html(page)
    read = []
    monkeypatch.setattr(extract.trafilatura, "extract", lambda doc, **options: read.append(lxml.html.tostring(doc, encoding="unicode")) or "Isi berita.")
    assert [ln.text for ln in extract.extract_generic(tree).lines] == ["Isi berita."]
    assert "<script" not in read[0] and "<style" not in read[0] and "<nav>Home <b>News</b> Sport</nav>" in read[0]
    assert extract.content_length(tree) == len("Isi berita.")  # the chrome is still in the tree, not counted
