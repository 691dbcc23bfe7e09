"""Generic text rules on outlets the cleaner has no file for (issue 15).

The pages below are constructed by hand in the shapes the issue names for
outlets outside the corpus (idntimes, tirto, cnbcindonesia, bolasport,
lampost, regional portals): their template strings (datelines, labels,
credit tails) as those templates print them, around sentences written for
the test. They are not articles of those outlets. Each is cleaned with the
generic rules alone, as a page of an unknown site.
"""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner.phases import strip_inline as S

LEAD = "Pemerintah resmi menaikkan harga beras medium mulai pekan depan."
BODY = "Kenaikan itu disebut sebagai penyesuaian terhadap biaya produksi petani."

PAGES = {
    "idntimes: dateline, reading prompt, editor's picks and their titles, promo, editor": (
        f"Jakarta, IDN Times - {LEAD}\nLanjutkan membaca artikel di bawah\nEditor’s picks\n"
        "Harga Cabai Rawit Melonjak Jelang Lebaran\n5 Tips Hemat Belanja Bulanan untuk Keluarga\n"
        f"Warga Antre Minyak Goreng di Pasar Induk\n{BODY}\nBaca Juga: Stok Beras Bulog Aman hingga Akhir Tahun\n"
        "Editor: Rina Wulandari\n",
        [LEAD, BODY],
    ),
    "tirto: headline above the dateline, label and title, outlet and desk, credit lines": (
        f"Pemerintah Naikkan Harga Beras Medium Mulai Pekan Depan\ntirto.id - {LEAD}\nBaca juga:\n"
        f"Harga Cabai Rawit Melonjak Jelang Lebaran\n{BODY}\n(tirto.id - Ekonomi)\nReporter: Andi Pratama\n"
        "Penulis: Andi Pratama\nEditor: Rina Wulandari\n",
        [LEAD, BODY],
    ),
    "cnbcindonesia: dateline, video placeholder, next-article block, initials": (
        f"Jakarta, CNBC Indonesia - {LEAD}\n[Gambas:Video CNBC]\n{BODY}\nArtikel Selanjutnya\n"
        "Harga Emas Antam Hari Ini Turun Rp 5.000\n(rah/rah)\n",
        [LEAD, BODY],
    ),
    "bolasport: dateline, promo, video label and its embed URL, credits": (
        f"BOLASPORT.COM - {LEAD}\nBaca Juga: Klasemen Grup F Usai Indonesia Menang\n{BODY}\nTonton juga\n"
        "https://www.youtube.com/watch?v=abcDEF12345\nEditor : Budi Santoso\nSumber : BolaSport.com\n",
        [LEAD, BODY],
    ),
    "lampost: bracketed outlet dateline, credit tail glued and repeated": (
        f"BANDAR LAMPUNG (Lampost.co) -- {LEAD}\n{BODY}Penulis: Budi Santoso Editor: Rina Wulandari "
        "Penulis: Budi Santoso Editor: Rina Wulandari\n",
        [LEAD, BODY],
    ),
    "regional portal: byline above the dateline, credit tail on one line": (
        f"Laporan Reporter Koran Daerah, Siti Aminah\nKORANDAERAH.COM, KEDIRI - {LEAD}\n{BODY}\n"
        "Reporter: Siti Aminah | Editor: Budi Santoso Penulis: Siti Aminah Editor: Budi Santoso\n",
        [LEAD, BODY],
    ),
    "pull quote glued before the dateline": (
        f"Kami pastikan stok pangan aman sampai akhir tahun, kata menteriJakarta (KANTOR) - {LEAD}\n{BODY}\n",
        [LEAD, BODY],
    ),
    "paragraphs split around their links": (
        "KORANKU.COM, SURABAYA - Hal itu disampaikan oleh\nWali Kota Surabaya\n"
        "dalam rapat bersama warga di balai kota, Senin (3/6/2024).\nIa menambahkan, anggaran untuk\n"
        "perbaikan jalan\nnaik 10 persen tahun ini, kata dia.\n",
        ["Hal itu disampaikan oleh Wali Kota Surabaya dalam rapat bersama warga di balai kota, Senin (3/6/2024).",
         "Ia menambahkan, anggaran untuk perbaikan jalan naik 10 persen tahun ini, kata dia."],
    ),
    "tokenised scrape": (
        "Jakarta , Koran Kita - - Presiden menerima delegasi asing pada Selasa ( 10 / 9 / 2019 ) .\n"
        "Baca juga : Presiden Terima Delegasi Asing di Istana\nPertemuan itu membahas kerja sama dagang .\n( rea / rrd )\n",
        ["Presiden menerima delegasi asing pada Selasa ( 10 / 9 / 2019 ) .", "Pertemuan itu membahas kerja sama dagang ."],
    ),
    "social embeds and a photo label": (
        "Warganet ramai membagikan video banjir di kawasan itu, Minggu (5/5/2024).\nhttps://www.instagram.com/p/CxYz123abc/\n"
        "Banjir surut pada Senin pagi. pic.twitter.com/AbCd123 — Info Kota (@infokota) May 5, 2024\n"
        "Petugas masih membersihkan lumpur di jalan utama.https://www.youtube.com/watch?v=abcDEF12345\n"
        "Foto: Petugas membersihkan lumpur di jalan utama, Senin (6/5/2024).\n",
        ["Warganet ramai membagikan video banjir di kawasan itu, Minggu (5/5/2024).",
         "Petugas masih membersihkan lumpur di jalan utama."],
    ),
}


@pytest.fixture(scope="module")
def generic():
    return Cleaner(site_rules=False)


@pytest.mark.parametrize("name", PAGES)
def test_a_page_of_an_unknown_outlet_comes_out_clean(generic, name):
    page, expected = PAGES[name]
    assert generic.clean(page, path="outlet-baru.example/berita.txt").text.splitlines() == expected


def test_a_bare_label_takes_no_titles_the_story_follows_it(generic):
    page = f"{LEAD}\nBaca Juga\nPelatih: Budi Santoso\n{BODY}\n"
    assert generic.clean(page).text.splitlines() == [LEAD, "Pelatih: Budi Santoso", BODY]


# -- the shipped end-anchored rules cut the same with the end-of-line shortcut ----------

END_RULES = [r for r in Cleaner(site_rules=False).phases_for(None)["strip_inline"] if S.tail_width(r.pattern.pattern) is not None]
pieces = st.sampled_from(["kata dia.", " ", "(abc/def)", "(K24)", "Penulis: Budi", " Editor: Siti", "Jokowi Minta Menteri",
                          "[abc]", "(*/ant)", ".", "https://www.youtube.com/watch?v=x", "Copyright © KANTOR 2025", "(*)",
                          "(koranku.id - Politik)", "tag satu", "x" * 40, ",", "Program ini"])


def _without_shortcut(text, rule):
    S._TAILS[rule.pattern] = None
    try:
        return S.strip_one(text, rule)
    finally:
        del S._TAILS[rule.pattern]


def test_there_are_end_anchored_rules():
    assert {"GEN-T23", "GEN-T30", "GEN-T32"} <= {r.id for r in END_RULES}


@settings(max_examples=300)
@given(st.lists(pieces, min_size=1, max_size=30).map("".join))
@example("kata dia. (abc/def)")
@example("x" * 900 + "kata dia. (Budi Santoso/Siti Aminah/Andi)")
def test_end_anchored_rules_cut_the_same_with_the_shortcut(text):
    text = " ".join(text.split())
    for rule in END_RULES:
        assert S.strip_one(text, rule) == _without_shortcut(text, rule), rule.id
