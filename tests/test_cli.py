"""The command line: outputs, exit codes and one-line errors."""

import json
import shutil

from typer.testing import CliRunner

from cleaner.cli import app
from conftest import SAMPLES

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def test_clean_mirrors_a_folder_tree_with_txt_outputs(tmp_path):
    src = tmp_path / "scraped"
    shutil.copytree(SAMPLES / "raw" / "seeds", src / "suara.com")
    before = {p: p.read_bytes() for p in src.rglob("*")if p.is_file()}
    result = run("clean", src, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    outputs = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.txt"))
    assert outputs == sorted(p.relative_to(src).as_posix() for p in before)
    assert {p: p.read_bytes() for p in before} == before  # inputs never modified
    assert not list((tmp_path / "out").rglob("*.tmp"))  # no temporary files left


def test_stdin_to_stdout():
    result = run("clean", "-", input="Suara.com - Isi berita.\nBaca Juga: Judul Lain\n")
    assert result.exit_code == 0
    assert result.stdout == "Isi berita.\n"


def test_single_file_to_stdout_uses_parent_folder_as_site(tmp_path):
    page = tmp_path / "suara.com" / "a.txt"
    page.parent.mkdir()
    page.write_text("Isi berita.\nBaca Juga: Judul\nIsi kedua.\n")
    result = run("clean", page)
    assert result.stdout == "Isi berita.\nIsi kedua.\n"


def test_bad_file_is_reported_and_the_batch_goes_on(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text("Isi berita.\n")
    (src / "bad.txt").write_bytes(b"\x00\x01\x02\xff\xfe\x00binary")
    result = run("clean", src, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert (tmp_path / "out" / "good.txt").read_text() == "Isi berita.\n"
    assert "bad.txt" in result.stderr and "Traceback" not in result.output


def test_nothing_to_process_exits_3(tmp_path):
    (tmp_path / "empty").mkdir()
    assert run("clean", tmp_path / "empty", "-o", tmp_path / "out").exit_code == 3


def test_usage_errors_exit_2(tmp_path):
    result = run("clean", tmp_path / "missing.txt", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "missing.txt" in result.stderr
    assert run("clean", SAMPLES / "raw").exit_code == 2  # a folder needs -o
    assert run("score", tmp_path / "nope", SAMPLES / "gold").exit_code == 2


def test_a_usage_error_is_one_line_with_the_help_to_read(tmp_path):
    for args, problem in (
        (["clean", "--bogus"], "No such option: --bogus"),
        (["clean"], "Missing argument 'inputs'"),
        (["clean", "x", "--jobs", "many"], "Invalid value for '--jobs'"),
        (["nosuch"], "No such command 'nosuch'"),
        (["clean", "x", "--page-timeout", "inf"], "Invalid value for '--page-timeout': --page-timeout must be a finite number, not inf"),
    ):
        result = run(*args)
        assert result.exit_code == 2, args
        assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"cleaner: error: {problem}"), result.stderr
        assert result.stderr.rstrip().endswith("--help')") and "╭" not in result.stderr


def test_version_and_help_as_written():
    import cleaner

    version = run("--version")
    assert version.exit_code == 0 and version.stdout == f"cleaner {cleaner.__version__}\n"
    assert cleaner.__version__[0].isdigit()
    assert "[[tests]]" in run("rules", "test", "--help").stdout  # not eaten as markup
    assert "--install-completion" in run("--help").stdout


def test_site_option_naming_no_rule_file_warns_with_the_closest_site():
    result = run("clean", "-", "--site", "detik.co", input="Isi berita.\n")
    assert result.exit_code == 0 and result.stdout == "Isi berita.\n"
    assert "warning: no rule file for detik.co: its pages get the generic rules only (did you mean detik.com?)" in result.stderr
    assert "warning" not in run("clean", "-", "--site", "detik.com", input="Isi.\n").stderr


def test_score_fails_when_predictions_are_missing_and_ignores_the_manifest(tmp_path):
    out = tmp_path / "out"
    assert run("clean", SAMPLES / "raw" / "seeds", "-o", out / "seeds").exit_code == 0
    assert (out / "seeds" / ".cleaner-manifest.jsonl").is_file()
    scored = run("score", out, SAMPLES / "gold", "--json")
    report = json.loads(scored.stdout)
    assert report["extra"] == 0  # the manifest is not a prediction
    assert scored.exit_code == 1 and report["missing"]
    assert f"of {len(report['files'])} gold files have no prediction (scored 0)" in scored.stderr
    assert run("score", out / "seeds", SAMPLES / "gold" / "seeds").exit_code == 0


def test_score_json_and_min_f1_gate(tmp_path):
    result = run("score", SAMPLES / "gold", SAMPLES / "gold", "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["macro"]["token_f1"] == 1.0 and report["macro"]["exact"] == report["macro"]["n"]
    below = run("score", SAMPLES / "raw", SAMPLES / "gold", "--min-f1", "0.99")
    assert below.exit_code == 1 and "below --min-f1" in below.stderr


def test_rules_check_and_test_pass_on_the_shipped_rules():
    assert run("rules", "check").exit_code == 0
    result = run("rules", "test")
    assert result.exit_code == 0, result.stderr


def test_html_pages_in_a_folder_are_cleaned_to_txt(tmp_path):
    src = tmp_path / "in" / "elsewhere.example"
    src.mkdir(parents=True)
    (src / "page.html").write_text(
        "<html><body><article><h1>Judul</h1><p>Paragraf pertama berita ini cukup panjang untuk diambil oleh ekstraktor, "
        "dengan beberapa kalimat lengkap.</p><p>Paragraf kedua juga berisi kalimat yang utuh dan panjang.</p></article></body></html>"
    )
    result = run("clean", tmp_path / "in", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "elsewhere.example" / "page.txt").read_text()
    assert "Paragraf pertama" in text and "Paragraf kedua" in text
