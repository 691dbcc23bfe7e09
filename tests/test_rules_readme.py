"""rules/README.md documents every phase in the registry and every key the loader accepts."""

from cleaner import rules as loader
from cleaner.phases import PHASES
from cleaner.layouts import LAYOUT_KEYS
from cleaner.phases.base import COMMON_KEYS
from conftest import ROOT


def documented(name: str, doc: str) -> bool:
    return f"`{name}`" in doc or f'"{name}"' in doc


def test_every_phase_and_key_is_documented():
    doc = (ROOT / "rules" / "README.md").read_text(encoding="utf-8")
    names = set(loader._FILE_KEYS) | set(loader._TEST_KEYS) | set(COMMON_KEYS) | set(LAYOUT_KEYS)
    for phase in PHASES.all():
        names.add(phase.kind)
        for name, key in phase.option_keys().items():
            names |= {name, *map(str, key.choices)}
    missing = sorted(name for name in names if not documented(name, doc))
    assert not missing, f"rules/README.md does not document: {missing}"
