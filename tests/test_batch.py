"""Batches: every input form, outputs, the manifest, reruns, bad pages, a
kill in the middle of a run, and output names that cannot escape.

Each test runs `cleaner clean` (in process with typer's CliRunner, or as a
real subprocess for the kill test) on small pages made in tmp_path or on the
shipped samples/raw."""

import contextlib
import csv
import gzip
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaner.batch import BatchOptions, BatchRun
from cleaner.cli import app
from cleaner.page import Page
from cleaner.sources import load, walk_folder
from conftest import LAYOUT_SAMPLES, ROOT, SAMPLES

RAW = SAMPLES / "raw"
runner = CliRunner()

SUARA = "Suara.com - Isi berita pertama.\nBaca Juga: Judul Lain\nIsi berita kedua.\n"
SUARA_CLEAN = "Isi berita pertama.\nIsi berita kedua.\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\xff\xd8"  # a binary file saved as a page
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


def manifest(path: Path) -> list[dict]:
    """The manifest's lines; every line must be valid JSON."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def jsonl_records(path: Path) -> list[dict]:
    """The records of a JSONL output (plain or gzip) or a parquet one."""
    if path.name.endswith(".parquet"):
        import pyarrow.parquet as pq

        return [{**r, "fired": dict(r["fired"])} for r in pq.read_table(path).to_pylist()]  # a map reads back as pairs
    with (gzip.open if path.name.endswith(".gz") else open)(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def txt_outputs(out: Path) -> dict[str, str]:
    """relative name (without .txt) -> content of every output of a tree."""
    return {p.relative_to(out).with_suffix("").as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*.txt")}


def small_corpus(root: Path) -> Path:
    """Three pages: a suara.com text, an HTML page of a site without rules, a text without a site."""
    write(root / "suara.com" / "a.txt", SUARA)
    write(root / "elsewhere.example" / "b.html", HTML)
    write(root / "misc" / "c.txt", "Isi berita tanpa situs.\n")
    return root


def write_warc(path: Path, records) -> Path:
    """records: (url, content type, payload bytes, record uuid)."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"))
        for url, ctype, payload, rid in records:
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(payload), http_headers=http, warc_headers_dict={"WARC-Record-ID": f"<urn:uuid:{rid}>"}
            )
            writer.write_record(record)
    return path


# -- one corpus, four forms, the same texts -------------------------------------------


def sample_tree(root: Path) -> Path:
    """The sample texts and the layouts' saved HTML pages, in one tree of site folders."""
    shutil.copytree(RAW, root)
    for page in LAYOUT_SAMPLES.rglob("*.html"):
        (root / page.parent.name).mkdir(exist_ok=True)
        shutil.copy(page, root / page.parent.name / page.name)
    return root


