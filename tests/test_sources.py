"""Where pages come from: folder trees, single files, stdin, JSONL / CSV
exports and WARC archives, each read lazily into `Page`s (id, content, kind,
URL). These tests read as examples of every input form."""

import csv
import gzip
import io
import json
import os
import sys
from pathlib import PurePosixPath

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaner import io as cleaner_io
from cleaner.sources import Fields, iter_pages, load, safe_id, single_file, stdin_page, walk_folder

HTML = (
    "<html><head><title>Judul</title></head><body><article><h1>Judul Berita</h1>"
    "<p>Paragraf pertama berita ini cukup panjang untuk diambil, dengan beberapa kalimat lengkap.</p>"
    "<p>Paragraf kedua juga berisi kalimat yang utuh dan panjang.</p></article></body></html>"
)
TEXT = "Isi berita pertama.\nBaca Juga: Judul Lain\nIsi berita kedua.\n"


def write(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def by_id(pages):
    return {p.id: p for p in pages}


def loaded(pages):
    """Page files are read by the worker that cleans them; read them here."""
    return [load(page) for page in pages]


def write_warc(path, records, gz=False):
    """records: (url, content type or None, payload bytes[, record id]); plus a
    warcinfo and a request record, which are not pages."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for url, ctype, payload, *rid in records:
            headers = [("Content-Type", ctype)] if ctype else []
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            warc_headers = {"WARC-Record-ID": f"<urn:uuid:{rid[0]}>"} if rid else None
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=http, warc_headers_dict=warc_headers)
            )
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=request))
    return path


# -- folders, files, stdin ------------------------------------------------------


def test_folder_tree_yields_pages_in_a_stable_order_with_relative_ids(tmp_path):
    root = tmp_path / "scraped"
    write(root / "detik.com" / "b.txt", TEXT)
    write(root / "detik.com" / "a.html", HTML)
    write(root / "kompas.com" / "2024" / "c.htm", HTML)
    write(root / "kompas.com" / "notes.md", "not a page")  # other suffixes are ignored
    write(root / "kompas.com" / "data.json", "{}")
    write(root / ".hidden.txt", TEXT)  # hidden files too
    pages = loaded(walk_folder(root))
    assert [p.id for p in pages] == ["detik.com/a", "detik.com/b", "kompas.com/2024/c"]
    assert [p.kind for p in pages] == ["html", "text", "html"]
    assert pages[1].data == TEXT.encode() and pages[1].source == str(root / "detik.com" / "b.txt")
    assert [p.id for p in iter_pages([str(root)])] == [p.id for p in pages]


def test_the_content_decides_the_kind_not_the_extension(tmp_path):
    root = tmp_path / "in"
    write(root / "html_in_a.txt", HTML)  # a scraper saved the raw page as .txt
    write(root / "text_in_a.html", TEXT)  # and the extracted text as .html
    write(root / "fragment.html", "<span>Isi berita</span> tanpa kepala dokumen.")  # a bare fragment: the extension settles it
    write(root / "upper.HTM", "<!DOCTYPE html><html><body><p>Isi.</p></body></html>")
    kinds = {p.id: p.kind for p in loaded(walk_folder(root))}
    assert kinds == {"fragment": "html", "html_in_a": "html", "text_in_a": "text", "upper": "html"}


def test_single_file_keeps_its_parent_folder_which_may_name_the_site(tmp_path):
    (page,) = loaded([single_file(write(tmp_path / "suara.com" / "x.txt", TEXT))])
    assert page.id == "suara.com/x" and page.kind == "text" and page.relpath == PurePosixPath("suara.com/x")
    assert [p.id for p in iter_pages([str(tmp_path / "suara.com" / "x.txt")])] == ["suara.com/x"]


def test_stdin_is_one_page(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode())))
    page = stdin_page()
    assert (page.id, page.data, page.source, page.kind) == ("stdin", TEXT.encode(), "<stdin>", None)  # kind sniffed later
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(HTML.encode())))
    assert [p.id for p in iter_pages(["-"])] == ["stdin"]


def test_unreadable_file_is_a_page_with_an_error_not_an_exception(tmp_path):
    folder = write(tmp_path / "in" / "x.txt", TEXT).parent
    (folder / "x.txt").chmod(0)
    try:
        [page] = walk_folder(folder)
        if page.error is None:  # running as root: permissions are not enforced
            pytest.skip("cannot make a file unreadable here")
        assert "cannot read" in page.error
    finally:
        (folder / "x.txt").chmod(0o644)


# -- JSONL and CSV exports --------------------------------------------------------


def test_jsonl_default_fields(tmp_path):
    export = write(
        tmp_path / "dump.jsonl",
        "\n".join(
            json.dumps(r)
            for r in [
                {"id": "a1", "url": "https://www.detik.com/x", "html": HTML, "text": "ignored: the HTML wins"},
                {"doc_id": "b2", "link": "https://kompas.com/y", "content": TEXT},
                {"url": "https://suara.com/z", "article": TEXT},  # no id: the line number names it
                {"id": "sub/c3", "body": TEXT},
            ]
        )
        + "\n\n",  # blank lines are skipped
    )
    pages = list(iter_pages([str(export)]))
    assert [p.id for p in pages] == ["detik.com/a1", "kompas.com/b2", "dump/00000003", "sub/c3"]
    assert [p.kind for p in pages] == ["html", "text", "text", "text"]
    assert [p.url for p in pages] == ["https://www.detik.com/x", "https://kompas.com/y", "https://suara.com/z", None]
    assert pages[0].data == HTML and pages[1].data == TEXT
    assert pages[2].source == f"{export}:3" and all(p.error is None for p in pages)


def test_jsonl_with_explicit_fields_and_gzip(tmp_path):
    export = tmp_path / "berita.jsonl.gz"
    with gzip.open(export, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"kode": "k-1", "alamat": "https://www.tribunnews.com/a", "isi": TEXT, "text": "not this"}) + "\n")
        fh.write(json.dumps({"kode": "k-2", "alamat": "https://www.tribunnews.com/b", "mentah": HTML}) + "\n")
        fh.write(json.dumps({"kode": "k-3", "text": "the default field is not used when one is named"}) + "\n")
    fields = Fields(text="isi", html="mentah", url="alamat", id="kode")
    pages = list(iter_pages([str(export)], fields))
    assert [(p.id, p.kind, p.url) for p in pages[:2]] == [
        ("tribunnews.com/k-1", "text", "https://www.tribunnews.com/a"),
        ("tribunnews.com/k-2", "html", "https://www.tribunnews.com/b"),
    ]
    assert pages[0].data == TEXT
    assert pages[2].error and "no content field" in pages[2].error and "mentah" in pages[2].error


def test_bad_jsonl_lines_are_pages_with_errors_and_reading_goes_on(tmp_path):
    export = write(
        tmp_path / "x.jsonl",
        '{"id": "ok1", "text": "Isi."}\n{"id": "broken", "text": \n["a list"]\n{"id": "nothing"}\n{"id": "ok2", "text": "Isi."}\n',
    )
    pages = list(iter_pages([str(export)]))
    assert [p.id for p in pages] == ["ok1", "x/00000002", "x/00000003", "nothing", "ok2"]
    errors = [p.error for p in pages]
    assert errors[0] is None and errors[4] is None
    assert errors[1].startswith(f"{export}:2: invalid JSON")
    assert errors[2] == f"{export}:3: a JSON object was expected"
    assert errors[3].startswith(f"{export}:4: no content field")


def test_csv_default_and_explicit_fields(tmp_path):
    export = tmp_path / "sheet.csv"
    with open(export, "w", encoding="utf-8-sig", newline="") as fh:  # a spreadsheet's BOM
        w = csv.writer(fh)
        w.writerow(["id", "url", "html", "text"])
        w.writerow(["r1", "https://www.detik.com/r1", HTML, ""])
        w.writerow(["r2", "https://www.detik.com/r2", "", TEXT])  # multi-line cells survive the quoting
        w.writerow(["r3", "", "", ""])
    pages = list(iter_pages([str(export)]))
    assert [(p.id, p.kind) for p in pages[:2]] == [("detik.com/r1", "html"), ("detik.com/r2", "text")]
    assert pages[1].data == TEXT and pages[1].source == f"{export}:row2"
    assert pages[2].error == f"{export}:row3: empty content field (html/text) in the record"

    custom = tmp_path / "custom.csv"
    with open(custom, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["no", "tautan", "naskah"])
        w.writerow(["7", "https://kompas.com/7", TEXT])
    [page] = iter_pages([str(custom)], Fields(text="naskah", url="tautan", id="no"))
    assert (page.id, page.url, page.kind, page.data) == ("kompas.com/7", "https://kompas.com/7", "text", TEXT)


# -- WARC -------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_warc_response_records_are_pages_whose_url_comes_from_the_record(tmp_path, gz):
    archive = write_warc(
        tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"),
        [
            ("https://www.detik.com/berita/1", "text/html; charset=utf-8", HTML.encode(), "11111111-1111-1111-1111-111111111111"),
            ("https://news.kompas.com/read/2", "text/plain; charset=utf-8", TEXT.encode(), "22222222-2222-2222-2222-222222222222"),
            ("https://www.detik.com/logo.png", "image/png", b"\x89PNG\r\n\x1a\n\x00\x00"),  # not a page: skipped
            ("https://suara.com/3", None, HTML.encode(), "33333333-3333-3333-3333-333333333333"),  # no type: read as HTML
        ],
        gz=gz,
    )
    pages = list(iter_pages([str(archive)]))
    assert [(p.id, p.url, p.kind) for p in pages] == [
        ("detik.com/11111111-1111-1111-1111-111111111111", "https://www.detik.com/berita/1", "html"),
        ("news.kompas.com/22222222-2222-2222-2222-222222222222", "https://news.kompas.com/read/2", "text"),
        ("suara.com/33333333-3333-3333-3333-333333333333", "https://suara.com/3", "html"),
    ]
    assert pages[0].data == HTML.encode() and pages[1].data == TEXT.encode()
    assert all(p.error is None and p.source.startswith(str(archive) + "@") for p in pages)
    assert len({p.source for p in pages}) == 3  # "crawl.warc@<offset of the record>"


def test_a_damaged_or_false_warc_is_one_error_page_and_the_other_inputs_go_on(tmp_path):
    broken = write(tmp_path / "broken.warc.gz", b"\x1f\x8b\x08\x00not really gzip at all")
    not_warc = write(tmp_path / "notes.warc", "just some words\nin a text file\n")  # warcio would read it as ARC
    good = write(tmp_path / "suara.com" / "a.txt", TEXT)
    pages = list(iter_pages([str(broken), str(not_warc), str(good)]))
    assert [p.id for p in pages] == ["broken.warc.gz/unreadable", "notes.warc/unreadable", "suara.com/a"]
    assert pages[0].error.startswith(f"{broken}: ") and "WARC" in pages[0].error
    assert pages[1].error.startswith(f"{not_warc}: ") and "WARC" in pages[1].error
    assert pages[2].error is None


# -- safe ids -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("../../etc/x", "etc/x"),
        ("/abs/path", "abs/path"),
        ("a/../../b", "a/b"),
        ("..", "fallback"),
        ("", "fallback"),
        ("C:\\Windows\\x", "C/Windows/x"),
        ("~/.ssh/id", "ssh/id"),
        ("ok name?.txt", "ok_name_.txt"),
        ("a/./b//c", "a/b/c"),
    ],
)
def test_safe_id_never_leaves_the_output_folder(raw, expected):
    result = safe_id(raw, "fallback")
    assert result == expected
    path = PurePosixPath(result)
    assert not path.is_absolute() and ".." not in path.parts and "." not in path.parts


# -- files that are not pages ---------------------------------------------------------------------


def test_a_named_pipe_or_a_device_among_the_pages_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.html")  # opening it for reading would wait for a writer forever
    (tmp_path / "zero.html").symlink_to("/dev/zero")  # reading it would never end
    (tmp_path / "fine.txt").write_text("Isi berita.\n")
    pages = {p.id: load(p) for p in walk_folder(tmp_path)}
    assert pages["pipe"].error == f"{tmp_path / 'pipe.html'}: not a regular file (a named pipe, a device or a socket)"
    assert pages["zero"].error.endswith("not a regular file (a named pipe, a device or a socket)")
    assert pages["fine"].error is None and pages["fine"].data == b"Isi berita.\n"


def test_a_page_file_over_the_size_limit_is_reported_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(cleaner_io, "MAX_PAGE_BYTES", 1024)
    (tmp_path / "huge.html").write_bytes(b"<p>x</p>" * 1000)
    (page,) = map(load, walk_folder(tmp_path))
    assert page.error == f"{tmp_path / 'huge.html'}: too large to be a page (8,000 bytes; the limit is 1,024)"
