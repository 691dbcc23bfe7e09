"""`cleaner rules suggest`: a draft site file learnt from a synthetic crawl.

Every crawl here is made up in tmp_path (never the shared corpus): pages of
one site sharing a dateline shape, a promo marker, a trailing block, a prompt
glued to the last paragraph and a staff code, around varying story text.
"""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner import Cleaner
from cleaner.cli import app
from cleaner.rules import load_rules
from cleaner.ruletest import check_all
from conftest import ROOT
from cleaner.suggest import SuggestError, load_crawl, looks_like_body, render_toml, suggest, suggest_pages, toml_str, write_draft

SITE = "koranku.com"
CITIES = ["JAKARTA", "SOLO", "BANDUNG", "KOTA BARU", "MEDAN", "SURABAYA", "PADANG", "MALANG", "BOGOR", "DEPOK"]
SUBJECTS = ["Pemerintah kota", "Dinas pendidikan", "Warga desa", "Pengurus klub", "Polisi setempat",
            "Pedagang pasar", "Pengelola taman", "Petani kopi", "Nelayan pesisir", "Panitia lomba"]
VERBS = ["membuka pendaftaran", "memperbaiki jalan", "menanam pohon", "menggelar rapat", "membagikan bantuan",
         "menata lapak", "menambah lampu", "memanen hasil", "memperbaiki perahu", "menyiapkan hadiah"]


def story(i: int, j: int) -> str:
    """A body sentence that is unique to page i."""
    return (f"{SUBJECTS[(i + j) % 10]} {VERBS[(i * 3 + j) % 10]} di wilayah {CITIES[(i + 2 * j) % 10].title()} "
            f"pada pekan ke-{i + j + 2} dengan {i * 7 + j + 3} peserta, kata petugas nomor {i}{j}.")


def title(i: int) -> str:
    return f"{SUBJECTS[(i + 4) % 10]} Siapkan Program Baru {i + 2020} untuk Warga {CITIES[(i + 5) % 10].title()}"


def text_page(i: int) -> tuple[str, list[str]]:
    """A page and the body lines it must clean to."""
    body = [story(i, j) for j in range(4)]
    lines = [f"Koranku.com, {CITIES[i]} - {body[0]}", body[1], f"Baca juga: {title(i)}", body[2]]
    if i % 3 == 0:  # one-line tail: the prompt glued to the last paragraph, after a staff code
        lines.append(f"{body[3]} (K{i + 10})Unduh aplikasi Koranku di ponsel Anda")
    elif i % 3 == 1:
        lines.append(f"{body[3]}Unduh aplikasi Koranku di ponsel Anda")
    else:
        lines += [body[3], "Tonton juga di Koranku TV", f"Siaran ulang pukul {i + 10}.00 WIB setiap hari"]
    return "\n".join(lines) + "\n", body


def write_crawl(root, n=10):
    folder = root / SITE
    folder.mkdir(parents=True)
    bodies = {}
    for i in range(n):
        text, body = text_page(i)
        (folder / f"p{i:02d}.txt").write_text(text, encoding="utf-8")
        bodies[f"p{i:02d}"] = body
    return folder, bodies


def draft_folder(tmp_path, suggestion) -> Path:
    """A rules folder holding the draft as the site file, with its layouts' sample pages."""
    folder = tmp_path / "my-rules"
    write_draft(suggestion, folder / "sites" / f"{SITE}.toml")
    return folder


def rules_with(tmp_path, draft: str):
    """A rules folder with the draft as the site file (over the shipped generic rules)."""
    folder = tmp_path / "my-rules"
    (folder / "sites").mkdir(parents=True)
    (folder / "sites" / f"{SITE}.toml").write_text(draft, encoding="utf-8")
    return folder


@pytest.fixture
def crawl(tmp_path):
    return write_crawl(tmp_path / "crawl")


