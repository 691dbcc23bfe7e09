#!/usr/bin/env python3
"""HTML-mode throughput: cleaner (site rules / generic path) vs plain trafilatura.

The pages of <corpus>/dev/html (22 labelled Indonesian news pages; with
``--set pool`` the 47 tribunnews pages of <corpus>/dev/html-pool, the site
path's yardstick; with ``--set generic-dev`` the 150 WCXB pages of
<corpus>/generic-dev/html; ``--set all`` all three) are read into memory as bytes first. Then, for each
system, N timed runs (default 5) extract every page once, in one process,
pinned to one core (the first core it may run on: core 1 under `taskset -c 1`); within a
run the systems go one after the other, and the time ratios are medians of
the per-run ratios, so a drift in the machine's speed hits both sides. Systems:

- ``cleaner``: ``Cleaner().clean_html(page, path=relpath)``, shipped rules, so
  a site body rule applies where the site has one;
- ``cleaner-generic``: a Cleaner over a fresh copy of rules/_global.toml only
  (``shipped=False``), so every page takes the generic trafilatura path;
- ``trafilatura``: ``trafilatura.extract(page, output_format="txt")``, defaults;
- ``trafilatura-precision`` (only when named in ``--systems``): the same with
  ``favor_precision=True``.

Every system gets the page bytes and decodes them itself. The Cleaners are
constructed once, outside the timed loop. Reports median pages/s
(time.perf_counter) and the time ratios cleaner/trafilatura,
cleaner-generic/trafilatura (and trafilatura-precision/trafilatura), each the
median of the per-run ratios (< 1 = faster).

Run from the repo root:  python benchmarks/html_speed.py [--runs 5] [--set all]
"""

from __future__ import annotations

import argparse
import platform
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import DEFAULT_CORPUS, HTML_SYSTEMS, load_html_systems, load_pages, pin_one_core, write_json

