"""Page metadata read from the engine's one lexbor tree (cleaner/metadata.py).

Each test is a small hand-written page and what a reader of it would say
the title, date, authors... are."""

import dataclasses

import pytest

from cleaner.html import parse_html
from cleaner.metadata import Metadata, find_date, page_metadata


def meta_of(page: str, url: str | None = None) -> Metadata:
    return page_metadata(parse_html(page), url=url)


def test_json_ld_article_with_a_list_of_authors():
    page = """<html lang="id-ID"><head>
    <title>Banjir Rendam Tiga Desa - Kabar Kita</title>
    <script type="application/ld+json">
    {"@context": "https://schema.org", "@type": "NewsArticle",
     "headline": "Banjir Rendam Tiga Desa",
     "datePublished": "2024-09-30T20:31:00+07:00", "dateModified": "2024-10-02T08:00:00+07:00",
     "author": [{"@type": "Person", "name": "Siti Aminah"}, {"@type": "Person", "name": "Budi Santoso"}],
     "publisher": {"@type": "Organization", "name": "Kabar Kita"},
     "description": "Hujan deras sejak pagi.", "inLanguage": "id"}
    </script>
    <link rel="canonical" href="https://kabarkita.example/berita/banjir-rendam-tiga-desa">
    </head><body><h1>Banjir Rendam Tiga Desa</h1><p>Isi berita.</p></body></html>"""
    assert meta_of(page) == Metadata(
        title="Banjir Rendam Tiga Desa",
        authors=("Siti Aminah", "Budi Santoso"),
        date="2024-09-30",  # the publication day, not the modification
        description="Hujan deras sejak pagi.",
        site_name="Kabar Kita",
        language="id",
        url="https://kabarkita.example/berita/banjir-rendam-tiga-desa",
    )


def test_json_ld_in_a_graph_and_a_single_author_name():
    page = """<html><head><script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [
      {"@type": "WebSite", "name": "Example"},
      {"@type": ["ReportageNewsArticle"], "headline": "A Bridge Reopens",
       "datePublished": "2023-03-05", "author": "Jane Roe"}]}
    </script></head><body></body></html>"""
    meta = meta_of(page)
    assert (meta.title, meta.date, meta.authors) == ("A Bridge Reopens", "2023-03-05", ("Jane Roe",))


def test_broken_json_ld_is_repaired():
    # A raw line break inside a string and a trailing comma: json.loads refuses both.
    page = """<html><head><script type="application/ld+json">
    {"@type": "NewsArticle", "headline": "Harga Beras
    Naik Lagi", "datePublished": "2024-01-15T09:00:00+07:00",
     "author": {"@type": "Person", "name": "Rina"},}
    </script></head><body></body></html>"""
    meta = meta_of(page)
    assert (meta.title, meta.date, meta.authors) == ("Harga Beras Naik Lagi", "2024-01-15", ("Rina",))


def test_json_ld_beyond_repair_still_gives_its_fields():
    # Unescaped quotes in the headline: no JSON parser reads this.
    page = """<html><head><script type="application/ld+json">
    {"@type": "NewsArticle", "headline": "Wapres dan Ahok "Blusukan" dari Udara",
     "datePublished": "2015-06-18T06:25:00+07:00", "author": {"name": "Silvanus Alvin"}}
    </script></head><body></body></html>"""
    meta = meta_of(page)
    assert meta.title == 'Wapres dan Ahok "Blusukan" dari Udara'
    assert meta.date == "2015-06-18"
    assert meta.authors == ("Silvanus Alvin",)


def test_json_ld_that_is_not_json_at_all_is_ignored():
    page = """<html><head><script type="application/ld+json">window.x = 1;</script>
    <meta property="og:title" content="Still Here"></head><body></body></html>"""
    assert meta_of(page).title == "Still Here"


def test_opengraph_only():
    page = """<html><head>
    <meta property="og:title" content="Gempa M 5,2 Guncang Garut - Warta Daerah">
    <meta property="og:site_name" content="Warta Daerah">
    <meta property="og:description" content="Tidak ada laporan kerusakan.">
    <meta property="og:url" content="https://wartadaerah.example/read/12345/gempa-guncang-garut">
    <meta property="article:published_time" content="2022-11-21T13:21:10+07:00">
    <meta property="article:modified_time" content="2022-11-23T08:00:00+07:00">
    <meta property="og:locale" content="id_ID">
    </head><body><p>Isi.</p></body></html>"""
    assert meta_of(page) == Metadata(
        title="Gempa M 5,2 Guncang Garut",  # the " - Warta Daerah" suffix names the site: cut
        date="2022-11-21",
        description="Tidak ada laporan kerusakan.",
        site_name="Warta Daerah",
        language="id",
        url="https://wartadaerah.example/read/12345/gempa-guncang-garut",
    )


