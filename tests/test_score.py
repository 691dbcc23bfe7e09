import json
from pathlib import Path

import pytest
from rich.console import Console

from cleaner.score import ScoreError, render_table, score_dirs, score_text


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- score_text -------------------------------------------------------------


def test_identical_texts_are_perfect_and_exact():
    text = "Judul berita\n\nParagraf pertama.\nParagraf kedua.\n"
    s = score_text(text, text)
    assert (s.token_p, s.token_r, s.token_f1) == (1.0, 1.0, 1.0)
    assert (s.line_p, s.line_r, s.line_f1) == (1.0, 1.0, 1.0)
    assert s.exact


def test_dropped_line_lowers_line_recall_not_precision():
    gold = "one\ntwo\nthree\nfour\n"
    s = score_text("one\ntwo\nthree\n", gold)
    assert s.line_p == 1.0
    assert s.line_r == pytest.approx(3 / 4)
    assert s.line_f1 == pytest.approx(2 * 0.75 / 1.75)
    assert s.token_p == 1.0 and s.token_r == pytest.approx(3 / 4)
    assert not s.exact


def test_kept_boilerplate_line_lowers_precision_not_recall():
    s = score_text("Body text.\nBaca juga: lainnya\n", "Body text.\n")
    assert s.line_r == 1.0
    assert s.line_p == 0.5


def test_token_bag_uses_nfkc_and_lowercase():
    s = score_text("Ｆｏｏ BAR", "foo bar")  # full-width letters fold to ASCII
    assert s.token_f1 == 1.0
    # Lines are only whitespace-normalised, so they still differ.
    assert s.line_f1 == 0.0 and not s.exact


def test_tokens_are_compared_as_multisets():
    s = score_text("the the the", "the cat")
    assert s.token_p == pytest.approx(1 / 3)
    assert s.token_r == pytest.approx(1 / 2)


def test_whitespace_inside_lines_and_blank_lines_do_not_matter():
    s = score_text("  a   b\tc  \n\n\n d \r\n", "a b c\nd")
    assert s.exact and s.line_f1 == 1.0


def test_line_order_matters_only_for_exact():
    s = score_text("b\na\n", "a\nb\n")
    assert s.line_f1 == 1.0 and s.token_f1 == 1.0
    assert not s.exact


def test_empty_conventions():
    both = score_text("", "  \n")
    assert both.token_f1 == both.line_f1 == 1.0 and both.exact
    for pred, gold in (("", "text"), ("text", "")):
        s = score_text(pred, gold)
        assert (s.token_p, s.token_r, s.token_f1) == (0.0, 0.0, 0.0)
        assert (s.line_p, s.line_r, s.line_f1) == (0.0, 0.0, 0.0)
        assert not s.exact


# --- score_dirs -------------------------------------------------------------


def test_missing_prediction_scores_zero_and_is_listed(tmp_path):
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    write(gold, "detik.com/a.txt", "hello")
    write(gold, "detik.com/b.txt", "world")
    write(pred, "detik.com/a.txt", "hello")
    pred.joinpath("orphan.txt").write_text("no gold for me")

    report = score_dirs(pred, gold)
    assert report.missing == ["detik.com/b.txt"]
    row = {r.relpath: r for r in report.files}["detik.com/b.txt"]
    assert row.missing and not row.score.exact and row.score.token_f1 == 0.0
    assert report.macro.token_f1 == pytest.approx(0.5)
    assert report.extra == 1


def test_predictions_match_by_stem_and_prefer_txt(tmp_path):
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    write(gold, "kompas.com/x.txt", "isi berita")
    write(gold, "kompas.com/y.txt", "lain lagi")
    write(pred, "kompas.com/x.out", "isi berita")  # any extension matches
    write(pred, "kompas.com/y.md", "wrong")
    write(pred, "kompas.com/y.txt", "lain lagi")  # .txt wins over .md

    report = score_dirs(pred, gold)
    assert report.missing == []
    assert all(r.score.exact for r in report.files)


def test_only_txt_gold_files_count(tmp_path):
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    write(gold, "a.txt", "x")
    write(gold, "NOTES.md", "labelling notes")
    write(gold, "README", "readme")
    pred.mkdir()
    report = score_dirs(pred, gold)
    assert [r.relpath for r in report.files] == ["a.txt"]
    assert report.files[0].site == "."


