"""`cleaner clean --learn`: a site's template learned from the batch's own
pages, written as ordinary (reviewable, reusable) rule files, then used to
clean the batch."""

import json
import re

from typer.testing import CliRunner

from cleaner import Cleaner
from cleaner.cli import app
from cleaner.learn import LEARNED_FOLDER, learn_batch
from cleaner.page import Page

runner = CliRunner()
SITE = "koranku.example"  # a site no rule file knows


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


PLACES = "Bogor Sleman Garut Kudus Blitar Jember Bantul Tegal Cilacap Pati Demak Klaten Kendal Batang Brebes Purworejo Wonogiri Boyolali Sragen Rembang Blora".split()
THINGS = "pohon jembatan sekolah pasar sumur jalan masjid posyandu irigasi taman".split()


def story(i: int, j: int) -> str:
    """Paragraph j of story i: every story its own place, things and numbers."""
    return (f"Warga {PLACES[i]} membangun {THINGS[(i + j) % 10]} nomor {i * 7 + j} bersama relawan "
            f"dari {PLACES[(i + j + 5) % len(PLACES)]} selama {j + 2} pekan, kata kepala desa kepada wartawan.")


def page(i: int) -> str:
    """A page of the site's template: menu, headline, dateline, a promo box
    and a box of links of the site's own inside the article, a caption, a
    closing line of the outlet, staff initials, a related list. The generic
    rules know the first ones, not the site's own box and closing line."""
    paras = "".join(f"<p>{story(i, j)}</p>" for j in range(1, 4))
    return (
        f'<html><head><title>Judul berita nomor {i}</title><link rel="canonical" href="https://www.{SITE}/berita/{i}"></head><body>'
        '<div class="menu"><a href="/">Beranda</a> <a href="/nasional">Nasional</a> <a href="/olahraga">Olahraga</a></div>'
        f'<div id="konten"><h1>Judul berita nomor {i}</h1><div class="isi-berita">'
        f"<p>KORANKU - {story(i, 0)}</p>"
        f'<div class="baca-juga">Baca juga: <a href="/x{i}">Judul lain nomor {i + 1}</a></div>'
        f'<figure><img src="{i}.jpg"><figcaption>Foto pohon nomor {i}. (Dok. Koranku)</figcaption></figure>'
        f'{paras}<div class="sorotan"><b>Sorotan</b> <a href="/s{i}">Judul sorotan nomor {i}</a> <a href="/t{i}">Judul lain</a></div>'
        "<p>Koranku, terpercaya sejak 1998</p><p>(abc/def)</p></div>"
        f'<div class="terkait"><h3>Berita Terkait</h3><ul><li><a href="/y{i}">Judul terkait {i}</a></li></ul></div></div>'
        "</body></html>"
    )


def body(i: int) -> list[str]:
    return [story(i, j) for j in range(4)]


def write_batch(folder, n=12, site=SITE):
    (folder / site).mkdir(parents=True)
    for i in range(n):
        (folder / site / f"p{i:02d}.html").write_text(page(i), encoding="utf-8")
    return folder


def test_learn_writes_a_reviewable_rule_file_and_cleans_the_batch_with_it(tmp_path):
    src = write_batch(tmp_path / "in")
    plain = run("clean", src, "-o", tmp_path / "plain", "-j", "0")
    result = run("clean", src, "-o", tmp_path / "out", "--learn", "-j", "0")
    assert result.exit_code == 0, result.output
    learned = tmp_path / "out" / LEARNED_FOLDER
    assert f"learned the templates of 1 of 1 site(s) into {learned}" in result.stderr
    rule_file = learned / "sites" / f"{SITE}.toml"
    text = rule_file.read_text(encoding="utf-8")
    assert re.search(r"^id = 'AUTO-KORANKU-L01'$", text, re.M)
    assert all(rule_id.startswith("AUTO-") for rule_id in re.findall(r"^id = '([^']+)'", text, re.M))
    assert "on 12/12 pages" in text  # every why names its support
    # reviewable and reusable as an ordinary rules folder
    assert run("rules", "check", "--rules", learned).exit_code == 0
    assert run("rules", "test", "--rules", learned).exit_code == 0
    # the learned template took out what the generic path left
    manifest = [json.loads(line) for line in (tmp_path / "out" / ".cleaner-manifest.jsonl").read_text().splitlines()]
    assert {e["layout"] for e in manifest} == {"AUTO-KORANKU-L01"}
    for i in (0, 7):
        assert (tmp_path / "out" / SITE / f"p{i:02d}.txt").read_text(encoding="utf-8").splitlines() == body(i)
    assert any((tmp_path / "plain" / SITE / f"p{i:02d}.txt").read_text(encoding="utf-8").splitlines() != body(i) for i in range(12))
    # reused later with --rules: the same outputs
    again = run("clean", src, "-o", tmp_path / "again", "--rules", learned, "-j", "0")
    assert again.exit_code == 0
    assert (tmp_path / "again" / SITE / "p03.txt").read_text() == (tmp_path / "out" / SITE / "p03.txt").read_text()


