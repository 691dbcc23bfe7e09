"""Formats by name and by content: what `-o NAME` writes (folder, JSONL,
compressed JSONL, parquet, one text file), what the cleaner refuses to
write, compressed inputs, what a folder walk reads, sniffs and skips, and
standard input sniffed. Each test runs `cleaner clean` as a user would, on
small pages made in tmp_path."""

import bz2
import csv
import gzip
import io
import json
import lzma
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaner.cli import app
from cleaner.formats import FormatError, kind_of_name, resolve_output, sniff_content

runner = CliRunner()

SUARA = "Suara.com - Isi berita pertama.\nBaca Juga: Judul Lain\nIsi berita kedua.\n"
SUARA_CLEAN = "Isi berita pertama.\nIsi berita kedua."
HTML = (
    "<html><body><article><h1>Judul</h1><p>Paragraf pertama berita ini cukup panjang untuk diambil oleh ekstraktor, "
    "dengan beberapa kalimat lengkap.</p><p>Paragraf kedua juga berisi kalimat yang utuh dan panjang.</p></article></body></html>"
)


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def write(path: Path, content) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    return path


def records(path: Path) -> list[dict]:
    """The records of a JSONL (plain or compressed) or parquet output."""
    if path.name.endswith(".parquet"):
        return pq.read_table(path).to_pylist()
    opener = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}.get(path.suffix)
    if path.suffix == ".zst":
        from xopen import xopen

        opener = xopen
    with (opener or open)(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def corpus(root: Path) -> Path:
    write(root / "suara.com" / "a.txt", SUARA)
    write(root / "elsewhere.example" / "b.html", HTML)
    write(root / "misc" / "c.txt", "Isi berita tanpa situs.\n")
    return root


# -- outputs by name ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name, magic", [
    ("out.jsonl", b"{"), ("out.jsonl.gz", b"\x1f\x8b"), ("out.jsonl.zst", b"\x28\xb5\x2f\xfd"),
    ("out.jsonl.bz2", b"BZh"), ("out.jsonl.xz", b"\xfd7zXZ"), ("out.parquet", b"PAR1"),
])
def test_the_output_follows_its_name_and_holds_the_same_records(tmp_path, name, magic):
    src = corpus(tmp_path / "in")
    reference = run("clean", src, "--format", "jsonl", "-o", "-", "-j", "0", "-q")
    expected = {r["id"]: r for r in map(json.loads, reference.stdout.splitlines())}
    out = tmp_path / name
    result = run("clean", src, "-o", out, "-j", "0", "-q")
    assert result.exit_code == 0, result.stderr
    assert out.is_file() and out.read_bytes().startswith(magic)  # really that format
    got = {r["id"]: r for r in records(out)}
    if name.endswith(".parquet"):  # a map column reads back as (key, value) pairs; a key some rows lack, as null
        got = {i: {k: v for k, v in {**r, "fired": dict(r["fired"])}.items() if k in expected[i] or v is not None}
               for i, r in got.items()}
    assert got == expected
    assert not list(tmp_path.glob("*.pending.jsonl")) and not list(tmp_path.glob(".*.tmp"))
    manifest = [json.loads(line) for line in (tmp_path / f"{name}.manifest.jsonl").read_text().splitlines()]
    assert {(e["status"], e["output"]) for e in manifest} == {("ok", str(out))} and len(manifest) == 3


@pytest.mark.parametrize("args, message", [
    (["-o", "out.csv"], "cannot write .csv files"),
    (["-o", "out.json"], "cannot write .json files"),
    (["-o", "x.gz"], "cannot write a gz file without a .jsonl name"),
    (["-o", "all.txt"], "cannot write several pages into one .txt file"),
    (["-o", "x.parquet.gz"], "parquet compresses its own columns"),
    (["-o", "-", "--format", "parquet"], "parquet cannot go to standard output"),
    (["-o", "out", "--format", "csv"], "--format must be one of txt, jsonl, parquet"),
])
def test_a_name_the_cleaner_cannot_write_is_refused_with_one_line_before_any_work(tmp_path, args, message):
    src = corpus(tmp_path / "in")
    result = run("clean", src, *[tmp_path / a if a.startswith(("out", "x.", "all")) else a for a in args])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]  # nothing written