def test_draft_loads_and_its_examples_pass(tmp_path, crawl):
    folder, _ = crawl
    draft = render_toml(suggest(folder))
    data = tomllib.loads(draft)
    assert data["site"] == SITE
    rules_dir = rules_with(tmp_path, draft)
    cleaner = Cleaner([rules_dir])  # loads with the project's loader (raises RuleError otherwise)
    assert check_all(cleaner.rules, cleaner) == []
    ids = [r.id for r in cleaner.rules.sites[SITE].rules()]
    assert ids and all(re.fullmatch(r"SUG-KORANKU-[TH]\d\d", i) for i in ids)
    assert len(set(ids)) == len(ids)


def test_every_rule_carries_its_evidence(crawl):
    folder, _ = crawl
    draft = render_toml(suggest(folder))
    blocks = re.split(r"\n(?=\[\[)", draft)
    for before, block in zip(blocks, blocks[1:]):
        evidence, found = before.splitlines()[-2:]
        assert re.fullmatch(r'# evidence: matched on \d+/10 pages, e\.g\. ".+"', evidence), before
        assert found.startswith("# found as: "), before
    data = tomllib.loads(draft)
    for phase in data["text"].values():
        for rule in phase:
            assert rule["must_match"] and rule["must_not_match"]
            for line in rule["must_not_match"]:  # a real body line of the crawl
                assert any(line in text for text in (p.read_text() for p in folder.iterdir()))


def test_the_draft_finds_the_template(crawl):
    folder, _ = crawl
    s = suggest(folder)
    by_origin = {}
    for r in s.rules:
        by_origin.setdefault(r.origin, []).append(r)
    dateline = by_origin["dateline"][0].table
    assert dateline["scope"] == "first_line" and dateline["pattern"].startswith(r"^Koranku\.com")
    assert re.match(dateline["pattern"], "Koranku.com, TANJUNG PINANG - Isi berita")  # the city is generalised
    assert any(r.kind == "drop_line" and r.table["line_pattern"].startswith("Baca") for r in by_origin["line shape"])
    assert any("Unduh" in r.table["pattern"] for r in by_origin["trailing marker"])
    assert any(r.kind == "cut_after" and "Tonton" in r.table["line_pattern"] for r in by_origin["repeated line"])
    assert any(r.kind == "strip_inline" and r"\d{1,3}" in r.table["pattern"] for r in by_origin["end mark"])


def test_used_as_site_file_it_cleans_the_crawl(tmp_path, crawl):
    folder, bodies = crawl
    rules_dir = rules_with(tmp_path, render_toml(suggest(folder)))
    with_draft = Cleaner([rules_dir])
    generic = Cleaner()  # the shipped rules: koranku.com has no site file there
    generic_left = 0
    for path in sorted(folder.iterdir()):
        text = path.read_text()
        got = with_draft.clean(text, path=f"{SITE}/{path.name}").text
        assert got.splitlines() == bodies[path.stem], path.name
        if generic.clean(text, path=f"{SITE}/{path.name}").text.splitlines() != bodies[path.stem]:
            generic_left += 1
    assert generic_left >= 3  # the draft removes what the generic rules alone leave


def test_it_cleans_unseen_pages_of_the_site(tmp_path, crawl):
    folder, _ = crawl
    cleaner = Cleaner([rules_with(tmp_path, render_toml(suggest(folder)))])
    page = ("Koranku.com, TANJUNG PINANG - Nelayan muda memperbaiki dermaga kayu di pesisir utara sejak Senin pagi.\n"
            "Baca juga: Judul Lain yang Belum Pernah Terlihat Sebelumnya\n"
            "Perbaikan itu, kata dia, selesai sebelum musim hujan tiba di kota tersebut. (K77)Unduh aplikasi Koranku di ponsel Anda\n")
    got = cleaner.clean(page, path=f"{SITE}/new.txt").text
    assert got == ("Nelayan muda memperbaiki dermaga kayu di pesisir utara sejak Senin pagi.\n"
                   "Perbaikan itu, kata dia, selesai sebelum musim hujan tiba di kota tersebut.")