def test_the_same_batch_learns_the_same_file_and_a_rerun_skips_every_page(tmp_path):
    src = write_batch(tmp_path / "in")
    assert run("clean", src, "-o", tmp_path / "a", "--learn", "-j", "0").exit_code == 0
    assert run("clean", src, "-o", tmp_path / "b", "--learn", "-j", "0").exit_code == 0
    learned = f"{LEARNED_FOLDER}/sites/{SITE}.toml"
    assert (tmp_path / "a" / learned).read_bytes() == (tmp_path / "b" / learned).read_bytes()
    rerun = run("clean", src, "-o", tmp_path / "a", "--learn", "-j", "0")
    assert "skipped 12 up to date" in rerun.stderr  # the learned rules are part of the output's fingerprint


def test_input_order_does_not_change_what_is_learned(tmp_path):
    pages = [Page(page(i), kind="html", id=f"{SITE}/p{i:02d}", url=f"https://www.{SITE}/berita/{i}") for i in range(12)]
    cleaner = Cleaner()
    learn_batch(pages, cleaner, tmp_path / "forward")
    learn_batch(list(reversed(pages)), cleaner, tmp_path / "backward", per_site=12)
    assert (tmp_path / "forward" / "sites" / f"{SITE}.toml").read_bytes() == (tmp_path / "backward" / "sites" / f"{SITE}.toml").read_bytes()


def test_small_groups_and_sites_with_a_rule_file_are_not_learned(tmp_path):
    pages = [Page(page(i), kind="html", id=f"{SITE}/p{i}", url=f"https://www.{SITE}/berita/{i}") for i in range(5)]
    pages.append(Page("Suara.com - Isi berita.", kind="text", id="suara.com/a", url="https://www.suara.com/a"))
    results = learn_batch(pages, Cleaner(), tmp_path / "learned")
    assert [(r.site, r.file) for r in results] == [(SITE, None)]  # suara.com has its rule file
    assert results[0].reason == "5 page(s) in the batch, 8 needed"
    # with site rules off, every site is learned (here: still too few pages)
    assert {r.site for r in learn_batch(pages, Cleaner(site_rules=False), tmp_path / "all")} == {SITE, "suara.com"}


def test_learned_rules_apply_with_site_rules_off(tmp_path):
    pages = [Page(page(i), kind="html", id=f"{SITE}/p{i:02d}", url=f"https://www.{SITE}/berita/{i}") for i in range(12)]
    learn_batch(pages, Cleaner(site_rules=False), tmp_path / "learned")
    cleaner = Cleaner(site_rules=False, learned=[tmp_path / "learned"])
    result = cleaner.clean_html(page(20))
    assert (result.layout, result.text.splitlines()) == ("AUTO-KORANKU-L01", body(20))
    assert Cleaner(site_rules=False).clean_html(page(20)).layout == "generic"


def test_learn_needs_an_output_and_files_it_can_read_twice(tmp_path):
    src = write_batch(tmp_path / "in")
    assert "give -o OUT" in run("clean", src, "--learn", "--format", "jsonl").stderr
    stdin = runner.invoke(app, ["clean", "-", "-o", str(tmp_path / "o"), "--learn"], input="x")
    assert stdin.exit_code == 2 and "cannot read standard input" in stdin.stderr
    jsonl = run("clean", src, "--format", "jsonl", "-o", tmp_path / "out.jsonl", "--learn", "-j", "0")
    assert jsonl.exit_code == 0 and (tmp_path / "out.jsonl.learned" / "sites" / f"{SITE}.toml").is_file()