def test_samples_as_folder_jsonl_csv_and_warc_give_the_same_texts(tmp_path):
    corpus = sample_tree(tmp_path / "samples")
    pages = [load(page) for page in walk_folder(corpus)]
    assert len(pages) >= 50 and {p.kind for p in pages} == {"text", "html"}
    site_of = {p.id: p.id.split("/")[0] for p in pages}  # the first folder: a site, or "seeds"
    url_of = {p.id: f"https://{site_of[p.id]}/{p.id.split('/', 1)[1]}" for p in pages}

    # JSONL: default field names, an id whose first folder is the site, no URL
    with open(tmp_path / "corpus.jsonl", "w", encoding="utf-8") as fh:
        for p in pages:
            fh.write(json.dumps({"id": p.id, p.kind if p.kind == "html" else "text": p.data.decode("utf-8")}) + "\n")
    # CSV: field names of its own (given with --*-field), and the site's URL
    with open(tmp_path / "corpus.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["doc", "page_url", "raw_markup", "scraped"])
        for p in pages:
            body = p.data.decode("utf-8")
            w.writerow([p.id, url_of[p.id], body if p.kind == "html" else "", body if p.kind == "text" else ""])
    # WARC.gz: one response record per page; the record's URL is the only hint of the site
    record_id = {p.id: str(uuid.uuid5(uuid.NAMESPACE_URL, p.id)) for p in pages}
    content_type = {"html": "text/html; charset=utf-8", "text": "text/plain; charset=utf-8"}
    write_warc(tmp_path / "corpus.warc.gz", [(url_of[p.id], content_type[p.kind], p.data, record_id[p.id]) for p in pages])

    results = [
        run("clean", corpus, "-o", tmp_path / "from_folder", "-j", "1", "-q"),
        run("clean", tmp_path / "corpus.jsonl", "-o", tmp_path / "from_jsonl", "-j", "2", "-q"),
        run(
            "clean", tmp_path / "corpus.csv", "--format", "jsonl", "-o", tmp_path / "from_csv.jsonl", "-j", "1", "-q",
            "--id-field", "doc", "--url-field", "page_url", "--html-field", "raw_markup", "--text-field", "scraped",
        ),
        run("clean", tmp_path / "corpus.warc.gz", "-o", tmp_path / "from_warc", "-j", "1", "-q"),
    ]
    assert [r.exit_code for r in results] == [0, 0, 0, 0], [r.stderr for r in results]

    from_folder = txt_outputs(tmp_path / "from_folder")
    from_jsonl = txt_outputs(tmp_path / "from_jsonl")  # the same ids, so the same relative names
    from_csv = {r["id"]: r["text"] + "\n" if r["text"] else "" for r in jsonl_records(tmp_path / "from_csv.jsonl")}
    warc_out = txt_outputs(tmp_path / "from_warc")
    from_warc = {p.id: warc_out[f"{site_of[p.id]}/{record_id[p.id]}"] for p in pages}
    assert set(from_folder) == {p.id for p in pages}
    assert sum(1 for text in from_folder.values() if text) == len(pages)  # every page keeps a body
    assert from_jsonl == from_folder
    assert from_csv == from_folder
    assert from_warc == from_folder

    # and the site is detected alike (seeds/ is not a domain: its pages are found by signature or not at all)
    def sites(entries, key):
        return {key(e): e["site"] for e in entries if site_of[key(e)] != "seeds"}

    warc_page = {f"{site_of[p.id]}/{record_id[p.id]}": p.id for p in pages}
    folder_sites = sites(manifest(tmp_path / "from_folder" / ".cleaner-manifest.jsonl"), lambda e: e["id"])
    assert all(site is not None for site in folder_sites.values())
    assert sites(manifest(tmp_path / "from_jsonl" / ".cleaner-manifest.jsonl"), lambda e: e["id"]) == folder_sites
    assert sites(manifest(tmp_path / "from_csv.jsonl.manifest.jsonl"), lambda e: e["id"]) == folder_sites
    assert sites(manifest(tmp_path / "from_warc" / ".cleaner-manifest.jsonl"), lambda e: warc_page[e["id"]]) == folder_sites


# -- outputs ------------------------------------------------------------------------------


def test_a_folder_gives_a_mirrored_txt_tree_with_its_manifest(tmp_path):
    src = small_corpus(tmp_path / "in")
    result = run("clean", src, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # a tree: nothing on stdout
    assert txt_outputs(tmp_path / "out") == {
        "suara.com/a": SUARA_CLEAN,
        "elsewhere.example/b": txt_outputs(tmp_path / "out")["elsewhere.example/b"],
        "misc/c": "Isi berita tanpa situs.\n",
    }
    assert "Paragraf pertama" in (tmp_path / "out" / "elsewhere.example" / "b.txt").read_text()
    assert [e["id"] for e in manifest(tmp_path / "out" / ".cleaner-manifest.jsonl")] == ["elsewhere.example/b", "misc/c", "suara.com/a"]
    assert "cleaned 3 page(s)" in result.stderr


def test_jsonl_output_to_a_file_holds_text_and_removed_pieces_per_rule(tmp_path):
    src = small_corpus(tmp_path / "in")
    result = run("clean", src, "--format", "jsonl", "-o", tmp_path / "clean.jsonl", "-j", "1")
    assert result.exit_code == 0, result.stderr
    records = {r["id"]: r for r in jsonl_records(tmp_path / "clean.jsonl")}
    assert set(records) == {"elsewhere.example/b", "misc/c", "suara.com/a"}
    suara = records["suara.com/a"]
    assert set(suara) == {"id", "url", "site", "layout", "confidence", "text", "removed", "fired"}
    assert suara["text"] == SUARA_CLEAN.rstrip("\n") and suara["site"] == "suara.com"
    assert {(r["rule"], r["text"]) for r in suara["removed"]} == {("GEN-T13", "Baca Juga: Judul Lain"), ("SUA-T03", "Suara.com - ")}
    assert suara["fired"] == {"GEN-T13": 1, "SUA-T03": 1}
    # the manifest goes beside the output, naming it
    entries = manifest(tmp_path / "clean.jsonl.manifest.jsonl")
    assert {e["output"] for e in entries} == {str(tmp_path / "clean.jsonl")}


def test_jsonl_on_stdout_never_mixes_with_the_manifest_or_messages(tmp_path):
    src = small_corpus(tmp_path / "in")
    result = run("clean", src, "--format", "jsonl", "-o", "-", "-j", "1")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]  # stdout is pure JSONL ...
    assert sorted(r["id"] for r in records) == ["elsewhere.example/b", "misc/c", "suara.com/a"]
    assert all("status" not in r and "fingerprint" not in r for r in records)  # ... of records, no manifest lines
    assert "cleaned 3 page(s)" in result.stderr  # the summary goes to stderr
    assert not list(tmp_path.rglob("*manifest*"))  # no manifest unless asked for

    with_manifest = run("clean", src, "--format", "jsonl", "-o", "-", "--manifest", tmp_path / "m.jsonl", "-j", "1", "-q")
    assert with_manifest.stdout == result.stdout and with_manifest.stderr == ""
    assert len(manifest(tmp_path / "m.jsonl")) == 3

    refused = run("clean", src, "--format", "jsonl", "-o", "-", "--manifest", "-")
    assert refused.exit_code == 2 and refused.stdout == "" and "manifest" in refused.stderr
    same_file = run("clean", src, "--format", "jsonl", "-o", tmp_path / "x.jsonl", "--manifest", tmp_path / "x.jsonl")
    assert same_file.exit_code == 2 and "manifest" in same_file.stderr and not (tmp_path / "x.jsonl").exists()


def test_stdin_and_a_single_file_go_to_stdout_as_text(tmp_path):
    assert run("clean", "-", "--site", "suara.com", input=SUARA).stdout == SUARA_CLEAN
    page = write(tmp_path / "suara.com" / "x.txt", SUARA)
    assert run("clean", page).stdout == SUARA_CLEAN
    # and into a tree with -o: the page keeps its parent folder (which names the site)
    result = run("clean", page, "-o", tmp_path / "out", "-j", "1", "-q")
    assert result.exit_code == 0 and txt_outputs(tmp_path / "out") == {"suara.com/x": SUARA_CLEAN}


# -- the manifest -------------------------------------------------------------------------


def test_manifest_has_one_line_per_page_with_site_rules_chars_and_status(tmp_path):
    src = small_corpus(tmp_path / "in")
    write(src / "misc" / "signed.txt", SUARA)  # no site folder: the dateline signature tells the site
    write(src / "misc" / "bad.txt", PNG)
    write(tmp_path / "export.jsonl", json.dumps({"id": "u1", "url": "https://www.suara.com/news/1", "text": SUARA}) + "\n")
    result = run("clean", src, tmp_path / "export.jsonl", "-o", tmp_path / "out", "-j", "1", "-q")
    assert result.exit_code == 1
    entries = {e["id"]: e for e in manifest(tmp_path / "out" / ".cleaner-manifest.jsonl")}
    assert set(entries) == {"elsewhere.example/b", "misc/bad", "misc/c", "misc/signed", "suara.com/a", "suara.com/u1"}

    a = entries["suara.com/a"]
    assert a["input"] == str(src / "suara.com" / "a.txt")
    assert a["output"] == str(tmp_path / "out" / "suara.com" / "a.txt")
    assert (a["status"], a["error"], a["site"], a["site_source"]) == ("ok", None, "suara.com", "folder")
    assert a["fired"] == {"GEN-T13": 1, "SUA-T03": 1}
    assert (a["chars_in"], a["chars_out"]) == (len(SUARA), len(SUARA_CLEAN) - 1)
    assert a["extractor"] == "text" and a["fingerprint"]

    assert (entries["misc/signed"]["site"], entries["misc/signed"]["site_source"]) == ("suara.com", "signature")
    assert (entries["suara.com/u1"]["site_source"], entries["suara.com/u1"]["url"]) == ("url", "https://www.suara.com/news/1")
    assert entries["suara.com/u1"]["input"] == f"{tmp_path / 'export.jsonl'}:1"
    assert (entries["misc/c"]["site"], entries["misc/c"]["fired"]) == (None, {})
    assert entries["elsewhere.example/b"]["extractor"] == "generic"

    bad = entries["misc/bad"]
    assert bad["status"] == "error" and "bad.txt" in bad["error"] and "binary" in bad["error"]
    assert bad["output"] is None and not (tmp_path / "out" / "misc" / "bad.txt").exists()
    # every line has the same keys
    assert len({tuple(e) for e in entries.values()}) == 1

    forced = run("clean", src, "-o", tmp_path / "out", "--site", "suara.com", "-j", "1", "-q")
    assert forced.exit_code == 1
    assert {e["id"]: e["site_source"] for e in manifest(tmp_path / "out" / ".cleaner-manifest.jsonl")}["misc/c"] == "option"


# -- reruns ---------------------------------------------------------------------------------


def test_rerun_skips_up_to_date_pages_and_redoes_changed_inputs_or_force(tmp_path):
    src = small_corpus(tmp_path / "in")
    out, man = tmp_path / "out", tmp_path / "out" / ".cleaner-manifest.jsonl"
    assert run("clean", src, "-o", out, "-j", "1").exit_code == 0
    first = man.read_bytes()

    again = run("clean", src, "-o", out, "-j", "1")
    assert again.exit_code == 0
    assert "cleaned 0 page(s)" in again.stderr and "skipped 3 up to date" in again.stderr
    assert man.read_bytes() == first  # nothing new to record

    write(src / "suara.com" / "a.txt", SUARA.replace("pertama", "yang diubah"))
    changed = run("clean", src, "-o", out, "-j", "1")
    assert "cleaned 1 page(s)" in changed.stderr and "skipped 2 up to date" in changed.stderr
    assert (out / "suara.com" / "a.txt").read_text() == "Isi berita yang diubah.\nIsi berita kedua.\n"
    entries = manifest(man)
    assert sorted(e["id"] for e in entries) == ["elsewhere.example/b", "misc/c", "suara.com/a"]  # still one line per page

    forced = run("clean", src, "-o", out, "-j", "1", "--force")
    assert "cleaned 3 page(s)" in forced.stderr and "skipped 0" in forced.stderr
    assert len(manifest(man)) == 3

    # an option that changes every page's output (here --site) redoes them too
    site = run("clean", src, "-o", out, "-j", "1", "--site", "suara.com")
    assert "cleaned 3 page(s)" in site.stderr


def test_a_changed_rules_folder_redoes_every_page(tmp_path):
    src = small_corpus(tmp_path / "in")
    rules = tmp_path / "my-rules"
    write(rules / "sites" / "suara.com.toml", (ROOT / "rules" / "sites" / "suara.com.toml").read_text(encoding="utf-8"))
    shutil.copytree(LAYOUT_SAMPLES / "suara.com", rules / "samples" / "suara.com")  # its layout's saved page and gold
    out = tmp_path / "out"
    assert "cleaned 3 page(s)" in run("clean", src, "-o", out, "--rules", rules, "-j", "1").stderr
    assert "skipped 3 up to date" in run("clean", src, "-o", out, "--rules", rules, "-j", "1").stderr

    with open(rules / "sites" / "suara.com.toml", "a", encoding="utf-8") as fh:
        fh.write("\n# tuned\n")
    redo = run("clean", src, "-o", out, "--rules", rules, "-j", "1")
    assert redo.exit_code == 0
    assert "cleaned 3 page(s)" in redo.stderr and "skipped 0" in redo.stderr  # pages of other sites too
    assert len(manifest(out / ".cleaner-manifest.jsonl")) == 3


def test_jsonl_output_rerun_keeps_one_record_per_page(tmp_path):
    src = small_corpus(tmp_path / "in")
    out = tmp_path / "clean.jsonl"
    assert run("clean", src, "--format", "jsonl", "-o", out, "-j", "1", "-q").exit_code == 0
    assert run("clean", src, "--format", "jsonl", "-o", out, "-j", "1", "-q").exit_code == 0
    assert len(jsonl_records(out)) == 3

    write(src / "misc" / "c.txt", "Isi yang baru.\n")
    assert run("clean", src, "--format", "jsonl", "-o", out, "-j", "1", "-q").exit_code == 0
    records = {r["id"]: r["text"] for r in jsonl_records(out)}
    assert len(jsonl_records(out)) == 3 and records["misc/c"] == "Isi yang baru."

    write(src / "misc" / "c.txt", PNG)  # a page that fails now drops its old record
    assert run("clean", src, "--format", "jsonl", "-o", out, "-j", "1", "-q").exit_code == 1
    assert sorted(r["id"] for r in jsonl_records(out)) == ["elsewhere.example/b", "suara.com/a"]
    assert {e["id"]: e["status"] for e in manifest(tmp_path / "clean.jsonl.manifest.jsonl")}["misc/c"] == "error"


# -- bad pages -------------------------------------------------------------------------------


def test_bad_pages_are_reported_and_never_stop_the_batch(tmp_path):
    src = tmp_path / "in"
    write(src / "suara.com" / "good.txt", SUARA)
    write(src / "suara.com" / "binary.txt", PNG)
    export = write(
        tmp_path / "export.jsonl",
        json.dumps({"id": "j1", "isi": SUARA}) + "\n"
        + '{"id": "j2", "isi": "Isi' + "\n"  # invalid JSON
        + json.dumps({"id": "j3", "text": "the wrong field"}) + "\n"  # no 'isi' field
        + json.dumps({"id": "j4", "isi": "Isi terakhir."}) + "\n",
    )
    result = run("clean", src, export, "-o", tmp_path / "out", "--text-field", "isi", "--site", "suara.com", "-j", "2")
    assert result.exit_code == 1
    assert txt_outputs(tmp_path / "out") == {"suara.com/good": SUARA_CLEAN, "j1": SUARA_CLEAN, "j4": "Isi terakhir.\n"}
    entries = {e["id"]: e for e in manifest(tmp_path / "out" / ".cleaner-manifest.jsonl")}
    errors = {i: e["error"] for i, e in entries.items() if e["status"] == "error"}
    assert set(errors) == {"suara.com/binary", "export/00000002", "j3"}
    assert "binary.txt" in errors["suara.com/binary"]
    assert errors["export/00000002"].startswith(f"{export}:2: invalid JSON")
    assert errors["j3"].startswith(f"{export}:3: no content field (isi)")
    # the summary names them, one line each, without a traceback
    assert "3 failed" in result.stderr and result.stderr.count("failed:") == 3
    assert "Traceback" not in result.stderr

    # errors are retried on a rerun; the pages that went well are not
    rerun = run("clean", src, export, "-o", tmp_path / "out", "--text-field", "isi", "--site", "suara.com", "-j", "1")
    assert rerun.exit_code == 1 and "skipped 3 up to date" in rerun.stderr and "3 failed" in rerun.stderr
    # fixed inputs clear the errors
    write(src / "suara.com" / "binary.txt", SUARA)
    write(export, json.dumps({"id": "j1", "isi": SUARA}) + "\n" + json.dumps({"id": "j4", "isi": "Isi terakhir."}) + "\n")
    fixed = run("clean", src, export, "-o", tmp_path / "out", "--text-field", "isi", "--site", "suara.com", "-j", "1")
    assert fixed.exit_code == 0, fixed.stderr
    statuses = {e["id"]: e["status"] for e in manifest(tmp_path / "out" / ".cleaner-manifest.jsonl")}
    # the ids that are gone from the inputs keep their last line
    assert statuses == {"suara.com/good": "ok", "suara.com/binary": "ok", "j1": "ok", "j4": "ok", "export/00000002": "error", "j3": "error"}


def test_a_page_that_fails_now_loses_its_old_output(tmp_path):
    src = small_corpus(tmp_path / "in")
    out = tmp_path / "out"
    assert run("clean", src, "-o", out, "-j", "1", "-q").exit_code == 0
    write(src / "misc" / "c.txt", PNG)
    assert run("clean", src, "-o", out, "-j", "1", "-q").exit_code == 1
    assert not (out / "misc" / "c.txt").exists()
    assert [e["status"] for e in manifest(out / ".cleaner-manifest.jsonl") if e["id"] == "misc/c"] == ["error"]


def test_duplicate_ids_are_reported_once_and_the_first_page_wins(tmp_path):
    src = tmp_path / "in"
    write(src / "suara.com" / "x.txt", SUARA)
    write(src / "suara.com" / "x.html", HTML)  # the same output name
    for _ in range(2):
        result = run("clean", src, "-o", tmp_path / "out", "-j", "1")
        assert result.exit_code == 0 and "1 duplicate(s)" in result.stderr
    assert txt_outputs(tmp_path / "out") == {"suara.com/x": txt_outputs(tmp_path / "out")["suara.com/x"]}
    entries = manifest(tmp_path / "out" / ".cleaner-manifest.jsonl")
    assert [(e["status"], Path(e["input"]).name) for e in entries] == [("ok", "x.html"), ("duplicate", "x.txt")]


# -- what a kill leaves, repaired by the next run -----------------------------------------------


def test_next_run_repairs_what_a_kill_leaves_in_a_tree(tmp_path):
    src = small_corpus(tmp_path / "in")
    out = tmp_path / "out"
    man = out / ".cleaner-manifest.jsonl"
    assert run("clean", src, "-o", out, "-j", "1", "-q").exit_code == 0
    reference = txt_outputs(out)
    lines = man.read_text().splitlines(keepends=True)
    # a kill: the last line half written, a page recorded twice (a rerun killed
    # before it compacted), temporary files of outputs being written, an output lost
    man.write_text(lines[0] + lines[1] + lines[0] + lines[2][:40])
    write(out / "suara.com" / ".a.txt.4242-7.tmp", "half an out")
    write(out / ".cleaner-manifest.jsonl.4242-8.tmp", "{}")
    write(out / "misc" / "notes.tmp", "not ours: kept")
    (out / "misc" / "c.txt").unlink()

    result = run("clean", src, "-o", out, "-j", "1")
    assert result.exit_code == 0
    assert "skipped 1 up to date" in result.stderr  # elsewhere.example/b; misc/c lost its output, suara.com/a its line
    assert txt_outputs(out) == reference
    assert sorted(p.name for p in out.rglob("*.tmp")) == ["notes.tmp"]
    entries = manifest(man)
    assert sorted(e["id"] for e in entries) == sorted(reference) and {e["status"] for e in entries} == {"ok"}


def test_next_run_repairs_a_jsonl_output_cut_by_a_kill(tmp_path):
    src = small_corpus(tmp_path / "in")
    out = tmp_path / "clean.jsonl"
    assert run("clean", src, "--format", "jsonl", "-o", out, "-j", "1", "-q").exit_code == 0
    reference = {r["id"]: r for r in jsonl_records(out)}
    lines = out.read_text().splitlines(keepends=True)
    out.write_text(lines[0] + lines[1] + lines[1] + lines[2][:30])  # a record twice, a cut last line
    (tmp_path / "clean.jsonl.manifest.jsonl").write_text(
        "".join(line for line in (tmp_path / "clean.jsonl.manifest.jsonl").read_text().splitlines(keepends=True)[:2])
    )
    assert run("clean", src, "--format", "jsonl", "-o", out, "-j", "1", "-q").exit_code == 0
    assert {r["id"]: r for r in jsonl_records(out)} == reference
    assert len(jsonl_records(out)) == 3


@pytest.mark.parametrize("fmt", ["txt", "jsonl", "jsonl.gz", "parquet"])
def test_a_run_killed_halfway_then_rerun_gives_the_same_outputs_as_one_clean_run(tmp_path, fmt):
    """SIGKILL a real `python -m cleaner.cli clean --jobs 2` process when about
    half the pages are recorded, run it again, and compare with a single
    uninterrupted run. 'Consistent' afterwards means: every page has exactly
    one output, complete and equal to the uninterrupted run's; no temporary
    file is left; the manifest is valid JSON on every line with exactly one
    line per page, 'ok'."""
    src = tmp_path / "in"
    samples = sorted(RAW.rglob("*.txt")) + sorted(LAYOUT_SAMPLES / site / name for site, name in [("mediaindonesia.com", "mediaindonesia_2025_10_22.html"), ("kompas.com", "kompas-2015.html")])
    n_pages = 400
    for i in range(n_pages):
        sample = samples[i % len(samples)]
        shutil.copy(sample, write(src / sample.parent.name / f"{i:04d}_{sample.name}", b""))
    ids = {p.id for p in walk_folder(src)}
    assert len(ids) == n_pages

    reference = tmp_path / "reference"
    ref_out = reference if fmt == "txt" else reference / f"all.{fmt}"
    assert run("clean", src, "-o", ref_out, "-j", "1", "-q").exit_code == 0

    out = tmp_path / "out" if fmt == "txt" else tmp_path / "out" / f"all.{fmt}"
    man = out / ".cleaner-manifest.jsonl" if fmt == "txt" else Path(f"{out}.manifest.jsonl")
    command = [sys.executable, "-m", "cleaner.cli", "clean", str(src), "-o", str(out), "--jobs", "2", "-q"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen(command, cwd=tmp_path, env=env, start_new_session=True, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    recorded = 0
    while proc.poll() is None and time.monotonic() < deadline:
        recorded = man.read_bytes().count(b"\n") if man.exists() else 0
        if recorded >= n_pages // 2:
            os.killpg(proc.pid, signal.SIGKILL)  # the run and its worker processes, mid-write
            break
        time.sleep(0.001)
    proc.wait(timeout=10)
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL, f"the run ended before the kill (rc {proc.returncode}): {stderr}"
    assert n_pages // 2 <= recorded < n_pages

    rerun = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr

    if fmt == "txt":
        assert txt_outputs(out) == txt_outputs(reference)
        assert len(txt_outputs(out)) == n_pages
    else:
        records = jsonl_records(out)  # every line valid JSON
        assert sorted(r["id"] for r in records) == sorted(ids)  # each page once
        assert {r["id"]: r for r in records} == {r["id"]: r for r in jsonl_records(ref_out)}
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith((".tmp", ".pending.jsonl"))]
    entries = manifest(man)  # every line valid JSON
    assert len(entries) == n_pages and {e["status"] for e in entries} == {"ok"}
    assert sorted(e["id"] for e in entries) == sorted(ids)  # one line per page, no id twice


# -- output names never escape ---------------------------------------------------------------------

HOSTILE_IDS = ["../../etc/x", "/abs/path", "a/../../b", "..", "../", "C:\\evil\\x", "~/.bashrc", "ok/../../../../up"]


def files_outside(root: Path, allowed: list[Path]) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and not any(p.is_relative_to(a) for a in allowed)]


def snapshot(root: Path, skip: Path) -> dict[str, tuple[bytes, int]]:
    """Content and modification time of every file under root, except under skip."""
    return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file() and not p.is_relative_to(skip)}