def test_a_repeated_body_sentence_is_not_suggested(tmp_path):
    folder = tmp_path / SITE
    folder.mkdir()
    shared = "Program ini sudah berjalan sejak tahun lalu dan diikuti oleh ribuan warga dari berbagai daerah."
    for i in range(8):
        (folder / f"p{i}.txt").write_text(f"{story(i, 0)}\n{shared}\n{story(i, 1)}\n", encoding="utf-8")
    s = suggest(folder)
    assert not any(shared in str(r.table.get("pattern", r.table.get("line_pattern", ""))).replace("\\s*", " ") for r in s.rules)
    assert any("looks like body" in r.reason for r in s.rejected)
    cleaner = Cleaner([rules_with(tmp_path, render_toml(s))])
    assert shared in cleaner.clean((folder / "p0.txt").read_text(), path=f"{SITE}/p0.txt").text


def html_page(i: int) -> str:
    paras = [f"<p>{story(i, j)}</p>" for j in range(4)]
    return (
        f'<html><head><title>{title(i)} - Koranku</title><link rel="canonical" href="https://www.{SITE}/read/{i}"></head><body>'
        f'<div class="menu"><a href="/a">Berita</a> <a href="/b">Olahraga</a></div>'
        f'<div class="wrap"><h1>{title(i)}</h1><div class="kr-body detail-text">'
        f"{''.join(paras[:2])}"
        f'<p class="promo">Baca juga: <a href="/x{i}">{title(i + 1)}</a></p>'
        f"{''.join(paras[2:])}</div>"
        f'<div class="sidebar"><p>Terpopuler</p><ul><li><a href="/y">{title(i + 2)}</a></li></ul></div></div>'
        "</body></html>"
    )


def test_html_crawl_gives_a_layout_with_its_body_promo_drop_and_sample(tmp_path):
    folder = tmp_path / SITE
    folder.mkdir()
    for i in range(8):
        (folder / f"h{i}.html").write_text(html_page(i), encoding="utf-8")
    s = suggest(folder)
    (layout,) = s.layouts
    assert layout.table["body"] == ["div.kr-body.detail-text"]
    assert layout.table["detect"] == "div.wrap div.kr-body.detail-text"  # the body inside its named parent
    assert layout.table["samples"] == ["h0.html"] and layout.sample_html == html_page(0)
    assert "p.promo" in [d.table["css"] for d in layout.drops]
    rules = draft_folder(tmp_path, s)
    cleaner = Cleaner([rules])
    result = cleaner.clean_html(html_page(3).encode(), path=f"{SITE}/h3.html")
    assert (result.extractor, result.layout) == ("site-body", layout.id)
    assert result.text.splitlines() == [story(3, j) for j in range(4)]
    # the sample page is saved beside the draft, its gold drafted from the draft's own output
    sample = rules / "samples" / SITE / "h0.html"
    assert sample.read_text(encoding="utf-8") == html_page(0)
    assert sample.with_suffix(".txt").read_text(encoding="utf-8").splitlines() == [story(0, j) for j in range(4)]
    assert check_all(cleaner.rules, cleaner) == []


def test_site_comes_from_the_folder_or_the_option(tmp_path):
    folder = tmp_path / "crawl-2025"
    folder.mkdir()
    for i in range(4):
        (folder / f"p{i}.txt").write_text(text_page(i)[0], encoding="utf-8")
    with pytest.raises(SuggestError) as info:
        suggest(folder)
    assert info.value.code == 2
    assert suggest(folder, site=SITE).site == SITE
    with pytest.raises(SuggestError) as info:
        suggest_pages([], SITE)
    assert info.value.code == 3


