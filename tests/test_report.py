"""The HTML report of `cleaner score --report`: line classes, structure,
escaping, and the page as a real browser (Debian's chromium) loads it."""

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.report import align, build_report, raw_rows, words3

runner = CliRunner()
XSS = "<script>alert(1)</script>"

RAW_TEXT = f"""Menu Home News Olahraga
JAKARTA - Paragraf pertama berita ini cukup panjang.
Baca juga: promo berita lain yang menarik
Paragraf kedua berita ini juga panjang.
{XSS}
Paragraf ketiga yang terlewat oleh pembersih.
Tag: politik
"""
PRED_TEXT = f"""JAKARTA - Paragraf pertama berita ini cukup panjang.
Baca juga: promo berita lain yang menarik
Paragraf kedua berita ini juga panjang.
{XSS}
"""
GOLD_TEXT = """Paragraf pertama berita ini cukup panjang.
Paragraf kedua berita ini juga panjang.
Paragraf ketiga yang terlewat oleh pembersih.
"""
RAW_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Judul</title>
<script>var tracking = 1;</script></head><body>
<nav><ul><li>Beranda</li><li>Nasional</li></ul></nav>
<article><h1>Judul berita – “kutipan”</h1><p>Isi paragraf satu &amp; dua.</p><p>Paragraf penutup.</p></article>
<footer>Hak cipta dilindungi</footer></body></html>
"""


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def trees(tmp_path):
    """pred/, gold/, raw/ with a text page, an HTML page, a page without raw
    and a gold file without a prediction."""
    pred, gold, raw = tmp_path / "pred", tmp_path / "gold", tmp_path / "raw"
    write(raw, "a.com/page.txt", RAW_TEXT)
    write(pred, "a.com/page.txt", PRED_TEXT)
    write(gold, "a.com/page.txt", GOLD_TEXT)
    write(raw, "b.org/berita.html", RAW_HTML)
    write(pred, "b.org/berita.txt", "Judul berita – “kutipan”\nIsi paragraf satu & dua.\nParagraf penutup.\n")
    write(gold, "b.org/berita.txt", "Judul berita – “kutipan”\nIsi paragraf satu & dua.\n")
    write(pred, "b.org/noraw.txt", "sama\nbocor\n")
    write(gold, "b.org/noraw.txt", "sama\nhilang\n")
    write(gold, "b.org/missing.txt", "tidak ada prediksi\n")
    return pred, gold, raw


class Dom(HTMLParser):
    """Start tags with their attributes, the text under each element id, and
    the classes of the rows of each file section."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.open_ids: list[tuple[str, str, int]] = []  # (id, tag, depth)
        self.depth = 0
        self.text: dict[str, str] = {}
        self.rows: dict[str, list[str]] = {}  # section id -> tr classes
        self.section: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag in ("meta", "link", "col", "input", "br", "img"):
            return  # void elements
        self.depth += 1
        if "id" in attrs:
            self.open_ids.append((attrs["id"], tag, self.depth))
            self.text.setdefault(attrs["id"], "")
        if tag == "section":
            self.section = attrs.get("id")
            self.rows[self.section] = []
        if tag == "tr" and self.section:
            self.rows[self.section].append(attrs.get("class", ""))

    def handle_endtag(self, tag):
        if tag in ("meta", "link", "col", "input", "br", "img"):
            return
        while self.open_ids and self.open_ids[-1][2] >= self.depth:
            self.open_ids.pop()
        if tag == "section":
            self.section = None
        self.depth -= 1

    def handle_data(self, data):
        for ident, _, _ in self.open_ids:
            self.text[ident] += data


def parse(html: str) -> Dom:
    dom = Dom()
    dom.feed(html)
    dom.close()
    return dom


def section_of(dom: Dom, relpath: str) -> str:
    """The id of the file section whose link in the per-file table shows relpath."""
    for ident, text in dom.text.items():
        if ident.startswith("row-") and text.startswith(relpath):
            return ident[len("row-") :]
    raise AssertionError(f"{relpath} not in the per-file table")


# --- alignment ----------------------------------------------------------------


def test_align_pairs_a_stripped_line_not_a_glued_one():
    raw = ["Menu", "P1 satu dua tiga empat lima. P2 enam tujuh delapan. P3 sembilan sepuluh.", "KOTA - P1 satu dua tiga empat lima.", "P2 enam tujuh delapan."]
    pred = ["P1 satu dua tiga empat lima.", "P2 enam tujuh delapan."]
    assert align(raw, pred) == [None, None, 0, 1]


def test_raw_lines_get_one_of_the_four_classes_and_edited_words():
    raw = [line for line in RAW_TEXT.splitlines() if line]
    rows = raw_rows(raw, PRED_TEXT.splitlines(), GOLD_TEXT.splitlines())
    assert [r.kind for r in rows] == ["noise", "edited", "leaked", "body", "leaked", "missed", "noise"]
    assert [r.number for r in rows] == list(range(1, 8))
    edited = rows[1]
    assert edited.words[0] == ("w-leak", "JAKARTA -") and (edited.cleaner, edited.gold) == ("kept", "edited")
    assert (rows[5].cleaner, rows[5].gold) == ("removed", "kept")


