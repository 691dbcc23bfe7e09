#!/usr/bin/env python3
"""Text-mode throughput: cleaner vs jusText, docs/s on the unlabelled text pool.

All <corpus>/dev/text-pool/**/*.txt (337 texts) are read into memory first.
Then, for each system, N timed runs (default 5) clean every text once, in one
process, pinned to one core (the first core it may run on: core 1 under `taskset -c 1`).
The Cleaner is constructed once, outside the timed loop, and called with
path=<relpath under text-pool> so that the site is known; jusText's stoplist is
loaded once before timing. Reports median docs/s over the runs (time.perf_counter)
and the cleaner/jusText ratio.

Run from the repo root:  python benchmarks/text_speed.py [--runs 5]
"""

from __future__ import annotations

import argparse
import platform
import shlex
import statistics
import sys
from pathlib import Path

from _common import DEFAULT_CORPUS, list_texts, load_systems, pin_one_core, read_text, time_runs, write_json

ALL_SYSTEMS = ("cleaner", "justext", "noop")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="corpus root holding dev/text-pool (default: %(default)s)")
    ap.add_argument("--runs", "-n", type=int, default=5, help="timed runs per system (default: 5)")
    ap.add_argument("--warmup", type=int, default=0,
                    help="untimed passes over all texts before the timed runs (default: 0)")
    ap.add_argument("--systems", default="cleaner,justext",
                    help="comma-separated subset of %s (default: cleaner,justext)" % ",".join(ALL_SYSTEMS))
    ap.add_argument("--no-pin", action="store_true", help="do not pin the process to one core")
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON ('-' = stdout)")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be >= 1")

    pool = args.corpus / "dev" / "text-pool"
    if not pool.is_dir():
        print(f"error: {pool} is not a directory (see --corpus)", file=sys.stderr)
        return 2
    docs = [(rel, read_text(p)) for rel, p in list_texts(pool)]
    n_chars = sum(len(t) for _, t in docs)

    log = sys.stderr if args.json == "-" else sys.stdout
    command = "python " + shlex.join(sys.argv)
    pin = "not pinned (--no-pin)" if args.no_pin else pin_one_core()
    print(f"command: {command}", file=log)
    print(f"python {platform.python_version()} ({sys.executable}); {pin}", file=log)
    print(f"texts: {len(docs)} from {pool} ({n_chars / 1e6:.2f} M chars, in memory); "
          f"{args.runs} timed runs, {args.warmup} warm-up", file=log)

    wanted = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in ALL_SYSTEMS]
    if unknown:
        ap.error(f"unknown system(s): {', '.join(unknown)}")

    fns = load_systems(wanted, log)  # Cleaner() and jusText's stoplist set up here, outside the timing
    if not fns:
        print("error: no system could be run", file=sys.stderr)
        return 2

    results = {}
    for name, fn in fns.items():
        try:
            times = time_runs(fn, docs, args.runs, args.warmup)
        except Exception as exc:
            print(f"{name}: failed during timing: {exc!r}", file=log)
            continue
        rates = [len(docs) / t for t in times]
        results[name] = {
            "median_docs_per_s": statistics.median(rates),
            "min_docs_per_s": min(rates),
            "max_docs_per_s": max(rates),
            "median_seconds_per_run": statistics.median(times),
            "run_seconds": times,
        }

    out = log
    print(file=out)
    print(f"{'system':<8} {'docs/s (median)':>16} {'min':>9} {'max':>9} {'ms/doc':>8} {'s/run':>8}", file=out)
    for name, r in results.items():
        print(f"{name:<8} {r['median_docs_per_s']:>16.1f} {r['min_docs_per_s']:>9.1f} "
              f"{r['max_docs_per_s']:>9.1f} {1000 / r['median_docs_per_s']:>8.3f} "
              f"{r['median_seconds_per_run']:>8.3f}", file=out)
    ratio = None
    if "cleaner" in results and "justext" in results:
        ratio = results["cleaner"]["median_docs_per_s"] / results["justext"]["median_docs_per_s"]
        print(f"ratio cleaner/justext (median docs/s): {ratio:.2f}x", file=out)

    if args.json:
        payload = {"command": command, "python": platform.python_version(), "pinning": pin,
                   "texts": len(docs), "chars": n_chars, "runs": args.runs, "warmup": args.warmup,
                   "systems": results, "ratio_cleaner_over_justext": ratio}
        write_json(payload, args.json, log)
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
