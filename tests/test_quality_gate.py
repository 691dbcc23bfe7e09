"""Quality gate: clean samples/raw with the shipped rules and score it
against samples/gold. The floors are measured values minus a small margin;
raise them when the rules improve, never lower them silently."""

import pytest

from cleaner.io import as_output, write_atomic
from cleaner.score import score_dirs
from conftest import SAMPLES

MACRO_TOKEN_F1_FLOOR = 0.995
MACRO_LINE_F1_FLOOR = 0.97
SITE_TOKEN_F1_FLOOR = 0.98  # no single site may collapse


@pytest.fixture(scope="module")
def report(cleaner, tmp_path_factory):
    out = tmp_path_factory.mktemp("pred")
    raw = SAMPLES / "raw"
    for page in sorted(raw.rglob("*.txt")):
        rel = page.relative_to(raw)
        result = cleaner.clean(page.read_text(encoding="utf-8"), path=rel)
        write_atomic(out / rel, as_output(result.text))
    return score_dirs(out, SAMPLES / "gold")


def test_seeds_are_cleaned_exactly(report):
    assert report.sites["seeds"].exact == report.sites["seeds"].n == 5


def test_macro_scores_stay_above_their_floors(report):
    assert report.macro.token_f1 >= MACRO_TOKEN_F1_FLOOR
    assert report.macro.line_f1 >= MACRO_LINE_F1_FLOOR


def test_no_site_collapses(report):
    low = {site: round(agg.token_f1, 3) for site, agg in report.sites.items() if agg.token_f1 < SITE_TOKEN_F1_FLOOR}
    assert not low