def test_cli_writes_the_draft_and_reports(tmp_path, crawl):
    folder, _ = crawl
    runner = CliRunner()
    out = tmp_path / "my-rules" / "sites" / f"{SITE}.toml"
    result = runner.invoke(app, ["rules", "suggest", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "rule(s) and 0 layout(s) suggested for koranku.com from 10 page(s)" in result.stderr
    load_rules(tmp_path / "my-rules")  # loads beside nothing else
    test = runner.invoke(app, ["rules", "test", "--rules", str(tmp_path / "my-rules")])
    assert test.exit_code == 0, test.output
    stdout = runner.invoke(app, ["rules", "suggest", str(folder)])
    assert stdout.exit_code == 0 and stdout.stdout.startswith("# Draft rules for koranku.com")
    assert runner.invoke(app, ["rules", "suggest", str(tmp_path / "nope")]).exit_code == 2
    (tmp_path / "empty").mkdir()
    assert runner.invoke(app, ["rules", "suggest", str(tmp_path / "empty")]).exit_code == 3


def test_toml_strings_round_trip():
    for value in ["a'b", "\\d+ and 'quotes' and \"double\"", "line\nbreak", "tab\there", "'''", "ends with '", "\x7f"]:
        assert tomllib.loads(f"v = {toml_str(value)}")["v"] == value


def test_body_test_and_crawl_loading(tmp_path):
    assert looks_like_body("Warga desa menanam pohon di tepi sungai pada Senin pagi kemarin.")
    assert not looks_like_body("Baca juga: Judul Lain yang Menarik Sekali untuk Dibaca Semua Orang")
    folder, _ = write_crawl(tmp_path / "c", n=3)
    pages = load_crawl(folder)
    assert [p.kind for p in pages] == ["text"] * 3 and all(p.lines for p in pages)


def test_two_layouts_give_two_draft_layouts(tmp_path):
    folder = tmp_path / SITE
    folder.mkdir()
    for i in range(6):
        (folder / f"new{i}.html").write_text(html_page(i), encoding="utf-8")
    for i in range(6, 10):
        old = html_page(i).replace('class="kr-body detail-text"', 'class="isi-lama"').replace('class="promo"', 'class="baca"')
        (folder / f"old{i}.html").write_text(old, encoding="utf-8")
    s = suggest(folder)
    assert [layout.table["body"] for layout in s.layouts] == [["div.kr-body.detail-text"], ["div.isi-lama"]]
    cleaner = Cleaner([draft_folder(tmp_path, s)])
    for name, i, layout in (("new2.html", 2, s.layouts[0].id), ("old7.html", 7, s.layouts[1].id)):
        result = cleaner.clean_html((folder / name).read_bytes(), path=f"{SITE}/{name}")
        assert (result.extractor, result.layout) == ("site-body", layout)
        assert result.text.splitlines() == [story(i, j) for j in range(4)], name


def test_an_export_with_urls_tells_the_site(tmp_path):
    import json

    export = tmp_path / "crawl.jsonl"
    with export.open("w", encoding="utf-8") as fh:
        for i in range(10):
            fh.write(json.dumps({"id": f"a{i}", "url": f"https://www.{SITE}/read/{i}", "text": text_page(i)[0]}) + "\n")
    s = suggest(export)
    assert s.site == SITE and s.n_pages == 10
    assert any(r.origin == "dateline" for r in s.rules)


def test_the_draft_is_the_same_on_every_run(tmp_path):
    """Two template lines on the same number of pages (a tie) come out in the
    same order whatever Python's string hashing seed (it changes per process)."""
    folder, _ = write_crawl(tmp_path / "crawl")
    for i, page in enumerate(sorted(folder.iterdir())):
        with open(page, "a", encoding="utf-8") as fh:
            fh.write("Ikuti kami di media sosial\nSimak berita lainnya di kanal kami\nDapatkan info terbaru setiap hari\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    drafts = {
        subprocess.run([sys.executable, "-m", "cleaner.cli", "rules", "suggest", str(folder)], env={**env, "PYTHONHASHSEED": seed},
                       capture_output=True, text=True, check=True).stdout
        for seed in ("1", "2", "3", "4")
    }
    assert len(drafts) == 1
