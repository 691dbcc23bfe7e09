"""Quality gate: clean samples/raw with the shipped rules and score it
against samples/gold, text pages and HTML pages apart. The floors are the
measured values minus a small margin: raise them when the rules improve,
never lower them silently."""

import pytest

from cleaner.io import as_output, write_atomic
from cleaner.score import score_dirs
from conftest import SAMPLES

FLOORS = {
    # kind: (macro token F1, macro line F1, lowest token F1 of any one site)
    "txt": (0.995, 0.97, 0.98),
    "html": (0.99, 0.97, 0.98),
}


def clean_samples(cleaner, out, suffix):
    raw = SAMPLES / "raw"
    for page in sorted(raw.rglob(f"*.{suffix}")):
        rel = page.relative_to(raw)
        result = cleaner.clean_page(page.read_bytes(), path=rel)
        write_atomic(out / rel.with_suffix(".txt"), as_output(result.text))


@pytest.fixture(scope="module", params=sorted(FLOORS))
def kind_report(request, cleaner, tmp_path_factory):
    kind = request.param
    out = tmp_path_factory.mktemp(kind)
    clean_samples(cleaner, out, kind)
    gold = tmp_path_factory.mktemp(f"{kind}-gold")
    # gold for this kind only: the gold files whose raw page has this suffix
    for page in (SAMPLES / "raw").rglob(f"*.{kind}"):
        rel = page.relative_to(SAMPLES / "raw").with_suffix(".txt")
        (gold / rel).parent.mkdir(parents=True, exist_ok=True)
        (gold / rel).write_bytes((SAMPLES / "gold" / rel).read_bytes())
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
