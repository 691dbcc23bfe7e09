"""What each text phase does, and that the phases run in a fixed order."""

from cleaner import Cleaner
from cleaner.phases.duplicates import GLUED_DUPLICATE, REPEATED_LINE
from cleaner.phases.strip_inline import title_end
from conftest import write_rules

SITE = 'site = "example.com"\n'


def rule(kind: str, rid: str, pattern: str, extra: str = "") -> str:
    key = "pattern" if kind == "strip_inline" else "line_pattern"  # searched in a line, or matching it whole
    return (
        f"[[text.{kind}]]\nid = \"{rid}\"\nwhy = \"test\"\n{key} = '{pattern}'\n{extra}"
        'must_match = ["x"]\nmust_not_match = ["y"]\n'
    )


def make(tmp_path, *rules: str) -> Cleaner:
    write_rules(tmp_path, {"sites/example.com.toml": SITE + "".join(rules), "_global.toml": ""})
    return Cleaner([tmp_path], shipped=False)


def test_phases_run_in_fixed_order_whatever_the_file_order(tmp_path):
    # strip_inline is written first and would shorten "Terkait: lagi" so that
    # cut_after no longer matched it, if it ran first. It must not.
    c = make(
        tmp_path,
        rule("strip_inline", "E-3", ": lagi"),
        rule("drop_line", "E-2", "Promo.*"),
        rule("cut_after", "E-1", "Terkait: lagi"),
    )
    result = c.clean("Isi satu: lagi.\nPromo hari ini\nIsi dua.\nTerkait: lagi\nJudul lain", site="example.com")
    assert result.text == "Isi satu.\nIsi dua."
    assert [(r.rule_id, r.text) for r in result.removed] == [
        ("E-1", "Terkait: lagi"),
        ("E-1", "Judul lain"),
        ("E-2", "Promo hari ini"),
        ("E-3", ": lagi"),
    ]
    assert result.fired == {"E-1": 2, "E-2": 1, "E-3": 1}


def test_cut_after_never_cuts_at_the_first_line(tmp_path):
    c = make(tmp_path, rule("cut_after", "E-1", "Tag"))
    assert c.clean("Tag\nIsi berita.\nTag\nA, B", site="example.com").text == "Tag\nIsi berita."


def test_site_rules_apply_only_to_their_site(tmp_path):
    c = make(tmp_path, rule("drop_line", "E-1", "Promo.*"))
    assert c.clean("Isi.\nPromo x", site="example.com").text == "Isi."
    assert c.clean("Isi.\nPromo x", site="other.org").text == "Isi.\nPromo x"


def test_inline_strip_keeps_the_words_around_and_records_removals(tmp_path):
    c = make(tmp_path, rule("strip_inline", "E-1", r"\s*ADVERTISEMENT\s*", 'replace = " "\n'))
    result = c.clean("kata dia. ADVERTISEMENT Ia menambahkan.", site="example.com")
    assert result.text == "kata dia. Ia menambahkan."
    assert result.removed[0].text.strip() == "ADVERTISEMENT" and result.removed[0].line == 1


def test_glued_promo_title_is_cut_up_to_the_sentence_start(tmp_path):
    c = make(tmp_path, rule("strip_inline", "E-1", r"Baca juga:\s*", 'title = "titlecase"\n'))
    line = "(10/6/2025).Baca juga: Heboh Rencana Merger Dua Emiten, BEI Minta Penjelasan Stefanus menjelaskan hal itu."
    assert c.clean(line, site="example.com").text == "(10/6/2025).Stefanus menjelaskan hal itu."


def test_title_end_rules():
    assert title_end("Judul Satu Dua Kalimat lalu berlanjut") == len("Judul Satu Dua ")
    assert title_end("Harga Emas untuk Pekan Ini “Kutipan dimulai") == len("Harga Emas untuk Pekan Ini ")
    assert title_end("Judul Tanpa Lanjutan") == len("Judul Tanpa Lanjutan")
    assert title_end("Fasilitas yang dibangun juga") == 0  # no title: the story goes on


def test_empty_lines_and_whitespace_are_normalised(tmp_path):
    c = make(tmp_path)
    assert c.clean("  Satu\u00a0 dua \n\n\n Tiga\t\n").text == "Satu dua\nTiga"


def test_repeated_and_glued_lines_are_scrape_duplicates(tmp_path):
    c = make(tmp_path, rule("strip_inline", "E-1", r"Baca Juga:.*"))
    p1 = "Paragraf pertama yang cukup panjang."
    p2 = "Paragraf kedua yang juga cukup panjang."
    glued = p1 + "Subjudul PentingBaca Juga:Judul Promo" + p2
    result = c.clean("\n".join([glued, p1, p2, p2]), site="example.com")
    # the crosshead only the glued copy held comes back at its place
    assert result.text.splitlines() == [p1, "Subjudul Penting", p2]
    assert {r.rule_id for r in result.removed} == {GLUED_DUPLICATE, REPEATED_LINE, "E-1"}


def test_a_paragraph_quoting_one_other_line_is_not_a_glued_copy(tmp_path):
    c = make(tmp_path)
    quote = "Kami akan datang besok pagi ke sana."
    text = f"{quote}\nIa berkata: {quote} Lalu ia pergi dari ruangan rapat itu."
    assert c.clean(text).text == text
