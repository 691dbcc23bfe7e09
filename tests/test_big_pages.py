"""Very large and very deeply nested HTML pages (cleaner/extract.py,
cleaner/html.py): a page too big or too deep for trafilatura has its content
rendered instead (extractor "generic-large"), and pathological nesting is
flattened before the page is parsed. The thresholds are lowered here with
monkeypatch so that small pages show the behaviour; the real sizes run in
test_hostile_pages.py and benchmarks/big_pages.py. No timing is asserted.
"""

import pytest

from cleaner import Cleaner, extract
from cleaner import html as H
from cleaner.html import flatten_deep, parse_html, render_lines
from conftest import LAYOUT, write_layout_sample, write_rules

ARTICLE = [
    "Paragraf pertama berita yang cukup panjang tentang banjir di kota.",
    "Paragraf kedua berita tentang warga yang mengungsi ke balai desa.",
    "Paragraf ketiga berita tentang bantuan yang datang dari pemerintah.",
]
PAGE = (
    "<html><head><title>Judul</title><script>var iklan = '<p>bukan berita</p>';</script></head><body>"
    "<nav><ul><li>Beranda</li><li>Nasional</li></ul></nav>"
    "<article>" + "".join(f"<p>{p}</p>" for p in ARTICLE) + "</article>"
    "<footer>Hak cipta 2024 Media Contoh</footer></body></html>"
)


@pytest.fixture
def no_trafilatura(monkeypatch):
    """trafilatura.extract replaced by a function that fails the test if called."""

    def fail(*args, **kwargs):
        raise AssertionError("trafilatura must not run on this page")

    monkeypatch.setattr(extract.trafilatura, "extract", fail)


# --- the generic path: a page too big for trafilatura is rendered ---------


def test_a_page_with_more_tags_than_the_threshold_is_rendered_without_trafilatura(cleaner, monkeypatch, no_trafilatura):
    monkeypatch.setattr(extract, "LARGE_PAGE_TAGS", 10)  # PAGE has 30-odd tags
    result = cleaner.clean_html(PAGE)
    assert result.extractor == "generic-large"
    # the article, one paragraph a line; no menu, footer or script
    assert result.text == "\n".join(ARTICLE)


def test_a_page_with_more_paragraphs_and_headings_than_the_threshold_is_rendered_without_trafilatura(cleaner, monkeypatch, no_trafilatura):
    monkeypatch.setattr(extract, "LARGE_PAGE_BLOCKS", 2)  # PAGE has 3 paragraphs
    result = cleaner.clean_html(PAGE)
    assert (result.extractor, result.text) == ("generic-large", "\n".join(ARTICLE))


def test_a_page_with_more_characters_than_the_threshold_is_rendered_without_trafilatura(cleaner, monkeypatch, no_trafilatura):
    monkeypatch.setattr(extract, "LARGE_PAGE_CHARS", 100)
    result = cleaner.clean_html(PAGE)
    assert (result.extractor, result.text) == ("generic-large", "\n".join(ARTICLE))


def test_below_the_thresholds_trafilatura_runs(cleaner):
    result = cleaner.clean_html(PAGE)
    assert result.extractor == "generic"
    assert result.text == "\n".join(ARTICLE)


def test_the_rendered_page_still_goes_through_the_generic_node_and_text_rules(cleaner, monkeypatch):
    monkeypatch.setattr(extract, "LARGE_PAGE_TAGS", 10)
    page = PAGE.replace("<article>", "<article><h1>Judul berita</h1><figure><img src=x><figcaption>Foto: Warga (ANTARA)</figcaption></figure>")
    page = page.replace(ARTICLE[1], ARTICLE[1] + " ADVERTISEMENT")
    result = cleaner.clean_html(page)
    assert result.extractor == "generic-large"
    assert result.text == "\n".join(ARTICLE)  # headline and caption dropped by node rules, the ad marker by a text rule
    assert {"GEN-H01", "GEN-T21"} <= set(result.fired)  # the headline, the ad marker


def test_extract_generic_names_the_extractor(monkeypatch):
    found = extract.extract_generic(parse_html(PAGE))
    assert found.extractor == "generic" and [ln.text for ln in found.lines] == ARTICLE
    monkeypatch.setattr(extract, "LARGE_PAGE_TAGS", 10)
    found = extract.extract_generic(parse_html(PAGE))
    assert found.extractor == "generic-large" and [(ln.number, ln.text) for ln in found.lines] == list(enumerate(ARTICLE, 1))


# --- the generic path: a page too deep for trafilatura's parser ------------


