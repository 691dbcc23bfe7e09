"""Helpers shared by the benchmark scripts (not part of the cleaner package)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Iterable, TextIO

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
DEFAULT_CORPUS = (REPO_ROOT / ".." / "shared" / "corpus").resolve()
DEFAULT_SEEDS = (REPO_ROOT / ".." / "shared" / "seeds").resolve()

# Measure the working tree's cleaner, not whatever version may be pip-installed.
for _p in (str(BENCH_DIR), str(REPO_ROOT)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

CleanFn = Callable[[str, str], str]  # clean(text, relpath) -> cleaned text


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def list_texts(root: Path) -> list[tuple[str, Path]]:
    """(posix relpath, path) of every *.txt under root, sorted."""
    return [(p.relative_to(root).as_posix(), p) for p in sorted(root.rglob("*.txt")) if p.is_file()]


def load_cleaner() -> CleanFn:
    """clean(text, relpath) backed by one ``Cleaner()``, constructed here."""
    from cleaner import Cleaner

    c = Cleaner()

    def clean(text: str, relpath: str) -> str:
        return c.clean(text, path=relpath).text

    return clean


def _ignore_path(fn: Callable[[str], str]) -> CleanFn:
    return lambda text, rel: fn(text)


def load_systems(names: Iterable[str], log: TextIO) -> dict[str, CleanFn]:
    """Map each ``--systems`` name to a clean(text, relpath) callable, in order.

    Names are "cleaner" or a key of ``peers.PEERS``. Everything costly is done
    here, before any timing: the Cleaner is constructed and jusText's stoplist
    is loaded. jusText is an optional extra; if it cannot be loaded it is
    skipped with a message on ``log`` (one line per system is printed there).
    """
    import peers

    fns: dict[str, CleanFn] = {}
    for name in names:
        if name == "cleaner":
            fns[name] = load_cleaner()
            print("cleaner: working tree at " + str(REPO_ROOT / "cleaner"), file=log)
        elif name == "justext":
            try:
                import justext  # noqa: F401
            except Exception as exc:
                print(f"justext skipped: import failed: {exc!r} (pip install -e '.[bench]')", file=log)
                continue
            try:
                peers._justext_stoplist()  # load the stoplist before timing
            except Exception as exc:
                print(f"justext skipped: {exc!r}", file=log)
                continue
            print(f"justext: stoplist {peers.justext_stoplist_name()!r}, default parameters", file=log)
            fns[name] = _ignore_path(peers.justext_text)
        else:
            fns[name] = _ignore_path(peers.PEERS[name])
    return fns