def test_ids_from_exports_can_never_put_an_output_outside_the_output_folder(tmp_path):
    inputs = tmp_path / "inputs"
    for folder in (tmp_path, tmp_path / "deep", tmp_path / "deep" / "etc", inputs):  # decoys where an escape would land
        for name in ("x.txt", "b.txt", "up.txt", "w1.txt", ".bashrc.txt", "path.txt"):
            write(folder / name, f"decoy {folder.name}/{name}")
    write(inputs / "x.jsonl", "".join(json.dumps({"id": i, "text": f"Isi {n}."}) + "\n" for n, i in enumerate(HOSTILE_IDS)))
    with open(inputs / "x.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["key", "link", "text"])
        for n, i in enumerate(HOSTILE_IDS):
            w.writerow([i, f"http://../{i}", f"Isi {n}."])  # a hostile host as well
    write_warc(
        inputs / "x.warc",
        [(f"http://{host}/p", "text/plain", f"Isi {n}.".encode(), rid) for n, (host, rid) in enumerate(
            [("..", "../../../w1"), ("../..", "/abs/w2"), ("elsewhere.example", "a/../../w3"), ("%2e%2e", "..")]
        )],
    )
    out = tmp_path / "deep" / "out"
    before = snapshot(tmp_path, skip=out)
    for export, extra in [("x.jsonl", []), ("x.csv", ["--id-field", "key", "--url-field", "link"]), ("x.warc", [])]:
        result = run("clean", inputs / export, "--format", "txt", "-o", out / export, "-j", "1", "-q", *extra)  # a folder named x.jsonl
        assert result.exit_code == 0, result.stderr
        outputs = list((out / export).rglob("*.txt"))
        assert len(outputs) == (4 if export == "x.warc" else len(HOSTILE_IDS))
        assert all(p.resolve().is_relative_to((out / export).resolve()) for p in outputs)
        result = run("clean", inputs / export, "--format", "jsonl", "-o", out / f"{export}.jsonl", "-j", "1", "-q", *extra)
        assert result.exit_code == 0
    assert snapshot(tmp_path, skip=out) == before  # inputs and every file outside untouched, none added


def test_an_unsafe_id_from_any_other_source_is_an_error_not_a_write(tmp_path, cleaner):
    out = tmp_path / "a" / "out"
    pages = [Page("Isi.", id="../escaped", source="test:1"), Page("Isi.", id=str(tmp_path / "abs"), source="test:2"),
             Page("Isi.", id="fine/page", source="test:3")]
    summary = BatchRun(cleaner, BatchOptions(out_dir=out, manifest=out / "m.jsonl")).run(pages)
    assert (summary.done, summary.failed) == (1, 2)
    assert all("unsafe output name" in f for f in summary.failures)
    assert files_outside(tmp_path, [out]) == []
    assert (out / "fine" / "page.txt").read_text() == "Isi.\n"


# -- names and values no file system or encoder takes as they are (found by benchmarks/soak.py) ----


def test_a_file_name_that_is_not_utf8_is_cleaned_recorded_and_skipped_on_rerun(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    with open(os.path.join(os.fsencode(src), b"bad\xff.txt"), "wb") as fh:  # a name that is not valid UTF-8
        fh.write(SUARA.encode())
    out = tmp_path / "out"
    assert run("clean", src, "-o", out, "-j", "1", "-q").exit_code == 0
    (entry,) = manifest(out / ".cleaner-manifest.jsonl")  # a valid JSON line
    assert entry["status"] == "ok" and entry["id"] == "bad\udcff"
    with open(os.path.join(os.fsencode(out), b"bad\xff.txt"), encoding="utf-8") as fh:
        assert fh.read() == SUARA_CLEAN
    rerun = run("clean", src, "-o", out, "-j", "1")
    assert rerun.exit_code == 0 and "skipped 1 up to date" in rerun.stderr


def test_an_output_name_taken_by_another_pages_folder_is_an_error_not_a_crash(tmp_path):
    src = tmp_path / "in"
    write(src / "x.html", HTML)  # its output x.txt ...
    write(src / "x.txt" / "inner.txt", SUARA)  # ... is this page's folder
    out = tmp_path / "out"
    result = run("clean", src, "-o", out, "-j", "1", "-q")
    assert result.exit_code == 1
    statuses = {e["id"]: (e["status"], e["error"]) for e in manifest(out / ".cleaner-manifest.jsonl")}
    assert statuses["x"] == ("ok", None)  # the first one walked takes the name
    assert statuses["x.txt/inner"][0] == "error" and "cannot write" in statuses["x.txt/inner"][1]
    rerun = run("clean", src, "-o", out, "-j", "1", "-q")  # the failed page is retried: same error, no crash
    assert rerun.exit_code == 1 and "Traceback" not in rerun.stderr


def test_lone_surrogates_in_an_export_become_replacement_characters(tmp_path):
    export = write(
        tmp_path / "x.jsonl",
        '{"id": "s1", "text": "Isi \\udc80 berita."}\n{"id": "s2", "url": "https://detik.com/\\ud800", "text": "Isi berita."}\n',
    )
    for fmt, out in [("txt", tmp_path / "out"), ("jsonl", tmp_path / "out.jsonl")]:
        result = run("clean", export, "--format", fmt, "-o", out, "-j", "1", "-q")
        assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "s1.txt").read_text() == "Isi \ufffd berita.\n"
    assert [r["url"] for r in jsonl_records(tmp_path / "out.jsonl")] == [None, "https://detik.com/\ufffd"]


def test_long_names_near_the_file_system_limit_are_written(tmp_path):
    src = tmp_path / "in"
    write(src / ("n" * 245 + ".txt"), SUARA)  # a legal name; its temporary name must stay legal too
    export = write(tmp_path / "x.jsonl", json.dumps({"id": "berita" * 40 + "ก" * 100, "text": "Isi."}) + "\n")  # 3-byte characters
    assert run("clean", src, "-o", tmp_path / "out", "-j", "1", "-q").exit_code == 0
    assert (tmp_path / "out" / ("n" * 245 + ".txt")).read_text() == SUARA_CLEAN
    assert run("clean", export, "-o", tmp_path / "out2", "-j", "1", "-q").exit_code == 0
    (written,) = (tmp_path / "out2").rglob("*.txt")
    assert len(written.name.encode()) <= 255 and written.read_text() == "Isi.\n"


# -- standard output closed by its reader (`| head`) ---------------------------------------------------


def session_processes(sid: int) -> list[int]:
    """Live processes of a session (the run, its workers), from /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] not in "ZX":  # field 6 of stat: the session; not the dead
                pids.append(int(entry.name))
    return pids


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_closed_standard_output_ends_the_run_at_once_with_no_worker_left(tmp_path):
    """`cleaner clean in --format jsonl -o - | head -1`: the run stops when
    head goes, quietly (exit 141, as a shell reports a tool SIGPIPE ended),
    and kills its workers. Three runs here; benchmarks/pipe_head.py runs 20."""
    src = tmp_path / "in"
    samples = sorted(RAW.rglob("*.txt"))
    for i in range(600):
        shutil.copy(samples[i % len(samples)], write(src / samples[i % len(samples)].parent.name / f"{i:04d}.txt", b""))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "cleaner", "clean", str(src), "--format", "jsonl", "-o", "-", "--jobs", "2"]
    for _ in range(3):
        proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        first = json.loads(proc.stdout.readline())  # one record, then the reader goes
        proc.stdout.close()
        try:
            stderr = proc.communicate(timeout=60)[1].decode()  # a guard against a hang, not a timing
        finally:
            # the workers were killed with the run; multiprocessing's resource tracker exits by itself
            # once the run is gone: give it a moment
            workers = [pid for pid, command in command_lines(session_processes(proc.pid)).items() if "spawn_main" in command]
            deadline = time.monotonic() + 10
            while session_processes(proc.pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            leftover = command_lines(session_processes(proc.pid))
            for pid in leftover:
                os.kill(pid, signal.SIGKILL)
        assert first["text"]
        assert proc.returncode == 141 and stderr == "", stderr
        assert workers == [] and leftover == {}


def command_lines(pids: list[int]) -> dict[int, str]:
    lines = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            lines[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    return lines


def test_the_summary_says_what_its_site_table_leaves_out(tmp_path):
    src = tmp_path / "in"
    for i in range(20):
        write(src / f"site{i:02d}.example" / "a.txt", "Isi berita.\n")
    write(src / "site00.example" / "b.txt", "Isi berita lain.\n")
    result = run("clean", src, "-o", tmp_path / "out", "-j", "0")
    assert result.exit_code == 0
    assert "site00.example" in result.stderr and "site19.example" not in result.stderr  # 15 rows shown
    assert "and 5 more site(s), 5 page(s) (see the manifest)" in result.stderr
