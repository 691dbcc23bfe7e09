"""Gold in, gold out: a gold file is already clean, so cleaning it as a
scraped text must give it back unchanged, line for line, with the site's
rules and with the generic rules alone (`site_rules=False`). This is the
guard against false removals on clean text: a generic rule that fires on a
gold line would remove article words on every site. (benchmarks/text_generic.py
checks the same on every gold file of the shared corpus.)"""

import pytest

from cleaner import Cleaner
from conftest import LAYOUT_SAMPLES, SAMPLES

GOLD = sorted(
    [(p.relative_to(SAMPLES / "gold").as_posix(), p) for p in (SAMPLES / "gold").rglob("*.txt")]
    + [(p.relative_to(LAYOUT_SAMPLES).as_posix(), p) for p in LAYOUT_SAMPLES.rglob("*.txt")]
)


@pytest.fixture(scope="module", params=[True, False], ids=["site-rules", "generic-only"])
def any_cleaner(request):
    return Cleaner(site_rules=request.param)


def test_there_are_gold_files():
    assert len(GOLD) >= 50


@pytest.mark.parametrize("rel,path", GOLD, ids=[rel for rel, _ in GOLD])
def test_a_gold_file_cleaned_again_is_unchanged(any_cleaner, rel, path):
    gold = path.read_text(encoding="utf-8")
    want = [" ".join(line.split()) for line in gold.splitlines() if line.strip()]
    result = any_cleaner.clean(gold, path=rel)
    assert result.text.splitlines() == want, result.removed
