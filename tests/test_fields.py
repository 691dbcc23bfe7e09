"""Records keep their fields: an export's other fields are carried to its
output record (or only those named with --keep-fields), field options take
dotted paths into nested records, parquet is read row group by row group with
the same options, a misnamed content column is one upfront error listing the
columns there are, and parquet without pyarrow is one line naming the extra."""

import csv
import datetime as dt
import gzip
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cleaner import clean_many
from cleaner.cli import app
from cleaner.sources import Fields, count_pages, iter_pages

runner = CliRunner()

SUARA = "Suara.com - Isi berita pertama.\nBaca Juga: Judul Lain\nIsi berita kedua.\n"
SUARA_CLEAN = "Isi berita pertama.\nIsi berita kedua."
HTML = "<html><body><article><p>Paragraf pertama berita ini cukup panjang untuk diambil oleh ekstraktor.</p></article></body></html>"


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def out_records(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


# -- fields carried ----------------------------------------------------------------------------------


def test_an_export_records_other_fields_are_carried_under_their_own_names(tmp_path):
    export = jsonl(tmp_path / "dump.jsonl", [{
        "id": "a1", "url": "https://www.suara.com/a1", "text": SUARA, "lang": "id", "tags": ["politik", "daerah"],
        "metadata": {"author": "Redaksi", "date": "2024-05-01"}, "site": "Suara", "crawl": 7,
    }])
    (record,) = out_records(run("clean", export, "-o", "-", "-j", "0", "-q"))
    assert record["id"] == "suara.com/a1" and record["text"] == SUARA_CLEAN and record["site"] == "suara.com"
    # the cleaner's keys win; a field of the same name is carried as input_<name> unless it holds the same value
    assert record["input_id"] == "a1" and record["input_site"] == "Suara" and "input_url" not in record
    assert (record["lang"], record["tags"], record["metadata"], record["crawl"]) == (
        "id", ["politik", "daerah"], {"author": "Redaksi", "date": "2024-05-01"}, 7)
    assert "input_text" not in record  # the content cleaned is not carried: `text` is its cleaned form


def test_the_content_not_cleaned_is_carried_like_any_field(tmp_path):
    export = jsonl(tmp_path / "dump.jsonl", [{"id": "h1", "html": HTML, "text": "the scraper's own extract"}])
    (record,) = out_records(run("clean", export, "-o", "-", "-j", "0", "-q"))
    assert "Paragraf pertama" in record["text"] and record["input_text"] == "the scraper's own extract"
    assert "html" not in record


#: The keys of the cleaner's own in a scraped text's record.
CLEANER_KEYS = {"id", "url", "site", "layout", "confidence", "text", "removed", "fired"}


def test_keep_fields_names_the_fields_carried_dotted_paths_too(tmp_path):
    export = jsonl(tmp_path / "dump.jsonl", [{"id": "a1", "text": SUARA, "lang": "id", "junk": "x" * 100,
                                              "metadata": {"date": "2024-05-01", "raw": "..."}}])
    (record,) = out_records(run("clean", export, "-o", "-", "--keep-fields", "lang,metadata.date", "-j", "0", "-q"))
    assert {k: v for k, v in record.items() if k not in CLEANER_KEYS} == {"lang": "id", "metadata.date": "2024-05-01"}
    (record,) = out_records(run("clean", export, "-o", "-", "--keep-fields", "", "-j", "0", "-q"))
    assert set(record) == CLEANER_KEYS


def test_field_options_take_dotted_paths_into_nested_records(tmp_path):
    export = jsonl(tmp_path / "dump.jsonl", [
        {"doc": {"body": SUARA, "title": "Judul"}, "metadata": {"url": "https://www.suara.com/n1", "key": "n1"}},
    ])
    (record,) = out_records(run("clean", export, "-o", "-", "--text-field", "doc.body", "--url-field", "metadata.url",
                                "--id-field", "metadata.key", "-j", "0", "-q"))
    assert (record["id"], record["url"], record["text"]) == ("suara.com/n1", "https://www.suara.com/n1", SUARA_CLEAN)
    assert record["doc"] == {"title": "Judul"}  # the body cleaned is taken out of its record, the rest kept


def test_clean_many_results_carry_the_input_id_and_fields():
    results = list(clean_many([
        {"id": "r1", "text": SUARA, "url": "https://www.suara.com/r1", "lang": "id", "score": 0.9},
        {"id": 2, "html": HTML, "meta": {"k": "v"}},
        "Isi tanpa kunci.",
    ]))
    assert [(r.id, r.fields) for r in results] == [("r1", {"lang": "id", "score": 0.9}), (2, {"meta": {"k": "v"}}), (None, None)]
    assert results[0].text == SUARA_CLEAN and results[0].url == "https://www.suara.com/r1"


# -- parquet in and out ----------------------------------------------------------------------------


def parquet_export(path: Path, rows: int = 5, row_group: int = 2) -> Path:
    table = pa.table({
        "key": [f"p{i}" for i in range(rows)],
        "isi": [SUARA.replace("pertama", f"ke-{i}") for i in range(rows)],
        "metadata": [{"url": f"https://www.suara.com/{i}", "section": "news"} for i in range(rows)],
        "published": [dt.datetime(2024, 5, i + 1, 8, 30) for i in range(rows)],
    })
    pq.write_table(table, path, row_group_size=row_group)
    return path


def test_parquet_in_with_the_same_field_options_and_out_to_parquet(tmp_path):
    export = parquet_export(tmp_path / "berita.parquet")
    assert pq.ParquetFile(export).num_row_groups == 3  # read a row group at a time, never whole
    options = ["--text-field", "isi", "--url-field", "metadata.url", "--id-field", "key", "-j", "0", "-q"]
    got = out_records(run("clean", export, "-o", "-", *options))
    assert [(r["id"], r["url"]) for r in got] == [(f"suara.com/p{i}", f"https://www.suara.com/{i}") for i in range(5)]
    assert got[2]["text"] == "Isi berita ke-2.\nIsi berita kedua."
    assert got[2]["published"] == "2024-05-03T08:30:00" and got[2]["metadata"]["section"] == "news"
    assert got[2]["key"] == "p2"  # the id field is carried too (under its own name)

    assert run("clean", export, "-o", tmp_path / "clean.parquet", *options).exit_code == 0
    table = pq.read_table(tmp_path / "clean.parquet")
    assert table.column("id").to_pylist() == [r["id"] for r in got] and table.column("text").to_pylist() == [r["text"] for r in got]
    assert table.schema.field("published").type == pa.string()  # carried through JSON: ISO text


def test_parquet_columns_of_mixed_types_are_written_as_json_text(tmp_path):
    export = jsonl(tmp_path / "dump.jsonl", [{"id": "a", "text": "Isi a.", "rank": 1}, {"id": "b", "text": "Isi b.", "rank": "top"},
                                             {"id": "c", "text": "Isi c.", "score": 1}, {"id": "d", "text": "Isi d.", "score": 2.5}])
    assert run("clean", export, "-o", tmp_path / "x.parquet", "-j", "0", "-q").exit_code == 0
    table = pq.read_table(tmp_path / "x.parquet")
    assert table.column("rank").to_pylist() == ["1", "top", None, None]
    assert table.schema.field("score").type == pa.float64() and table.column("score").to_pylist() == [None, None, 1.0, 2.5]


def test_without_pyarrow_parquet_is_one_line_naming_the_extra(tmp_path, monkeypatch):
    export = parquet_export(tmp_path / "berita.parquet")
    jsonl_export = jsonl(tmp_path / "dump.jsonl", [{"id": "a", "text": "Isi."}])
    for name in ("pyarrow", "pyarrow.parquet"):
        monkeypatch.setitem(sys.modules, name, None)  # `import pyarrow` now raises ImportError
    for args in ([export, "-o", tmp_path / "out"], [jsonl_export, "-o", tmp_path / "out.parquet"]):
        result = run("clean", *args)
        assert result.exit_code == 2 and result.stderr == "error: parquet support needs pyarrow: pip install 'cleaner[parquet]'\n"
    folder = tmp_path / "in"
    folder.mkdir()
    export.rename(folder / "berita.parquet")
    result = run("clean", folder, "-o", tmp_path / "out", "-j", "0")  # found in a folder: that file fails, one line
    assert result.exit_code == 1 and "berita.parquet: parquet support needs pyarrow: pip install 'cleaner[parquet]'" in result.stderr


# -- a misnamed content field: one upfront error ------------------------------------------------------


def test_a_misnamed_content_column_is_one_error_listing_the_columns(tmp_path):
    with open(tmp_path / "sheet.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["id", "url", "naskah"]] + [[f"r{i}", "https://kompas.com/x", "Isi."] for i in range(50)])
    jsonl(tmp_path / "dump.jsonl", [{"id": f"r{i}", "naskah": "Isi."} for i in range(50)])
    parquet_export(tmp_path / "berita.parquet")
    for name, columns, where in [("sheet.csv", "id, url, naskah", "its columns"),
                                 ("dump.jsonl", "id, naskah", "its first record"),
                                 ("berita.parquet", "key, isi, metadata, published", "its columns")]:
        result = run("clean", tmp_path / name, "--text-field", "isi_berita", "-o", tmp_path / f"out-{name.split('.')[0]}", "-j", "0")
        assert result.exit_code == 1
        (failure,) = [line for line in result.stderr.splitlines() if line.startswith("failed:")]  # one, not one per row
        assert failure == (f"failed: {tmp_path / name}: no field 'isi_berita' in {where} ({columns}): "
                           "name the content with --text-field or --html-field")
    result = run("clean", tmp_path / "sheet.csv", "-o", tmp_path / "out2", "-j", "0")  # none of the default names
    assert "none of the usual content fields" in result.stderr and "(id, url, naskah)" in result.stderr
    result = run("clean", tmp_path / "sheet.csv", "--text-field", "naskah", "--url-field", "link", "-o", tmp_path / "out3", "-j", "0")
    assert "no column 'link' (--url-field) in its columns (id, url, naskah)" in result.stderr


# -- progress totals ----------------------------------------------------------------------------------


def test_the_progress_total_is_known_for_folders_and_parquet_not_for_streams(tmp_path):
    folder = tmp_path / "in"
    for name in ("a.html", "b.txt.gz", "c", "d.jpg", ".hidden.txt"):
        (folder / "x").mkdir(parents=True, exist_ok=True)
        (folder / "x" / name).write_bytes(gzip.compress(b"Isi.") if name.endswith(".gz") else b"Isi.")
    export = parquet_export(tmp_path / "berita.parquet", rows=7)
    assert count_pages([str(folder)]) == 3  # a.html, b.txt.gz, c (sniffed later); not the image, not hidden files
    assert count_pages([str(folder), str(export)]) == 10
    assert count_pages([str(jsonl(tmp_path / "d.jsonl", [{"text": "x"}]))]) is None  # known only once read through
    assert len(list(iter_pages([str(folder)], Fields()))) == 3


def test_an_export_without_content_found_in_a_folder_is_skipped_and_counted(tmp_path):
    src = tmp_path / "crawl"
    (src / "suara.com").mkdir(parents=True)
    (src / "suara.com" / "a.txt").write_text(SUARA, encoding="utf-8")
    jsonl(src / "index.jsonl", [{"path": "suara.com/a.txt", "url": "https://www.suara.com/a"}])  # the crawl's index
    result = run("clean", src, "-o", tmp_path / "out", "-j", "0")
    assert result.exit_code == 0, result.stderr
    assert "skipped 1 file(s): 1 exports without a content field (index.jsonl)" in result.stderr
    named = run("clean", src / "index.jsonl", "-o", tmp_path / "out2", "-j", "0")  # named on the command line: an error
    assert named.exit_code == 1 and "none of the usual content fields" in named.stderr and "(path, url)" in named.stderr
