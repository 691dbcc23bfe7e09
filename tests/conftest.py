from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


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
