import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests on a fixed set of examples (HYPOTHESIS_PROFILE=ci,
# set by .ci/run) so that a run never fails on a new random draw; by hand they
# explore new examples every time, and what they find becomes an @example.
settings.register_profile("ci", derandomize=True, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
#: Each layout's saved pages (.html) with their gold (.txt) beside them.
LAYOUT_SAMPLES = ROOT / "rules" / "samples"


@pytest.fixture(scope="session")
def cleaner():
    from cleaner import Cleaner

    return Cleaner()


def write_rules(folder: Path, files: dict[str, str]) -> Path:
    """Create a rules folder from {relative path: TOML text}."""
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


#: A layout of example.com whose sample page `page.html` is written by
#: `site_file_problems` and `write_layout_sample`; its node rules follow it as
#: [[html.layout.<phase>]] tables.
LAYOUT = """
[[html.layout]]
id = "E-L1"
why = "the article container"
seen = ["2024"]
detect = "div.isi"
body = ["div.isi"]
samples = ["page.html"]
"""


def write_layout_sample(folder: Path, html: str = '<div class="isi"><p>Isi berita.</p></div>', gold: str = "Isi berita.\n",
                        site: str = "example.com") -> None:
    """The sample page (and its gold) that LAYOUT names, in a rules folder."""
    write_rules(folder, {f"samples/{site}/page.html": html, f"samples/{site}/page.txt": gold})


def site_file_problems(folder: Path, site_text: str) -> list[str]:
    """The load problems of a rules folder holding one example.com site file
    (and the sample page of LAYOUT)."""
    from cleaner import RuleError, load_rules

    write_layout_sample(folder)
    write_rules(folder, {"sites/example.com.toml": 'site = "example.com"\n' + site_text})
    with pytest.raises(RuleError) as info:
        load_rules(folder)
    return info.value.problems
