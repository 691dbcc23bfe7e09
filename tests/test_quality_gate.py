"""Quality gate: clean the sample texts (samples/raw, gold in samples/gold)
and the layouts' saved HTML pages (rules/samples, gold beside them) with the
shipped rules and score them, text pages and HTML pages apart. The floors are the
measured values minus a small margin: raise them when the rules improve,
never lower them silently."""

import pytest

from cleaner.io import as_output, write_atomic
from cleaner.score import score_dirs
from conftest import LAYOUT_SAMPLES, SAMPLES

FLOORS = {
    # kind: (macro token F1, macro line F1, lowest token F1 of any one site)
    "txt": (0.995, 0.97, 0.98),
    "html": (0.99, 0.97, 0.98),
}


#: kind: (raw pages, the gold of a raw page relative to its folder)
PAGES = {
    "txt": (SAMPLES / "raw", lambda rel: SAMPLES / "gold" / rel.with_suffix(".txt")),
    "html": (LAYOUT_SAMPLES, lambda rel: LAYOUT_SAMPLES / rel.with_suffix(".txt")),
}


@pytest.fixture(scope="module", params=sorted(FLOORS))
def kind_report(request, cleaner, tmp_path_factory):
    kind = request.param
    raw, gold_of = PAGES[kind]
    out, gold = tmp_path_factory.mktemp(kind), tmp_path_factory.mktemp(f"{kind}-gold")
    for page in sorted(raw.rglob(f"*.{kind}")):
        rel = page.relative_to(raw)
        result = cleaner.clean_page(page.read_bytes(), path=rel)
        write_atomic(out / rel.with_suffix(".txt"), as_output(result.text))
        write_atomic(gold / rel.with_suffix(".txt"), gold_of(rel).read_text(encoding="utf-8"))
    return kind, score_dirs(out, gold)


def test_seeds_are_cleaned_exactly(kind_report):
    kind, report = kind_report
    if kind != "txt":
        pytest.skip("the seeds are text pages")
    assert report.sites["seeds"].exact == report.sites["seeds"].n == 5


def test_macro_scores_stay_above_their_floors(kind_report):
    kind, report = kind_report
    token_floor, line_floor, _ = FLOORS[kind]
    assert report.macro.token_f1 >= token_floor
    assert report.macro.line_f1 >= line_floor


def test_no_site_collapses(kind_report):
    kind, report = kind_report
    floor = FLOORS[kind][2]
    low = {site: round(agg.token_f1, 3) for site, agg in report.sites.items() if agg.token_f1 < floor}
    assert not low