def test_per_site_macro_average(tmp_path):
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    # site one.com: a perfect file and a file missing half its lines.
    write(gold, "one.com/a.txt", "p\nq\n")
    write(pred, "one.com/a.txt", "p\nq\n")
    write(gold, "one.com/b.txt", "r\ns\n")
    write(pred, "one.com/b.txt", "r\n")
    # site two.com: a single file with nothing predicted.
    write(gold, "two.com/c.txt", "t\n")

    report = score_dirs(pred, gold)
    one, two = report.sites["one.com"], report.sites["two.com"]
    assert list(report.sites) == ["one.com", "two.com"]
    assert (one.n, one.exact) == (2, 1)
    assert one.line_p == 1.0
    assert one.line_r == pytest.approx((1.0 + 0.5) / 2)
    assert one.line_f1 == pytest.approx((1.0 + 2 / 3) / 2)
    assert (two.n, two.exact, two.line_f1) == (1, 0, 0.0)
    # Overall macro is over files, not over sites.
    assert report.macro.n == 3 and report.macro.exact == 1
    assert report.macro.line_r == pytest.approx((1.0 + 0.5 + 0.0) / 3)


def test_single_file_pair(tmp_path):
    gold = write(tmp_path, "gold/article.txt", "same text")
    pred = write(tmp_path, "out/cleaned.txt", "same text")
    report = score_dirs(pred, gold)
    assert [r.relpath for r in report.files] == ["article.txt"]
    assert report.files[0].score.exact


def test_absent_path_raises_score_error(tmp_path):
    with pytest.raises(ScoreError, match="no such file"):
        score_dirs(tmp_path, tmp_path / "nope")


def test_unreadable_file_raises_score_error_naming_it(tmp_path, monkeypatch):
    gold = write(tmp_path, "gold/a.txt", "x")
    pred = write(tmp_path, "pred/a.txt", "x")

    def deny(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_text", deny)
    with pytest.raises(ScoreError, match=r"a\.txt: Permission denied"):
        score_dirs(pred, gold)


def test_subdirectories_in_pred_dir_are_not_predictions(tmp_path):
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    write(gold, "a.txt", "x")
    (pred / "a.txt").mkdir(parents=True)  # a directory that looks like a file
    (pred / "a.html").write_text("x")
    assert score_dirs(pred, gold).files[0].score.exact


def test_invalid_utf8_is_replaced_not_fatal(tmp_path):
    gold = write(tmp_path, "gold/a.txt", "caf\u00e9 ok")
    pred = tmp_path / "pred.txt"
    pred.write_bytes(b"caf\xe9 ok")  # latin-1 byte
    s = score_dirs(pred, gold).files[0].score
    assert s.token_p == 0.5 and not s.exact


# --- output -----------------------------------------------------------------


def test_to_dict_keys_are_stable_and_json_ready(tmp_path):
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    write(gold, "s.com/a.txt", "a")
    write(gold, "s.com/b.txt", "b")
    write(pred, "s.com/a.txt", "a")

    d = json.loads(json.dumps(score_dirs(pred, gold).to_dict()))
    metrics = {"token_p", "token_r", "token_f1", "line_p", "line_r", "line_f1"}
    assert {"files", "sites", "macro", "missing"} <= set(d)
    assert set(d["files"][0]) == metrics | {"relpath", "site", "exact", "missing"}
    assert isinstance(d["files"][0]["exact"], bool)
    assert set(d["sites"]["s.com"]) == metrics | {"exact", "n"}
    assert set(d["macro"]) == metrics | {"exact", "n"}
    assert (d["macro"]["exact"], d["macro"]["n"]) == (1, 2)
    assert d["missing"] == ["s.com/b.txt"]


def test_render_table_shows_sites_and_macro(tmp_path):
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    write(gold, "s.com/a.txt", "a")
    write(pred, "s.com/a.txt", "a")
    report = score_dirs(pred, gold)

    console = Console(record=True, width=200)
    console.print(render_table(report, per_file=True))
    out = console.export_text()
    assert "s.com" in out and "MACRO" in out and "1.000" in out and "1/1" in out
    assert "s.com/a.txt" in out
    assert len(render_table(report).renderables) == 1  # site table only