@pytest.mark.parametrize("title, expected", [
    ("Taksi Uber Tak Punya Izin - Tribunnews.com", "Taksi Uber Tak Punya Izin"),
    ("Pemukim Israel Mendirikan Pos Baru -  Halaman all - TribunNews.com", "Pemukim Israel Mendirikan Pos Baru"),
    ("Supaya Timnya Mengalah - Kompas.com Bola", "Supaya Timnya Mengalah"),  # the host's name, no site name
    ("Suspect caught in rampage | The Jakarta Post", "Suspect caught in rampage"),
    ("Ahok Dukung Jokowi :: Okezone News", "Ahok Dukung Jokowi"),
    # a colon inside the headline is not a suffix: the part after it does not name the site
    ("Kadishub DKI: Taksi Uber Tak Punya Izin", "Kadishub DKI: Taksi Uber Tak Punya Izin"),
    ("Israel - Hamas Talks Resume", "Israel - Hamas Talks Resume"),
])
def test_title_with_a_site_suffix(title, expected):
    host = {"Tribunnews": "www.tribunnews.com", "Kompas": "bola.kompas.com", "Post": "www.thejakartapost.com",
            "Okezone": "news.okezone.com"}
    site = next((h for k, h in host.items() if k in title), "www.tribunnews.com")
    page = f"""<html><head><title>{title}</title>
    <link rel="canonical" href="https://{site}/read/x"></head><body></body></html>"""
    assert meta_of(page).title == expected


def test_the_headline_the_page_shows_wins_over_its_metadata():
    # The metadata drops the headline's punctuation; the masthead <h1> holds the
    # whole <title>. The reader sees the second <h1>.
    page = """<html><head><title>KPK tak Temukan Surat Apa Iya Dicabut :: Media Kita</title>
    <meta property="og:title" content="KPK tak Temukan Surat Apa Iya Dicabut">
    <link rel="canonical" href="https://mediakita.example/a/1"></head><body>
    <h1><a href="/">KPK tak Temukan Surat Apa Iya Dicabut :: Media Kita</a></h1>
    <h1>KPK tak Temukan Surat: Apa Iya  Dicabut?</h1></body></html>"""
    assert meta_of(page).title == "KPK tak Temukan Surat: Apa Iya Dicabut?"


def test_an_h1_that_is_not_the_headline_is_not_taken():
    page = """<html><head><meta property="og:title" content="Supaya Timnya Mengalah - Kompas.com Bola">
    <meta property="og:url" content="http://bola.kompas.com/read/2015/06/17/22260808/supaya"></head>
    <body><h1>Bola</h1><h2>Supaya Timnya Mengalah</h2><div>Rabu, 17 Juni 2015 | 22:26 WIB</div></body></html>"""
    meta = meta_of(page)
    assert meta.title == "Supaya Timnya Mengalah"
    assert meta.date == "2015-06-17"


@pytest.mark.parametrize("dateline, day", [
    ("Senin, 30 September 2024 20:31 WIB", "2024-09-30"),
    ("Rabu, 17 Juni 2015 | 22:26 WIB", "2015-06-17"),
    ("Tayang: Sabtu, 2 Maret 2024 16:47 WIB", "2024-03-02"),
    ("Jum'at, 19 Juni 2015 - 11:58 wib", "2015-06-19"),
    ("Selasa 16 Jun 2015, 14:05 WIB", "2015-06-16"),
    ("Kamis, 21 Nopember 2013 08:00", "2013-11-21"),
    ("22/10/2025 06:59", "2025-10-22"),
    ("By Jakarta Globe on 12:23 am Jun 19, 2015", "2015-06-19"),
])
def test_an_indonesian_date_line_by_the_headline(dateline, day):
    # No date in any metadata: the page states it only in its visible date line.
    page = f"""<html><head><title>Harga Cabai Melonjak</title></head><body>
    <div class="kicker">EKONOMI</div>
    <div class="header"><h1>Harga Cabai Melonjak</h1>
    <div class="info"><span class="author">Andi</span> <span class="date">{dateline}</span></div></div>
    <p>Harga cabai di pasar induk naik.</p></body></html>"""
    assert meta_of(page).date == day


def test_a_masthead_date_away_from_the_headline_is_not_the_date():
    # Today's date in the masthead; the article's date only in its URL.
    page = """<html><head><link rel="canonical" href="https://kabar.example/read/2015/06/17/123/judul">
    </head><body><header><div class="today">Kamis, 18 Juni 2015</div><div class="logo">Kabar</div></header>
    <nav><a href="/">Home</a></nav><main><article><h1>Judul</h1><p>Isi berita tanpa tanggal.</p>
    </article></main></body></html>"""
    assert meta_of(page).date == "2015-06-17"