def test_format_overrides_the_name(tmp_path):
    src = corpus(tmp_path / "in")
    assert run("clean", src, "--format", "jsonl", "-o", tmp_path / "cleaned.gz", "-j", "0", "-q").exit_code == 0
    assert len(records(tmp_path / "cleaned.gz")) == 3  # gzip JSONL, as the name's last suffix says
    assert run("clean", src, "--format", "txt", "-o", tmp_path / "tree.jsonl", "-j", "0", "-q").exit_code == 0
    assert (tmp_path / "tree.jsonl" / "suara.com" / "a.txt").read_text() == SUARA_CLEAN + "\n"  # a folder, as asked
    assert run("clean", src, "--format", "parquet", "-o", tmp_path / "table", "-j", "0", "-q").exit_code == 0
    assert pq.read_table(tmp_path / "table").num_rows == 3
    # a folder name with a dot that is no file type stays a folder
    assert run("clean", src, "-o", tmp_path / "cleaned.2024", "-j", "0", "-q").exit_code == 0
    assert (tmp_path / "cleaned.2024" / "misc" / "c.txt").is_file()


def test_a_single_page_goes_to_standard_output_or_to_the_txt_file_named(tmp_path):
    page = write(tmp_path / "suara.com" / "a.txt", SUARA)
    assert run("clean", page).stdout == SUARA_CLEAN + "\n"
    assert run("clean", page, "-o", "-").stdout == SUARA_CLEAN + "\n"
    assert run("clean", page, "-o", tmp_path / "a.clean.txt").exit_code == 0
    assert (tmp_path / "a.clean.txt").read_text() == SUARA_CLEAN + "\n"


def test_output_resolution_rules():
    assert resolve_output("out.jsonl", None, batch=True).kind == "jsonl"
    assert resolve_output("out.ndjson.zst", None, batch=True).compression == "zst"
    assert resolve_output("out", None, batch=True).kind == "txt"
    assert resolve_output("-", None, batch=True).kind == "jsonl"  # records on standard output
    assert resolve_output(None, None, batch=False).kind == "text"
    with pytest.raises(FormatError, match="several pages need -o OUT"):
        resolve_output(None, None, batch=True)


def test_an_old_folder_where_a_file_output_is_asked_for_is_refused(tmp_path):
    src = corpus(tmp_path / "in")
    (tmp_path / "out.jsonl").mkdir()  # made by a version that wrote a folder for this name
    result = run("clean", src, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 2 and "a folder is there" in result.stderr and "--format txt" in result.stderr


# -- compressed inputs and folders ---------------------------------------------------------------------


def warc_bytes(pages: list[tuple[str, str]], gz: bool = True) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gz)
    for url, html in pages:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()), http_headers=http))
    return buffer.getvalue()