def test_words3_marks_words_removed_by_both_and_by_one_side():
    words = words3("KOTA - Isi berita (ant)", "Isi berita (ant)", "Isi berita")
    assert words == [("w-gone", "KOTA -"), ("w-body", "Isi berita"), ("w-leak", "(ant)")]


# --- the report file ----------------------------------------------------------


def test_report_structure_links_and_classes(trees, tmp_path):
    pred, gold, raw = trees
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["score", str(pred), str(gold), "--raw", str(raw), "--report", str(out)])
    assert result.exit_code == 1, result.output  # b.org/missing.txt has no prediction: the report still shows it
    assert "report:" in result.stderr and "1 of 4 gold files have no prediction" in result.stderr
    html = out.read_bytes().decode("utf-8")  # valid UTF-8
    dom = parse(html)
    tags = [t for t, _ in dom.tags]

    assert html.startswith("<!DOCTYPE html>")
    assert ("meta", {"charset": "utf-8"}) in dom.tags
    assert "style" in tags and "script" not in tags and "link" not in tags and "img" not in tags
    for _, attrs in dom.tags:  # self-contained: nothing loaded from elsewhere
        for name in ("src", "href"):
            assert not attrs.get(name, "#").startswith(("http:", "https:", "//", "file:"))
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    assert {"legend", "sites", "files"} <= set(dom.text)
    toggles = {attrs.get("id") for tag, attrs in dom.tags if tag == "input" and attrs.get("type") == "checkbox"}
    assert toggles == {"only-diff", "hide-exact"}  # CSS-only filters, no script
    for kind in ("leaked noise", "missed body text", "noise removed"):
        assert kind in dom.text["legend"]
    assert "MACRO" in dom.text["sites"] and "a.com" in dom.text["sites"] and "b.org" in dom.text["sites"]
    # every in-page link lands on an element
    for tag, attrs in dom.tags:
        if tag == "a":
            assert attrs["href"].startswith("#") and attrs["href"][1:] in dom.text, attrs

    page = section_of(dom, "a.com/page.txt")
    assert dom.rows[page][1:] == ["noise", "edited", "leaked", "body", "leaked", "missed", "noise"]
    assert XSS in dom.text[page]  # shown as text

    berita = section_of(dom, "b.org/berita.txt")
    assert "HTML page rendered to lines" in dom.text[berita]
    kinds = dom.rows[berita][1:]
    assert kinds.count("body") == 2 and kinds.count("leaked") == 1 and "missed" not in kinds
    assert "Beranda" in dom.text[berita] and "tracking" not in dom.text[berita]  # menu shown as noise, scripts never

    noraw = section_of(dom, "b.org/noraw.txt")
    assert "no raw page" in dom.text[noraw] and "noise" not in dom.rows[noraw]
    missing = section_of(dom, "b.org/missing.txt")
    assert "no prediction" in dom.text[missing] and dom.rows[missing][1:] == ["missed"]


def test_without_raw_the_report_diffs_prediction_and_gold(trees):
    pred, gold, _ = trees
    dom = parse(build_report(pred, gold))
    page = section_of(dom, "a.com/page.txt")
    kinds = dom.rows[page][1:]
    assert "noise" not in kinds and kinds.count("leaked") == 2 and kinds.count("missed") == 1
    assert "edited" in kinds  # the dateline line: same paragraph, leaked words


def test_long_runs_of_noise_are_folded(tmp_path):
    menu = "".join(f"<li>Menu {i}</li>" for i in range(40))
    write(tmp_path / "raw", "x.com/p.html", f"<html><body><ul>{menu}</ul><p>Isi berita.</p></body></html>")
    write(tmp_path / "pred", "x.com/p.txt", "Isi berita.\n")
    write(tmp_path / "gold", "x.com/p.txt", "Isi berita.\n")
    html = build_report(tmp_path / "pred", tmp_path / "gold", tmp_path / "raw")
    assert "36 more lines removed by both" in html and "Menu 20" in html


def test_report_usage_errors(trees, tmp_path):
    pred, gold, raw = trees
    result = runner.invoke(app, ["score", str(pred), str(gold), "--raw", str(raw)])
    assert result.exit_code == 2 and "--raw needs --report" in result.stderr
    result = runner.invoke(app, ["score", str(pred), str(gold), "--raw", str(tmp_path / "nope"), "--report", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and "nope" in result.stderr
    result = runner.invoke(app, ["score", str(pred), str(gold), "--report", str(tmp_path / "no" / "dir" / "r.html")])
    assert result.exit_code == 2 and "cannot write the report" in result.stderr


# --- in a real browser ----------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}",
    ]  # fmt: skip
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium; .ci/run installs it)")
def test_report_loads_in_headless_chromium(trees, tmp_path):
    pred, gold, raw = trees
    out = tmp_path / "report.html"
    out.write_text(build_report(pred, gold, raw), encoding="utf-8")

    dumped = chromium(tmp_path / "profile", "--dump-dom", out.as_uri())
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = parse(dumped.stdout)
    assert "MACRO" in dom.text["sites"] and "a.com/page.txt" in dom.text["files"]
    assert not any(tag == "script" for tag, _ in dom.tags)  # the page text stayed text
    assert XSS in dom.text[section_of(dom, "a.com/page.txt")]

    shot = tmp_path / "report.png"
    taken = chromium(tmp_path / "profile", "--window-size=1280,1600", f"--screenshot={shot}", out.as_uri())
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