def test_a_url_date_is_the_last_resort():
    page = "<html><head><title>Judul</title></head><body><h1>Judul</h1><p>Isi.</p></body></html>"
    meta = meta_of(page, url="https://news.example/nasional/2024/09/30/judul")
    assert meta.date == "2024-09-30"
    assert meta.url == "https://news.example/nasional/2024/09/30/judul"  # no canonical link: the URL given


def test_itemprop_and_time_elements():
    page = """<html><head></head><body><aside><time datetime="2015-06-17T21:50:56+07:00" class="timeago">
    </time></aside><h1 itemprop="headline">Judul</h1><span itemprop="author">Oleh : <b>Adrianus Mandey</b></span>
    <span itemprop="datePublished">18 Jun 2015 at <span>06:25 WIB</span></span></body></html>"""
    meta = meta_of(page)
    assert meta.date == "2015-06-18"  # itemprop datePublished before any <time>
    assert meta.authors == ("Adrianus Mandey",)
    assert meta.title == "Judul"


def test_the_site_itself_is_not_an_author():
    page = """<html><head><meta name="author" content="Liputan6.com">
    <meta property="og:url" content="https://news.liputan6.com/read/1/x">
    <meta name="author" content="https://www.facebook.com/liputan6"></head><body></body></html>"""
    assert meta_of(page).authors == ()


def test_authors_in_one_string_are_split():
    page = '<html><head><meta name="author" content="Ani Lestari, Budi dan Citra Dewi"></head></html>'
    assert meta_of(page).authors == ("Ani Lestari", "Budi", "Citra Dewi")


def test_relative_canonical_is_resolved_against_the_url():
    page = '<html><head><link rel="canonical" href="/read/2024/01/02/x"></head></html>'
    meta = meta_of(page, url="https://site.example/read/2024/01/02/x?utm=feed")
    assert meta.url == "https://site.example/read/2024/01/02/x"
    assert meta.date == "2024-01-02"


@pytest.mark.parametrize("lang, expected", [("id-ID", "id"), ("en", "en"), ("In-Id", "id"), ("", None)])
def test_language_is_the_primary_subtag(lang, expected):
    assert meta_of(f'<html lang="{lang}"><head></head><body></body></html>').language == expected


def test_nothing_at_all_gives_empty_fields():
    meta = meta_of("<html><body><p>Hanya satu paragraf.</p></body></html>")
    assert meta == Metadata()
    assert all(v is None for k, v in dataclasses.asdict(meta).items() if k != "authors")
    assert meta.authors == ()
    assert meta_of("").as_dict() == {"title": None, "authors": [], "date": None, "description": None,
                                     "site_name": None, "language": None, "url": None}


def test_metadata_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Metadata().title = "x"


@pytest.mark.parametrize("text, day", [
    ("2015-06-16T14-05-11Z", "2015-06-16"),  # detik's malformed time: the day still reads
    ("2015-06-19T03:40:00+07:00Z", "2015-06-19"),
    ("2020-07-09 07:26:05", "2020-07-09"),
    ("Kamis 09 Juli 2020 07:26 WIB", "2020-07-09"),
    ("Fri, June 19 2015, 7:36 AM", "2015-06-19"),
    ("June 19th, 2015", "2015-06-19"),
    ("12 Agustus 2019", "2019-08-12"),
    ("1 Desember 2020", "2020-12-01"),
    ("09/30/2024", "2024-09-30"),  # month first only when the day cannot be a month
    ("4 jam lalu", None),  # relative: not a date
    ("31 Juni 2024", None),  # no such day
    ("1 Januari 1890", None),  # history, not a publication day
    ("", None),
])
def test_find_date(text, day):
    assert find_date(text) == day


def test_a_title_with_a_section_segment_finds_its_headline():
    # "| Blog" names no site; the <h1> starts like the part before it.
    page = """<html><head><title>Top 7 Innovative Kitchen Appliance Trends | Blog</title></head><body>
    <h1>Top 7 Innovative Kitchen Appliance Trends from KBIS &amp; IBS 2025</h1><p>Text.</p></body></html>"""
    assert meta_of(page).title == "Top 7 Innovative Kitchen Appliance Trends from KBIS & IBS 2025"


def test_a_headline_reworded_for_search_engines_is_found_with_its_date():
    # No <h1>; the h2 headline says it a little differently from the <title>,
    # and the date line above it is the only date on the page.
    page = """<html><head><title>7 Ways to Transition to a Plant-Based Diet | Koia</title></head><body>
    <h2>Your cart is empty</h2><div class="meta"><h3>blog | February 01, 2022</h3>
    <h2>7 Ways to Help You Transition to a Plant Based Diet</h2></div><p>Text.</p></body></html>"""
    meta = meta_of(page)
    assert meta.title == "7 Ways to Help You Transition to a Plant Based Diet"
    assert meta.date == "2022-02-01"