SETS = {"dev": "dev/html", "pool": "dev/html-pool", "generic-dev": "generic-dev/html"}
DEFAULT_SYSTEMS = ("cleaner", "cleaner-generic", "trafilatura")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="corpus root holding dev/html and generic-dev/html (default: %(default)s)")
    ap.add_argument("--set", choices=(*SETS, "all"), default="dev",
                    help="page set(s) to time: dev (the 22 labelled news pages), pool (the 47 tribunnews "
                    "pages of dev/html-pool), generic-dev (150 WCXB pages) or all (default: dev)")
    ap.add_argument("--runs", "-n", type=int, default=5, help="timed runs per system (default: 5)")
    ap.add_argument("--warmup", type=int, default=0,
                    help="untimed passes over all pages before the timed runs (default: 0)")
    ap.add_argument("--systems", default=",".join(DEFAULT_SYSTEMS),
                    help="comma-separated subset of %s (default: %s)"
                    % (",".join(HTML_SYSTEMS), ",".join(DEFAULT_SYSTEMS)))
    ap.add_argument("--no-pin", action="store_true", help="do not pin the process to one core")
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON ('-' = stdout)")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be >= 1")
    wanted = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in HTML_SYSTEMS]
    if unknown:
        ap.error(f"unknown system(s): {', '.join(unknown)}")

    sets = list(SETS) if args.set == "all" else [args.set]
    page_sets: dict[str, list] = {}
    for name in sets:
        folder = args.corpus / SETS[name]
        if not folder.is_dir():
            print(f"error: {folder} is not a directory (see --corpus)", file=sys.stderr)
            return 2
        # The page URL is not passed, as with the dev pages (index.jsonl has
        # none for them): each system sees only the bytes and the relpath.
        page_sets[name] = [(rel, page, None) for rel, page, _ in load_pages(folder)]

    log = sys.stderr if args.json == "-" else sys.stdout
    command = "python " + shlex.join(sys.argv)
    pin = "not pinned (--no-pin)" if args.no_pin else pin_one_core()
    print(f"command: {command}", file=log)
    print(f"python {platform.python_version()} ({sys.executable}); {pin}", file=log)
    for name, pages in page_sets.items():
        print(f"{name}: {len(pages)} pages from {args.corpus / SETS[name]} "
              f"({sum(len(p) for _, p, _ in pages) / 1e6:.2f} MB, in memory as bytes)", file=log)
    print(f"{args.runs} timed runs, {args.warmup} warm-up", file=log)

    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="html_speed_") as tmp:
        # Cleaners constructed (and trafilatura imported) here, outside the timing.
        # No jusText here, so its stoplist choice does not matter.
        fns = load_html_systems(wanted, log, justext_language="English", scratch=Path(tmp))
        if not fns:
            print("error: no system could be run", file=sys.stderr)
            return 2
        for set_name, pages in page_sets.items():
            results[set_name] = _time_interleaved(fns, pages, args.runs, args.warmup, log)

    ratios: dict = {}
    for set_name, res in results.items():
        print(file=log)
        print(f"{set_name} ({len(page_sets[set_name])} pages)", file=log)
        print(f"{'system':<21} {'pages/s (median)':>17} {'min':>8} {'max':>8} {'ms/page':>9} {'s/run':>8}", file=log)
        for name, r in res.items():
            print(f"{name:<21} {r['median_pages_per_s']:>17.1f} {r['min_pages_per_s']:>8.1f} "
                  f"{r['max_pages_per_s']:>8.1f} {1000 / r['median_pages_per_s']:>9.2f} "
                  f"{r['median_seconds_per_run']:>8.3f}", file=log)
        ratios[set_name] = {}
        if "trafilatura" in res:
            base = res["trafilatura"]["run_seconds"]
            for name in ("cleaner", "cleaner-generic", "trafilatura-precision"):
                if name in res:
                    # Run i of every system ran back to back: the ratio of each
                    # run is taken under the same machine load, then the median.
                    ratio = statistics.median(t / b for t, b in zip(res[name]["run_seconds"], base))
                    ratios[set_name][f"{name}/trafilatura"] = ratio
                    print(f"time ratio {name}/trafilatura (median of the per-run ratios): {ratio:.3f} "
                          f"({1 / ratio:.2f}x the pages/s)", file=log)

    if args.json:
        payload = {"command": command, "python": platform.python_version(), "pinning": pin,
                   "pages": {k: len(v) for k, v in page_sets.items()}, "runs": args.runs,
                   "warmup": args.warmup, "results": results, "time_ratios": ratios}
        write_json(payload, args.json, log)
    return 0 if any(results.values()) else 1


def _time_interleaved(fns: dict, pages: list, runs: int, warmup: int, log) -> dict:
    """Each run times one pass of every system over the pages, one system
    after the other, so that the systems of a run share the machine's state
    of the moment (a shared VM's speed drifts by tens of percent)."""
    docs = [(rel, page) for rel, page, _ in pages]
    for _ in range(warmup):
        for fn in fns.values():
            for rel, page in docs:
                fn(page, rel, None)
    times: dict[str, list[float]] = {name: [] for name in fns}
    failed: set[str] = set()
    for _ in range(runs):
        for name, fn in fns.items():
            if name in failed:
                continue
            try:
                t0 = time.perf_counter()
                for rel, page in docs:
                    fn(page, rel, None)
                times[name].append(time.perf_counter() - t0)
            except Exception as exc:
                print(f"{name}: failed during timing: {exc!r}", file=log)
                failed.add(name)
    results = {}
    for name, run_times in times.items():
        if name in failed or not run_times:
            continue
        rates = [len(pages) / t for t in run_times]
        results[name] = {
            "median_pages_per_s": statistics.median(rates),
            "min_pages_per_s": min(rates),
            "max_pages_per_s": max(rates),
            "median_seconds_per_run": statistics.median(run_times),
            "run_seconds": run_times,
        }
    return results


if __name__ == "__main__":
    sys.exit(main())