def test_a_folder_of_compressed_pages_exports_and_archives_is_cleaned_whole(tmp_path):
    src = tmp_path / "in"
    write(src / "suara.com" / "a.txt.gz", gzip.compress(SUARA.encode()))
    write(src / "elsewhere.example" / "b.html.gz", gzip.compress(HTML.encode()))
    write(src / "elsewhere.example" / "c.shtml", HTML)  # server-side-include save
    write(src / "elsewhere.example" / "d.php", HTML)
    write(src / "elsewhere.example" / "e", HTML)  # saved without an extension: sniffed
    write(src / "elsewhere.example" / "f.html", gzip.compress(HTML.encode()))  # a response body saved as it came
    write(src / "exports" / "dump.jsonl.gz", gzip.compress((json.dumps({"id": "j1", "text": SUARA, "url": "https://www.suara.com/j1"}) + "\n").encode()))
    with gzip.open(src / "exports" / "sheet.csv.gz", "wt", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["id", "isi"], ["c1", "Isi dari CSV."]])
    write(src / "crawl" / "crawl.warc.gz", warc_bytes([("https://elsewhere.example/w1", HTML)]))
    write(src / "media" / "photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20)
    write(src / "media" / "doc.pdf", b"%PDF-1.4\n")
    write(src / "media" / "blob", b"\x00\x01\x02binary")  # extensionless and not text
    write(src / ".git" / "HEAD", "ref: refs/heads/main\n")  # a hidden folder is not entered
    out = tmp_path / "out.jsonl"
    result = run("clean", src, "-o", out, "-j", "0")
    assert result.exit_code == 0, result.stderr
    got = {r["id"]: r["text"] for r in records(out)}
    assert set(got) == {
        "suara.com/a", "elsewhere.example/b", "elsewhere.example/c", "elsewhere.example/d", "elsewhere.example/e",
        "elsewhere.example/f", "exports/suara.com/j1", "exports/c1",
        next(i for i in got if i.startswith("crawl/elsewhere.example/")),
    }
    assert got["suara.com/a"] == got["exports/suara.com/j1"] == SUARA_CLEAN
    assert got["exports/c1"] == "Isi dari CSV."
    assert len({got[i] for i in got if "elsewhere.example" in i}) == 1  # the same page, however it was saved
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("skipped 4 file(s)")]
    assert line == "skipped 4 file(s): 2 not a page (.pdf, .jpg), 1 hidden, 1 binary, not a page", line


def test_a_single_compressed_page_or_export_on_the_command_line(tmp_path):
    page = write(tmp_path / "suara.com" / "a.html.gz", gzip.compress(HTML.encode()))
    result = run("clean", page)
    assert result.exit_code == 0 and "Paragraf pertama" in result.stdout  # not "binary file"
    xz = write(tmp_path / "suara.com" / "t.txt.xz", lzma.compress(SUARA.encode()))
    assert run("clean", xz).stdout == SUARA_CLEAN + "\n"
    export = tmp_path / "sheet.csv.gz"
    with gzip.open(export, "wt", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["id", "url", "text"], ["k1", "https://www.suara.com/k1", SUARA]])
    result = run("clean", export, "-o", "-", "-j", "0", "-q")
    assert result.exit_code == 0, result.stderr
    assert [(r["id"], r["text"]) for r in map(json.loads, result.stdout.splitlines())] == [("suara.com/k1", SUARA_CLEAN)]


def test_names_say_what_a_file_is_and_content_decides_the_rest():
    assert kind_of_name("a.html.gz").kind == "page" and kind_of_name("x.jsonl.zst").kind == "jsonl"
    assert kind_of_name("crawl.warc.gz").kind == "warc" and kind_of_name("t.parquet").kind == "parquet"
    assert (kind_of_name("x.jpg").reason, kind_of_name("x.jpg").detail) == ("not a page", ".jpg")
    assert kind_of_name("index").kind == kind_of_name("berita.2024").kind == kind_of_name("index.php?id=3").kind == "sniff"
    assert sniff_content(b"WARC/1.0\r\n").kind == "warc"
    assert sniff_content(b'{"id": 1, "text": "x"}\n{"id": 2}').kind == "jsonl"
    assert sniff_content(b"<!doctype html><p>x</p>").kind == "page"
    assert sniff_content(b"{not json} but a page").kind == "page"
    assert sniff_content(b"\x89PNG\r\n\x1a\n\x00\x00").kind == "skip"


# -- standard input -----------------------------------------------------------------------------------


def test_standard_input_sniffs_jsonl_gzip_and_warc(tmp_path):
    lines = "".join(json.dumps({"id": f"r{i}", "url": f"https://www.suara.com/{i}", "text": SUARA}) + "\n" for i in range(3))
    for data in (lines.encode(), gzip.compress(lines.encode())):
        result = runner.invoke(app, ["clean", "-", "-j", "0", "-q"], input=data)  # records in: JSONL out
        assert result.exit_code == 0, result.stderr
        assert [(r["id"], r["text"]) for r in map(json.loads, result.stdout.splitlines())] == [
            (f"suara.com/r{i}", SUARA_CLEAN) for i in range(3)]
    result = runner.invoke(app, ["clean", "-", "-j", "0", "-q"], input=warc_bytes([("https://elsewhere.example/1", HTML)]))
    assert result.exit_code == 0 and "Paragraf pertama" in json.loads(result.stdout)["text"]
    result = runner.invoke(app, ["clean", "-", "-o", tmp_path / "x.jsonl.gz", "-j", "0", "-q"], input=gzip.compress(lines.encode()))
    assert result.exit_code == 0 and len(records(tmp_path / "x.jsonl.gz")) == 3
    # one page, compressed or not, is still one page of text
    assert runner.invoke(app, ["clean", "-"], input=gzip.compress(SUARA.encode())).stdout == SUARA_CLEAN + "\n"


