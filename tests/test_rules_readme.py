"""rules/README.md documents every key the loader accepts."""

from cleaner import rules as loader
from conftest import ROOT


def test_every_loader_key_is_documented():
    doc = (ROOT / "rules" / "README.md").read_text(encoding="utf-8")
    keys = set(loader._FILE_KEYS) | set(loader._RULE_KEYS) | set(loader._TEST_KEYS) | set(loader._HTML_RULE_KEYS)
    for kind_keys in [*loader._KIND_KEYS.values(), *loader._HTML_KIND_KEYS.values()]:
        keys |= set(kind_keys)
    keys |= set(loader.TEXT_PHASES) | set(loader.TITLE_MODES) | set(loader.HTML_PHASES)
    missing = sorted(k for k in keys if f"`{k}`" not in doc and f'"{k}"' not in doc)
    assert not missing, f"rules/README.md does not document: {missing}"
