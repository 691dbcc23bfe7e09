"""`cleaner gold draft`: draft gold files in the labelling format, mirroring
the raw tree, never overwriting a gold file without --force."""

import re
import shutil

from typer.testing import CliRunner

from cleaner import Cleaner
from cleaner.cli import app
from cleaner.gold import format_gold
from conftest import LAYOUT_SAMPLES, SAMPLES

runner = CliRunner()
SITES = ("suara.com", "detik.com", "okezone.com")  # HTML, text by folder, a glued duplicate


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def raw_tree(tmp_path):
    """A copy of some sample sites under tmp/samples/raw."""
    raw = tmp_path / "samples" / "raw"
    for site in SITES:  # its sample texts, and the saved HTML pages of its layouts
        (raw / site).mkdir(parents=True)
        for page in [*(SAMPLES / "raw" / site).glob("*"), *(LAYOUT_SAMPLES / site).glob("*.html")]:
            shutil.copy(page, raw / site / page.name)
    shutil.copytree(SAMPLES / "raw" / "seeds", raw / "seeds")
    return raw


def assert_gold_format(data: bytes):
    text = data.decode("utf-8")  # UTF-8
    assert "\r" not in text  # LF
    assert text.endswith("\n") and not text.endswith("\n\n")  # a final newline
    for line in text[:-1].split("\n"):
        assert line and line == line.strip()  # no blank lines
        assert not re.search(r"\s\s|[\t\u00a0]", line)  # whitespace collapsed


def test_a_folder_is_mirrored_into_the_sibling_gold_folder(tmp_path):
    raw = raw_tree(tmp_path)
    before = {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()}
    result = run("gold", "draft", raw)
    assert result.exit_code == 0, result.output
    gold = tmp_path / "samples" / "gold"
    drafted = sorted(p.relative_to(gold).as_posix() for p in gold.rglob("*") if p.is_file())
    assert drafted == sorted(p.relative_to(raw).with_suffix(".txt").as_posix() for p in before)
    assert {p: p.read_bytes() for p in before} == before  # raw pages never modified
    cleaner = Cleaner()
    for page in before:
        rel = page.relative_to(raw)
        draft = (gold / rel).with_suffix(".txt").read_bytes()
        assert_gold_format(draft)
        # the draft is the cleaner's output for the page, found as `cleaner clean` finds it
        expected = cleaner.clean_page(page.read_bytes(), path=rel).text
        assert draft.decode("utf-8") == format_gold(expected)
    assert "suara-2015.txt" in result.stderr and "site suara.com" in result.stderr
    assert "correct each one by hand" in result.stderr
    assert result.stdout == ""


def test_existing_gold_is_skipped_unless_force(tmp_path):
    raw = raw_tree(tmp_path)
    gold = tmp_path / "samples" / "gold"
    assert run("gold", "draft", raw / "detik.com").exit_code == 0
    corrected = sorted((gold / "detik.com").glob("*.txt"))[0]
    corrected.write_text("Dikoreksi tangan.\n", encoding="utf-8")
    again = run("gold", "draft", raw / "detik.com")
    assert again.exit_code == 3  # nothing drafted
    assert "skipped" in again.stderr and "--force" in again.stderr
    assert corrected.read_text(encoding="utf-8") == "Dikoreksi tangan.\n"
    # new raw pages beside existing gold: only they are drafted
    shutil.copy(raw / "seeds" / "000_f9a5d6f906dd0c01.txt", raw / "detik.com" / "baru.txt")
    partial = run("gold", "draft", raw / "detik.com")
    assert partial.exit_code == 0
    assert (gold / "detik.com" / "baru.txt").is_file()
    assert corrected.read_text(encoding="utf-8") == "Dikoreksi tangan.\n"
    forced = run("gold", "draft", raw / "detik.com", "--force")
    assert forced.exit_code == 0
    assert corrected.read_text(encoding="utf-8") != "Dikoreksi tangan.\n"


def test_single_files_and_an_output_folder(tmp_path):
    raw = raw_tree(tmp_path)
    out = tmp_path / "labels"
    page = raw / "suara.com" / "suara-2015.html"
    result = run("gold", "draft", page, raw / "seeds" / "002_872a19423decc652.txt", "-o", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["002_872a19423decc652.txt", "suara-2015.txt"]
    draft = (out / "suara-2015.txt").read_text(encoding="utf-8")
    assert draft.startswith("Kapolda Bali Irjen Pol.Ronny F Sompie")  # dateline stripped: the site was found
    # a folder whose own name is the site: detected by that name
    site_folder = run("gold", "draft", raw / "detik.com", "-o", tmp_path / "d")
    assert "site detik.com" in site_folder.stderr
    # --site and --url apply as in `cleaner clean`
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.txt").write_text("Suara.com  -  Isi berita.\n\n\nBaca Juga: Judul Lain\nParagraf\tdua.\n", encoding="utf-8")
    assert run("gold", "draft", plain / "a.txt", "-o", tmp_path / "p", "--site", "suara.com").exit_code == 0
    assert (tmp_path / "p" / "a.txt").read_bytes() == "Isi berita.\nParagraf dua.\n".encode()


def test_usage_errors_exit_2_and_write_nothing(tmp_path):
    raw = raw_tree(tmp_path)
    elsewhere = tmp_path / "scraped"
    shutil.copytree(SAMPLES / "raw" / "seeds", elsewhere)
    cases = [
        ("gold", "draft", tmp_path / "missing.txt", "-o", tmp_path / "o"),
        ("gold", "draft", elsewhere),  # not under raw/: no default gold folder
        ("gold", "draft", raw, "-o", raw / "gold"),  # drafts would be read as raw pages
        ("gold", "draft", raw / "seeds" / "000_f9a5d6f906dd0c01.txt", "-o", raw / "seeds", "--force"),  # over its own raw page
    ]
    export = tmp_path / "pages.jsonl"
    export.write_text('{"text": "Isi."}\n', encoding="utf-8")
    cases.append(("gold", "draft", export, "-o", tmp_path / "o"))
    for args in cases:
        result = run(*args)
        assert result.exit_code == 2, args
        assert result.stderr.strip().count("\n") == 0, result.stderr
    assert not (tmp_path / "o").exists() and not (tmp_path / "samples" / "gold").exists()
    assert not (raw / "gold").exists()


def test_format_gold():
    assert format_gold("  Satu\u00a0 dua \r\n\n\tTiga.\n\n") == "Satu dua\nTiga.\n"
    assert format_gold("") == "" and format_gold("\n \n") == ""
