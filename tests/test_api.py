"""The Python API: one page, many pages, threads and pickling."""

import pickle
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from cleaner import Cleaner, clean, clean_many
from conftest import LAYOUT_SAMPLES, SAMPLES

PAGES = sorted(p for p in (SAMPLES / "raw").rglob("*") if p.is_file())


def expected(cleaner, path):
    return cleaner.clean_page(path.read_bytes(), path=path.relative_to(SAMPLES / "raw")).text


def test_clean_one_page_of_either_kind():
    assert clean("Suara.com - Isi berita.\nBaca Juga: Judul Lain").text == "Isi berita."
    html = b"<html><head><link rel='canonical' href='https://www.suara.com/a'></head><body><article><p>Isi berita yang cukup panjang untuk diambil.</p></article></body></html>"
    result = clean(html)
    assert (result.site, result.site_source) == ("suara.com", "url")


def test_clean_many_is_lazy_and_takes_records():
    records = iter([{"text": "Suara.com - Satu.", "path": "x/a.txt"}, {"html": "<p>Dua.</p>", "url": "https://suara.com/b"}, "Tiga."])
    results = clean_many(records)
    assert next(results).text == "Satu."
    assert [r.text for r in results] == ["Dua.", "Tiga."]


def test_a_cleaner_is_shared_safely_between_threads(cleaner):
    wanted = [expected(cleaner, p) for p in PAGES]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda p: expected(cleaner, p), PAGES * 2))
    assert got == wanted * 2


def test_a_cleaner_pickles_small_and_cleans_the_same(cleaner, tmp_path):
    blob = pickle.dumps(cleaner)
    assert len(blob) < 2000  # the rule folders, not the compiled rules
    copy = pickle.loads(blob)
    assert [expected(copy, p) for p in PAGES] == [expected(cleaner, p) for p in PAGES]


def test_user_rules_survive_pickling(tmp_path):
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "example.com.toml").write_text('site = "example.com"\n')
    cleaner = Cleaner([tmp_path])
    assert "example.com" in pickle.loads(pickle.dumps(cleaner)).rules.sites


def test_a_page_that_runs_too_long_raises_a_page_timeout_error_naming_it(monkeypatch):
    from cleaner import PageTimeoutError
    from cleaner.phases.lines import DropLine

    def stuck(self, lines, rules, run):
        time.sleep(5)
        return lines

    monkeypatch.setattr(DropLine, "run", stuck)
    cleaner = Cleaner(page_timeout=0.2)
    with pytest.raises(PageTimeoutError, match=r"^slow\.txt: timed out after 0\.2 s$"):
        cleaner.clean_page("Isi berita.", source="slow.txt")


def test_an_outer_timer_is_kept_and_fires_after_a_page():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)  # the caller's own timer
        Cleaner(page_timeout=5).clean_page("Isi berita.")
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.3
        time.sleep(0.5)
        assert fired == [True]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("timeout", [float("inf"), float("nan"), 0, -1])
def test_a_page_timeout_must_be_a_positive_finite_number(timeout):
    with pytest.raises(ValueError, match="page_timeout must be a positive finite number"):
        Cleaner(page_timeout=timeout)


def test_an_html_pages_metadata_comes_with_its_text():
    page = (LAYOUT_SAMPLES / "tribunnews.com" / "techno-artikel_154.html").read_bytes()
    meta = Cleaner().clean_html(page).metadata
    assert (meta.date, meta.language, meta.site_name) == ("2024-10-29", "id", "Tribunnews.com")
    assert meta.title.startswith("Pasar Game Nasional Capai Rp5,789 Triliun")
    assert Cleaner(metadata=False).clean_html(page).metadata is None
    assert Cleaner(metadata=False).fingerprint() != Cleaner().fingerprint()
    assert clean("Isi berita.").metadata is None  # a scraped text carries what its export had, in its fields
