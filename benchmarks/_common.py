"""Helpers shared by the benchmark scripts (not part of the cleaner package)."""

from __future__ import annotations

import importlib
import json
import logging
import os
import shutil
import sys
import time
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
HtmlFn = Callable[[bytes, str, "str | None"], str]  # extract(page_bytes, relpath, url) -> text

#: HTML-mode system names: the cleaner with the shipped rules (site rules
#: where the path/URL names a known site), the cleaner with the global rules
#: only (always its generic trafilatura path), then the peers.
HTML_SYSTEMS = ("cleaner", "cleaner-generic", "trafilatura", "readability", "justext", "resiliparse")

WCXB_ATTRIBUTION = (
    "generic-dev: WCXB, Web Content eXtraction Benchmark v1.0, Murrough Foley (2026), "
    "CC-BY-4.0 (generic-dev/LICENSE-WCXB); 150 pages of its dev split"
)


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def list_files(root: Path, pattern: str) -> list[tuple[str, Path]]:
    """(posix relpath, path) of every file matching pattern under root, sorted."""
    return [(p.relative_to(root).as_posix(), p) for p in sorted(root.rglob(pattern)) if p.is_file()]


def list_texts(root: Path) -> list[tuple[str, Path]]:
    """(posix relpath, path) of every *.txt under root, sorted."""
    return list_files(root, "*.txt")


def list_pages(root: Path) -> list[tuple[str, Path]]:
    """(posix relpath, path) of every *.html under root, sorted."""
    return list_files(root, "*.html")


def read_url_index(folder: Path) -> dict[str, str]:
    """relpath -> page URL from folder/index.jsonl (entries without a URL left out)."""
    index = folder / "index.jsonl"
    urls: dict[str, str] = {}
    if index.is_file():
        for line in index.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                if rec.get("url"):
                    urls[rec["path"]] = rec["url"]
    return urls


def load_pages(root: Path) -> list[tuple[str, bytes, "str | None"]]:
    """(relpath, page bytes, url or None) for every *.html under root, in memory."""
    urls = read_url_index(root)
    return [(rel, p.read_bytes(), urls.get(rel)) for rel, p in list_pages(root)]


def load_cleaner() -> CleanFn:
    """clean(text, relpath) backed by one ``Cleaner()``, constructed here."""
    from cleaner import Cleaner

    c = Cleaner()

    def clean(text: str, relpath: str) -> str:
        return c.clean(text, path=relpath).text

    return clean


def _ignore_path(fn: Callable[[str], str]) -> CleanFn:
    return lambda text, rel: fn(text)


def _justext_ready(log: TextIO, language: str | None = None) -> bool:
    """Import jusText and load the stoplist before any timing; say why if it fails."""
    import peers

    try:
        import justext  # noqa: F401
    except Exception as exc:
        print(f"justext skipped: import failed: {exc!r} (pip install -e '.[bench]')", file=log)
        return False
    try:
        peers._justext_stoplist(language)  # load the stoplist before timing
    except Exception as exc:
        print(f"justext skipped: {exc!r}", file=log)
        return False
    return True


def generic_rules_dir(dest: Path) -> Path:
    """Copy the working tree's rules/_global.toml (only) into dest; return dest.

    A ``Cleaner([dest], shipped=False)`` then has no site file at all, so
    every page takes the generic path (global node rules, trafilatura, global
    text rules). Copied afresh at every run: rules/ may change between runs.
    """
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO_ROOT / "rules" / "_global.toml", dest / "_global.toml")
    return dest


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
            if not _justext_ready(log):
                continue
            print(f"justext: stoplist {peers.justext_stoplist_name()!r}, default parameters", file=log)
            fns[name] = _ignore_path(peers.justext_text)
        else:
            fns[name] = _ignore_path(peers.PEERS[name])
    return fns


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


_PEER_DISTS = {"trafilatura": "trafilatura", "readability": "readability-lxml",
               "justext": "jusText", "resiliparse": "resiliparse"}


