"""The `rejoin` phase: a paragraph a scraper split around its links or
emphasis (one text node a line) is joined back when the shape says so, and
only then; the join is a CHANGED line in explain."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner.explain import explain_page
from cleaner.phases.rejoin import join_runs
from conftest import write_rules

RULE = """
[[text.rejoin]]
id = "T-T40"
why = "split paragraphs"
must_match = ["Hal itu disampaikan oleh\\nMenteri Keuangan\\ndalam konferensi pers."]
must_not_match = ["Subjudul\\nParagraf berikut."]
"""


@pytest.fixture(scope="module")
def only_rejoin(tmp_path_factory):
    return Cleaner([write_rules(tmp_path_factory.mktemp("rules"), {"_global.toml": RULE})], shipped=False)


def joined(text: str) -> list[str]:
    lines = text.split("\n")
    out = []
    i = 0
    for start, end in join_runs(lines, 8, 12):
        out += lines[i:start] + [" ".join(lines[start:end])]
        i = end
    return out + lines[i:]


@pytest.mark.parametrize("page,expected", [
    # a link inside the sentence, the sentence resumes lowercase
    ("Hal itu disampaikan oleh\nMenteri Keuangan Sri Mulyani\ndalam konferensi pers di Jakarta.",
     "Hal itu disampaikan oleh Menteri Keuangan Sri Mulyani dalam konferensi pers di Jakarta."),
    # emphasis on a lowercase word
    ("Ia menyebut\nlockdown\nsebagai pilihan terakhir bagi pemerintah daerah.",
     "Ia menyebut lockdown sebagai pilihan terakhir bagi pemerintah daerah."),
    # the sentence resumes with a comma, a full stop, an acronym in brackets, a suffix
    ("Warga diminta meninggalkan\nLebanon\n, kata juru bicara itu.",
     "Warga diminta meninggalkan Lebanon, kata juru bicara itu."),
    ("Serangan itu dibalas oleh pasukan\nHamas\n.", "Serangan itu dibalas oleh pasukan Hamas."),
    ("Operasi udara yang dilakukan Angkatan Pertahanan\nIsrael\n(IDF) di Jalur\nGaza\nmenewaskan tiga orang.",
     "Operasi udara yang dilakukan Angkatan Pertahanan Israel (IDF) di Jalur Gaza menewaskan tiga orang."),
    ("Pastikan cek masa berlaku kode\nredeem\n-nya sebelum melakukan klaim.",
     "Pastikan cek masa berlaku kode redeem-nya sebelum melakukan klaim."),
    # a link ending the sentence
    ("Hal itu disampaikan sumber tersebut, dikutip dari\nYedioth Ahronoth.",
     "Hal itu disampaikan sumber tersebut, dikutip dari Yedioth Ahronoth."),
    # two links in a row, inside a sentence already split
    ("Berikut\nkunci jawaban\nIPA Kelas 7 halaman 18\nKurikulum Merdeka\nEdisi Revisi untuk siswa.",
     "Berikut kunci jawaban IPA Kelas 7 halaman 18 Kurikulum Merdeka Edisi Revisi untuk siswa."),
])
def test_a_split_paragraph_is_joined(only_rejoin, page, expected):
    result = only_rejoin.clean(page)
    assert result.text == expected
    assert result.fired == {"T-T40": page.count("\n")}
    assert {r.text for r in result.removed} == {"\n"}  # what a join removes is line breaks


def test_the_dateline_split_off_the_lead_is_joined(only_rejoin):
    assert only_rejoin.clean("KORANKU.COM, JAKARTA\n- Pemerintah menetapkan harga beras.").text == \
        "KORANKU.COM, JAKARTA - Pemerintah menetapkan harga beras."
    assert only_rejoin.clean("Koranku.com -\nPemerintah menetapkan harga beras baru.").text == \
        "Koranku.com - Pemerintah menetapkan harga beras baru."


@pytest.mark.parametrize("page", [
    # paragraphs that end without a stop, then a new one
    "Pemerintah menetapkan harga beras baru pekan ini tanpa titik\nMenteri Perdagangan hadir dalam acara itu.",
    # a crosshead
    "Paragraf pertama selesai.\nHarga Beras Naik\nPemerintah menetapkan harga baru.",
    # a headline left alone where a promo label was, then a paragraph opening with a linked name
    "Ayah Bella Hadid Soal Nakba, Yahudi Usir Kami dari Palestina\nWatermelon Pictures\nmengatakan film itu selesai.",
    # list items, lowercase or marked
    "Bahan-bahan\nbawang merah\nbawang putih\ngaram.",
    "Pilihan jawaban\na. bawang merah\nb. bawang putih.",
    "Siapkan bahan berikut\n- bawang merah\n- bawang putih.",
    # a brand with an inner capital opens a paragraph
    "Spesifikasi ponsel terbaru\niPhone 15 hadir dengan layar baru.",
    # a run that never reaches a sentence end
    "Jawaban\n: Benar",
])
def test_lines_that_are_not_one_sentence_stay_apart(only_rejoin, page):
    assert only_rejoin.clean(page).text == page


def test_the_join_is_a_changed_line_in_explain(tmp_path):
    rules = write_rules(tmp_path, {"_global.toml": RULE})
    expl = explain_page(Cleaner([rules], shipped=False), "Intro selesai.\nHal itu disampaikan oleh\nMenteri\ndalam rapat di Jakarta.\n")
    assert [(row.number, row.status, row.into) for row in expl.rows] == [
        (1, "kept", None), (2, "changed", None), (3, "joined", 2), (4, "joined", 2)]  # every input line still shown
    row = expl.rows[1]
    assert row.rules == ["T-T40"] and row.output == "Hal itu disampaikan oleh Menteri dalam rapat di Jakarta."
    assert [(p.rule_id, p.replacement) for p in row.pieces] == [("T-T40", " Menteri"), ("T-T40", " dalam rapat di Jakarta.")]
    assert expl.consistent
    assert expl.by_phase() == {"rejoin": {"T-T40": 2}}  # counted under its own phase, not strip_inline
    assert expl.fired() == {"T-T40": 2}


def test_rendered_html_lines_are_not_joined(tmp_path):
    rules = write_rules(tmp_path, {"_global.toml": RULE})
    html = "<html><body><article><p>Hal itu disampaikan oleh</p><p>Menteri</p><p>dalam rapat.</p></article></body></html>"
    result = Cleaner([rules], shipped=False).clean_html(html)
    assert "T-T40" not in result.fired


def test_the_shipped_rule_joins_and_the_text_rules_then_see_the_paragraph():
    page = "TRIBUNNEWS.COM, JAKARTA\n- Hal itu disampaikan oleh\nMenteri Keuangan\ndalam rapat di Jakarta.\n(abc/def)\n"
    assert Cleaner(site_rules=False).clean(page).text == "Hal itu disampaikan oleh Menteri Keuangan dalam rapat di Jakarta."


words = st.sampled_from(["kata", "dia", "Menteri", "Israel", ",", ".", "(IDF)", "dan", "Harga", "-nya", "a.", "iPhone"])
line = st.lists(words, min_size=1, max_size=6).map(" ".join)


@given(st.lists(line, min_size=1, max_size=12))
def test_a_join_only_ever_removes_line_breaks_and_spaces(lines):
    page = "\n".join(lines)
    from cleaner.page import Line
    from cleaner.phases.rejoin import Rejoin
    from cleaner.text import TextRun

    rule = Cleaner(site_rules=False).phases_for(None)["rejoin"][0]
    src = [Line(i, t) for i, t in enumerate(lines, 1)]
    got = Rejoin().run(list(src), [rule], TextRun(src, "text", []))
    assert "".join(ln.text for ln in got).replace(" ", "") == page.replace("\n", "").replace(" ", "")
    assert len(got) <= len(lines)