# -- reruns of outputs written whole -------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\xff\xd8"


@pytest.mark.parametrize("name", ["clean.jsonl.gz", "clean.jsonl.zst", "clean.parquet"])
def test_a_compressed_or_parquet_output_resumes_like_a_jsonl_one(tmp_path, name):
    src = corpus(tmp_path / "in")
    out = tmp_path / name
    man = tmp_path / f"{name}.manifest.jsonl"
    assert run("clean", src, "-o", out, "-j", "0", "-q").exit_code == 0
    first = out.read_bytes()

    again = run("clean", src, "-o", out, "-j", "0")
    assert "skipped 3 up to date" in again.stderr and out.read_bytes() == first  # nothing new: not rewritten

    write(src / "misc" / "c.txt", "Isi yang baru.\n")
    assert run("clean", src, "-o", out, "-j", "0", "-q").exit_code == 0
    texts = {r["id"]: r["text"] for r in records(out)}
    assert len(records(out)) == 3 and texts["misc/c"] == "Isi yang baru."  # one record per page, the latest

    write(src / "misc" / "c.txt", PNG)  # a page that fails now drops its old record
    assert run("clean", src, "-o", out, "-j", "0", "-q").exit_code == 1
    assert sorted(r["id"] for r in records(out)) == ["elsewhere.example/b", "suara.com/a"]

    # a kill mid-run leaves this run's records in the pending file (the last one cut) and a temporary
    # file of the merge: the next run keeps those records, redoes the cut one, and merges
    write(src / "misc" / "c.txt", "Isi ketiga.\n")
    write(src / "suara.com" / "a.txt", SUARA.replace("pertama", "berubah"))
    pending = tmp_path / f"{name}.pending.jsonl"
    kept = json.dumps({"id": "misc/c", "url": None, "site": None, "layout": None, "text": "Isi ketiga.",
                       "removed": [], "fired": {}}) + "\n"
    write(pending, kept + '{"id": "suara.com/a", "text": "half a rec')
    fp = {e["id"]: e for e in map(json.loads, man.read_text().splitlines())}
    with open(man, "a", encoding="utf-8") as fh:  # the manifest line the killed run wrote after the record
        fh.write(json.dumps({**fp["elsewhere.example/b"], "id": "misc/c", "status": "ok", "error": None,
                             "fingerprint": None}) + "\n")
    write(tmp_path / f".{name}.4242-1.tmp", b"half a merge")
    result = run("clean", src, "-o", out, "-j", "0")
    assert result.exit_code == 0, result.stderr
    texts = {r["id"]: r["text"] for r in records(out)}
    assert texts == {"elsewhere.example/b": texts["elsewhere.example/b"], "misc/c": "Isi ketiga.",
                     "suara.com/a": "Isi berita berubah.\nIsi berita kedua."}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["in", name, f"{name}.manifest.jsonl"])

    forced = run("clean", src, "-o", out, "-j", "0", "--force")
    assert "cleaned 3 page(s)" in forced.stderr and len(records(out)) == 3


def test_a_damaged_previous_output_stops_the_run_with_one_line(tmp_path):
    src = corpus(tmp_path / "in")
    out = write(tmp_path / "clean.jsonl.gz", gzip.compress(b'{"id": "a"}\n')[:-12])  # cut short
    result = run("clean", src, "-o", out, "-j", "0")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "cannot read the existing output" in result.stderr and "--force" in result.stderr
    assert run("clean", src, "-o", out, "-j", "0", "-q", "--force").exit_code == 0
    assert len(records(out)) == 3
