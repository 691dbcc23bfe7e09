"""Site detection: option, then URL, then first folder, then text signature."""

from pathlib import PurePath

from cleaner.sites import detect_site, folder_domain, host_of


def test_order_option_url_folder_signature(cleaner):
    rules = cleaner.rules
    text = "Suara.com - Isi berita."
    assert detect_site(rules, site="kompas.com", url="https://suara.com/x", path="detik.com/a.txt", text=text).source == "option"
    assert detect_site(rules, url="https://www.suara.com/x", path="detik.com/a.txt", text=text).site == "suara.com"
    m = detect_site(rules, path=PurePath("suara.com/a.txt"), text="Isi tanpa tanda.")
    assert (m.site, m.source, m.has_rules) == ("suara.com", "folder", True)
    m = detect_site(rules, path="seeds/a.txt", text=text)
    assert (m.site, m.source) == ("suara.com", "signature")


def test_subdomains_match_their_site(cleaner):
    m = detect_site(cleaner.rules, url="https://video.suara.com/read/1")
    assert (m.site, m.source) == ("suara.com", "url")
    m = detect_site(cleaner.rules, path="jatim.suara.com/x.txt")
    assert (m.site, m.source) == ("suara.com", "folder")


def test_unknown_sites_get_generic_rules(cleaner):
    m = detect_site(cleaner.rules, url="https://elsewhere.example/a", text="Isi.")
    assert (m.site, m.source, m.has_rules) == ("elsewhere.example", "url", False)
    assert detect_site(cleaner.rules, path="misc/a.txt", text="Isi.").site is None


def test_signature_only_at_the_start(cleaner):
    late = "Paragraf pertama.\n" * 40 + "Suara.com - kutipan"
    assert detect_site(cleaner.rules, text=late).site is None


def test_helpers():
    assert host_of("https://WWW.Detik.com/news") == "detik.com"
    assert host_of("detik.com/x") == "detik.com"
    assert folder_domain("detik.com/a.txt") == "detik.com"
    assert folder_domain("a.txt") is None
    assert folder_domain("raw/a.txt") is None
    assert folder_domain("text/detik.com/a.txt") == "detik.com"
