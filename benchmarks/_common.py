"""Helpers shared by the benchmark scripts (not part of the cleaner package)."""

from __future__ import annotations

import importlib.util
import sys
import traceback
from pathlib import Path
from typing import Callable

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
DEFAULT_CORPUS = (REPO_ROOT / ".." / "shared" / "corpus").resolve()
DEFAULT_SEEDS = (REPO_ROOT / ".." / "shared" / "seeds").resolve()

# Measure the working tree's cleaner, not whatever version may be pip-installed.
for _p in (str(BENCH_DIR), str(REPO_ROOT)):
    if _p not in sys.path:
        sys.path.insert(0, _p)


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def list_texts(root: Path) -> list[tuple[str, Path]]:
    """(posix relpath, path) of every *.txt under root, sorted."""
    return [(p.relative_to(root).as_posix(), p) for p in sorted(root.rglob("*.txt")) if p.is_file()]


def load_cleaner() -> tuple[Callable[[str, str], str] | None, str]:
    """Return (clean(text, relpath) -> str, note), or (None, reason) if unavailable."""
    try:
        from cleaner import Cleaner  # type: ignore[attr-defined]
    except Exception as exc:  # ImportError, or a half-written package
        return None, f"cleaner skipped: `from cleaner import Cleaner` failed: {exc!r}"
    try:
        c = Cleaner()
    except Exception as exc:
        return None, f"cleaner skipped: Cleaner() failed: {exc!r}"

    def clean(text: str, relpath: str) -> str:
        return c.clean(text, path=relpath).text

    return clean, "cleaner: working tree at " + str(REPO_ROOT / "cleaner")


def load_score_dirs():
    """cleaner.score.score_dirs, or None if cleaner/score.py is missing.

    If the package's __init__ cannot be imported (e.g. mid-edit), score.py is
    loaded directly from the working tree: it is still the project's scorer.
    """
    try:
        from cleaner.score import score_dirs  # type: ignore

        return score_dirs
    except Exception:
        path = REPO_ROOT / "cleaner" / "score.py"
        if not path.is_file():
            return None
        try:
            spec = importlib.util.spec_from_file_location("_bench_cleaner_score", path)
            mod = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = mod  # dataclasses need the module registered
            spec.loader.exec_module(mod)
            return getattr(mod, "score_dirs", None)
        except Exception:
            traceback.print_exc()
            return None