def load_html_systems(names: Iterable[str], log: TextIO, *, justext_language: str,
                      scratch: Path) -> dict[str, HtmlFn]:
    """Map each HTML system name (see ``HTML_SYSTEMS``) to extract(page, relpath, url).

    Everything costly happens here, before any timing: each Cleaner is
    constructed (``cleaner``: ``Cleaner()``, shipped rules, called with
    ``path=relpath``; ``cleaner-generic``: ``Cleaner([scratch/genonly],
    shipped=False)`` over a fresh copy of rules/_global.toml), jusText's
    stoplist (``justext_language``) is loaded, and each peer module is
    imported. A peer whose package is missing is skipped with a message on
    ``log``; one line per system is printed there.
    """
    import peers
    from cleaner import Cleaner

    fns: dict[str, HtmlFn] = {}
    for name in names:
        if name == "cleaner":
            full = Cleaner()
            fns[name] = lambda page, rel, url, c=full: c.clean_html(page, path=rel, url=url).text
            print(f"cleaner: working tree at {REPO_ROOT / 'cleaner'}, shipped rules "
                  f"({len(full.rules.sites)} site files), path=<relpath>", file=log)
        elif name == "cleaner-generic":
            gen = Cleaner([generic_rules_dir(scratch / "genonly_html")], shipped=False)
            fns[name] = lambda page, rel, url, c=gen: c.clean_html(page, path=rel, url=url).text
            print("cleaner-generic: Cleaner([<tmp copy of rules/_global.toml>], shipped=False): "
                  "global rules + trafilatura only", file=log)
        elif name in peers.HTML_PEERS:
            try:
                importlib.import_module(peers.HTML_PEER_MODULES[name])
            except Exception as exc:
                print(f"{name} skipped: import failed: {exc!r} (pip install -e '.[bench]')", file=log)
                continue
            fn = peers.HTML_PEERS[name]
            detail = "default options"
            if name == "readability":
                # readability logs a full traceback for every page it fails
                # on before raising; the failure is reported by the caller.
                logging.getLogger("readability.readability").setLevel(logging.CRITICAL)
            if name == "justext":
                if not _justext_ready(log, justext_language):
                    continue
                fn = fn(justext_language)
                detail = f"stoplist {justext_language!r}, default parameters"
            fns[name] = lambda page, rel, url, f=fn: f(page, url)
            print(f"{name} {_version(_PEER_DISTS[name])}: {detail}", file=log)
        else:
            raise ValueError(f"unknown HTML system {name!r}")
    return fns


# --- reporting ---------------------------------------------------------------


def fmt(x: float) -> str:
    return f"{x:.3f}"


def print_site_table(reports: dict[str, dict], names: list[str], *, label: str,
                     out: TextIO | None = None) -> None:
    """Per-site token F1 / line F1, the systems side by side, then the MACRO row.

    ``reports[name]`` is a ``cleaner.score.Report.to_dict()``. MACRO is the
    mean over all files, as cleaner.score defines it. A last line gives the
    exact-match counts (``label`` names the file set).
    """
    out = out or sys.stdout
    sites = sorted({s for name in names for s in reports[name]["sites"]})
    site_w = max([len("site"), len("MACRO")] + [len(s) for s in sites])
    col_w = 15  # "tokF1  lineF1" per system
    head1 = f"{'':<{site_w}} {'':>3}  " + "  ".join(f"{n:^{col_w}}" for n in names)
    head2 = f"{'site':<{site_w}} {'n':>3}  " + "  ".join(f"{'tokF1':>7}{'lineF1':>8}" for _ in names)
    rule = "-" * len(head2)
    print(head1, file=out)
    print(head2, file=out)
    print(rule, file=out)

    def row(row_label: str, key) -> str:
        first = reports[names[0]]
        agg0 = first["macro"] if key is None else first["sites"].get(key, {})
        cells = []
        for n in names:
            d = reports[n]
            agg = d["macro"] if key is None else d["sites"].get(key)
            cells.append(f"{fmt(agg['token_f1']):>7}{fmt(agg['line_f1']):>8}" if agg else f"{'-':>7}{'-':>8}")
        return f"{row_label:<{site_w}} {agg0.get('n', 0):>3}  " + "  ".join(cells)

    for s in sites:
        print(row(s, s), file=out)
    print(rule, file=out)
    print(row("MACRO", None), file=out)
    exact = "  ".join(f"{n} {reports[n]['macro']['exact']}/{reports[n]['macro']['n']}" for n in names)
    print(f"exact match ({label}): {exact}", file=out)


def print_macro_table(reports: dict[str, dict], names: list[str], *, out: TextIO | None = None) -> None:
    """One row per system: macro token P/R/F1, line P/R/F1 and exact matches."""
    out = out or sys.stdout
    name_w = max([len("system")] + [len(n) for n in names])
    cols = ("token_p", "token_r", "token_f1", "line_p", "line_r", "line_f1")
    heads = ("tokP", "tokR", "tokF1", "lineP", "lineR", "lineF1")
    head = f"{'system':<{name_w}} " + "".join(f"{h:>8}" for h in heads) + f"{'exact':>8}"
    print(head, file=out)
    print("-" * len(head), file=out)
    for n in names:
        m = reports[n]["macro"]
        print(f"{n:<{name_w}} " + "".join(f"{fmt(m[c]):>8}" for c in cols)
              + f"{str(m['exact']) + '/' + str(m['n']):>8}", file=out)


# --- timing ------------------------------------------------------------------


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {0})
            return "pinned to core 0 (os.sched_setaffinity(0, {0}))"
        except OSError as exc:
            return f"not pinned: sched_setaffinity failed: {exc}"
    return "not pinned: os.sched_setaffinity unavailable on this platform"


def time_runs(fn, docs: list[tuple[str, str]], runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        for rel, text in docs:
            fn(text, rel)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for rel, text in docs:
            fn(text, rel)
        times.append(time.perf_counter() - t0)
    return times