def test_a_page_nested_deeper_than_lxml_reads_is_rendered(cleaner):
    # lxml (trafilatura's parser) stops at 256 levels: trafilatura finds nothing
    page = "<html><body>" + "<div>" * 300 + "".join(f"<p>{p}</p>" for p in ARTICLE) + "</div>" * 300 + "</body></html>"
    result = cleaner.clean_html(page)
    assert (result.extractor, result.text) == ("generic-large", "\n".join(ARTICLE))


def test_depth_is_looked_at_only_when_the_fast_pass_comes_out_short(monkeypatch):
    # the nav's list items are at level 5, but trafilatura read the article
    # well: the page is not parsed again for its depth, and trafilatura's text stays
    monkeypatch.setattr(extract, "TRAFILATURA_MAX_DEPTH", 5)
    assert extract.extract_generic(parse_html(PAGE)).extractor == "generic"
    monkeypatch.setattr(extract, "too_deep", lambda tree: pytest.fail("depth checked"))
    assert extract.extract_generic(parse_html(PAGE)).extractor == "generic"


# --- the 100k-nested page of test_hostile_pages.py, both paths -------------

NESTED = "<html><body>" + "<div>" * 100_000 + "Isi berita di dasar sarang." + "</div>" * 100_000 + "</body></html>"


def test_100k_nested_divs_give_the_sentence_at_the_bottom(cleaner):
    result = cleaner.clean_html(NESTED)
    assert (result.extractor, result.text) == ("generic-large", "Isi berita di dasar sarang.")


def test_100k_nested_divs_inside_a_site_body(tmp_path):
    write_rules(tmp_path, {"sites/example.com.toml": 'site = "example.com"\n' + LAYOUT, "_global.toml": ""})
    write_layout_sample(tmp_path)
    page = NESTED.replace("<body>", '<body><div class="isi">').replace("</body>", "</div></body>")
    result = Cleaner([tmp_path], shipped=False).clean_html(page, site="example.com")
    assert (result.extractor, result.layout, result.text) == ("site-body", "E-L1", "Isi berita di dasar sarang.")


# --- flattening before the parse (cleaner/html.py) -------------------------


def test_flatten_drops_the_tags_deeper_than_the_limit_and_keeps_the_text():
    page = "<div>" * 5 + "teks" + "</div>" * 5
    # one <br> for each run of dropped block tags: the text keeps a line of its own
    assert flatten_deep(page, max_depth=2) == "<div><div><br>teks<br></div></div>"


def test_flatten_keeps_lines_apart_and_drops_inline_tags_silently():
    page = "<section><div><p>satu <b>tebal</b></p><p>dua</p></div></section>"
    flat = flatten_deep(page, max_depth=2)
    assert flat == "<section><div><br>satu tebal<br>dua<br></div></section>"
    assert [ln.text for ln in render_lines(parse_html(flat).body)] == ["satu tebal", "dua"]


def test_flatten_leaves_a_page_within_the_limit_as_it_is():
    page = "<html><body><div><p>isi</p></div></body></html>"
    assert flatten_deep(page, max_depth=4) is page


def test_flatten_does_not_count_void_elements_unclosed_items_or_stray_end_tags():
    page = "<ul>" + "<li>butir <br><img src=x>" * 50 + "</ul></div></span>"
    assert flatten_deep(page, max_depth=3) is page


def test_flatten_never_looks_inside_scripts_comments_or_attribute_values():
    page = '<div title="a > <div>"><script>if (a<b) { s = "<div><div><div>"; }</script><!-- <div><div> --><p>isi</p></div>'
    assert flatten_deep(page, max_depth=2) is page


def test_flatten_keeps_elements_whose_content_is_never_text():
    # a dropped <select> would leave its options as page text
    page = "<div><div><select><option>Pilih</option></select></div></div>"
    assert flatten_deep(page, max_depth=1) == "<div><br><select><option>Pilih</option></select><br></div>"
    assert render_lines(parse_html(flatten_deep(page, max_depth=1)).body) == []


def test_parse_html_flattens_only_pages_with_many_tags(monkeypatch):
    page = "<html><body>" + "<div>" * 50 + "dalam" + "</div>" * 50 + "</body></html>"
    monkeypatch.setattr(H, "MAX_DEPTH", 10)
    assert len(parse_html(page).css("div")) == 50  # 102 tags: parsed as it is
    monkeypatch.setattr(H, "DEEP_SCAN_TAGS", 100)
    tree = parse_html(page)
    assert len(tree.css("div")) == 8  # html, body and 8 divs: 10 levels
    assert [ln.text for ln in render_lines(tree.body)] == ["dalam"]
