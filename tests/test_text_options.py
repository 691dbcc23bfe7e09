"""Text phase options and the end-of-line shortcut of strip_inline:
`titles_after` (drop_line), `scope = "lead"` (strip_inline), and the search
of an end-anchored pattern in the line's tail only (tail_width, end_chars)."""

import pytest

from cleaner import Cleaner
from cleaner.phases import strip_inline as S
from conftest import write_rules

LEAD = "Pemerintah resmi menaikkan harga beras medium mulai pekan depan."
BODY = "Kenaikan itu disebut sebagai penyesuaian terhadap biaya produksi petani."

TITLES = """
[[text.drop_line]]
id = "T-T01"
why = "list label"
titles_after = 2
line_pattern = 'Editor’s picks'
must_match = ["Editor’s picks"]
must_not_match = ["Editor’s picks are out."]
"""


def test_titles_after_takes_headlines_only_and_no_more_than_asked(tmp_path):
    cleaner = Cleaner([write_rules(tmp_path, {"_global.toml": TITLES})], shipped=False)
    page = f"{LEAD}\nEditor’s picks\nHarga Cabai Rawit Melonjak Jelang Lebaran\nWarga Antre Minyak Goreng\nTiga Titel Terakhir Tetap\n{BODY}\n"
    result = cleaner.clean(page)
    assert result.text.splitlines() == [LEAD, "Tiga Titel Terakhir Tetap", BODY]
    assert result.fired == {"T-T01": 3}
    # a paragraph (a stop at its end) under the label ends the titles
    assert cleaner.clean(f"Editor’s picks\n{BODY}\nHarga Cabai Naik\n").text.splitlines() == [BODY, "Harga Cabai Naik"]


LEAD_RULE = """
[[text.strip_inline]]
id = "T-T02"
why = "dateline"
scope = "lead"
pattern = '^[A-Z]+\\.COM - '
must_match = ["KORAN.COM - Isi"]
must_not_match = ["Isi KORAN.COM - Isi"]
"""


def test_a_dateline_on_the_second_line_removes_the_lines_above_it(tmp_path):
    cleaner = Cleaner([write_rules(tmp_path, {"_global.toml": LEAD_RULE})], shipped=False)
    result = cleaner.clean(f"Judul Berita Hari Ini\nKORAN.COM - {LEAD}\n{BODY}\n")
    assert result.text.splitlines() == [LEAD, BODY]
    assert [(r.rule_id, r.text) for r in result.removed] == [("T-T02", "Judul Berita Hari Ini"), ("T-T02", "KORAN.COM - ")]
    # a dateline on the first line: nothing above it, and a later one is not looked for
    assert cleaner.clean(f"KORAN.COM - {LEAD}\nKORAN.COM - {BODY}\n").text.splitlines() == [LEAD, f"KORAN.COM - {BODY}"]
    # a long paragraph above is not a headline or byline: it stays
    long_line = " ".join(["kata"] * 70) + "."
    assert cleaner.clean(f"{long_line}\nKORAN.COM - {LEAD}\n").text.splitlines() == [long_line, f"KORAN.COM - {LEAD}"]


@pytest.mark.parametrize("pattern,width,ends", [
    (r"\((?:[a-z]{1,5}/){1,6}[a-z]{1,5}\)\s*$", 44, ({")"}, None)),  # a run of spaces counts one
    (r"(?<=[.!?])x[a-z]{0,3}(?<![.!?])$", 4, (None, set(".!?"))),
    (r"a+$", None, (None, None)),
    (r"abc", None, (None, None)),
])
def test_tail_width_and_end_chars(pattern, width, ends):
    assert S.tail_width(pattern) == width
    if width is not None:
        required, refused = S.end_chars(pattern)
        assert (set(required) if required else None, set(refused) if refused else None) == ends


END_RULE = """
[[text.strip_inline]]
id = "T-T03"
why = "end initials"
pattern = ' ?\\((?:[a-z]{2,5}/){0,3}[a-z]{2,5}\\)\\s*$'
must_match = ["kata dia. (abc)"]
must_not_match = ["kata dia (abc) lalu."]
"""


def test_an_end_anchored_rule_is_searched_in_the_tail_and_still_cuts(tmp_path):
    cleaner = Cleaner([write_rules(tmp_path, {"_global.toml": END_RULE})], shipped=False)
    long = "x " * 600 + "kata dia. (abc/def)"
    assert cleaner.clean(long).text == ("x " * 600).strip() + " kata dia."
    assert cleaner.clean("kata dia (abc) lalu.").text == "kata dia (abc) lalu."
