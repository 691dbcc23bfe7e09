#!/usr/bin/env python3
"""Batch memory: peak RSS of ``cleaner clean --jobs 2`` (parent and workers) on a large input.

Writes N pages (default 100,000) as one JSONL export, streamed to disk
(``{"id", "url", "html"|"text"}`` per line, cycling through the 440 pages
of <corpus>/dev/text, dev/text-pool, dev/html and dev/html-pool; ~40 KB a
page on average, so ~4 GB for 100k pages). Then runs the working tree's
``cleaner clean INPUT -o OUT --format jsonl --jobs 2 --force`` as a
subprocess and, every --interval seconds, reads /proc for the process and
all its descendants (the workers): VmRSS and VmHWM from /proc/PID/status,
Pss from /proc/PID/smaps_rollup. Pages done are counted from the manifest
lines as they are appended. Progress is printed every --progress seconds.

Reported at the end:

- parent peak RSS: VmHWM of the cleaner process at its exit (not ru_maxrss, which Linux carries over the exec from the forking benchmark),
  written by the process itself at exit (= its final VmHWM);
- worker peak RSS: VmHWM of each worker (last poll), their max and sum, and
  getrusage(RUSAGE_CHILDREN).ru_maxrss (the largest single worker, exact);
- tree totals: the sum of the peaks (an upper bound: peaks need not
  coincide, and the pages a forked worker shares with the parent count in
  both), the peak of the sampled sum of VmRSS, and the peak of the sampled
  sum of Pss (shared pages split between the processes: the closest figure
  to what the batch really costs the machine);
- growth: RSS of the parent and of the workers against pages done (at 10 %,
  50 % and 100 % of the run, and a least-squares slope in KB per 10k pages
  over the samples after the first 10 %, when they span >= 10k pages), plus
  the size of a set holding every page id of the input (BatchRun keeps one
  to spot duplicate ids), built here the same way to put a number on it.

``--tracemalloc`` runs the batch in this process instead (BatchRun over
iter_pages, workers forked from here) with tracemalloc on, and prints the
source lines whose live allocations grew most between 10 % of the pages and
the end (the place where the parent's memory grows, if it does) and the
peak of each call of cleaner.batch's whole-file helpers (read_manifest,
repair_jsonl_output, compact_jsonl_output). ``--rerun resume,force`` runs
again on the same output (also traced with ``--tracemalloc``).

Run from the repo root:  python benchmarks/batch_memory.py [--pages 100000] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import linecache
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _common import (DEFAULT_CORPUS, MB, cleaner_cli_argv, print_run_header, list_batch_corpus, mb, read_usage, run_and_watch,
                     write_batch_jsonl)


# --- reporting -----------------------------------------------------------------


def slope_kb_per_10k(points: list[tuple[int, int]]) -> float | None:
    """Least-squares slope of (pages, KB) in KB per 10,000 pages."""
    if len(points) < 3 or points[-1][0] == points[0][0]:
        return None
    n = len(points)
    mx = sum(p for p, _ in points) / n
    my = sum(k for _, k in points) / n
    sxx = sum((p - mx) ** 2 for p, _ in points)
    if sxx == 0:
        return None
    sxy = sum((p - mx) * (k - my) for p, k in points)
    return sxy / sxx * 10_000


def at_fraction(samples: list[dict], total: int, frac: float, key: str) -> int | None:
    target = total * frac
    for s in samples:
        if s["pages"] >= target and s.get(key) is not None:
            return s[key]
    return None


def id_set_size(pages, n: int) -> int:
    """Bytes of a set holding the n page ids (the strings and the table), as BatchRun._seen holds them."""
    from _common import cycle_pages

    ids = {page.page_id(rep) for page, rep in cycle_pages(pages, n)}
    return sys.getsizeof(ids) + sum(sys.getsizeof(i) for i in ids)


def report(res: dict, usage: dict | None, n: int, log) -> dict:
    peaks = res["peaks"]
    parent = [r for r in peaks.values() if r["role"] == "parent"]
    workers = [r for r in peaks.values() if r["role"] == "worker"]
    parent_hwm = (usage or {}).get("parent_maxrss_kb") or (parent[0]["hwm"] if parent else None)
    worker_hwms = [w["hwm"] for w in workers]
    summary = {
        "pages": n, "pages_done": res["pages_done"], "wall_s": res["wall_s"], "returncode": res["returncode"],
        "parent_peak_rss_kb": parent_hwm,
        "worker_peak_rss_kb": worker_hwms,
        "worker_peak_rss_max_kb": max(worker_hwms) if worker_hwms else None,
        "worker_peak_rss_sum_kb": sum(worker_hwms) if worker_hwms else None,
        "rusage_children_maxrss_kb": (usage or {}).get("workers_maxrss_kb"),
        "sum_of_peaks_kb": (parent_hwm or 0) + sum(worker_hwms),
        "peak_sampled_sum_rss_kb": res["max_sum_rss_kb"],
        "peak_sampled_sum_pss_kb": res["max_sum_pss_kb"],
        "parent_cpu_s": (usage or {}).get("parent_cpu_s"),
        "workers_cpu_s": (usage or {}).get("workers_cpu_s"),
    }
    print(f"finished: exit {res['returncode']}, {res['pages_done']} manifest lines for {n} pages in "
          f"{res['wall_s']:.1f}s ({res['pages_done'] / res['wall_s']:.0f} pages/s)", file=log)
    if usage:
        print(f"CPU: parent {usage['parent_cpu_s']:.1f}s, workers {usage['workers_cpu_s']:.1f}s (getrusage)", file=log)
    print(f"parent peak RSS:   {mb(parent_hwm)} (getrusage RUSAGE_SELF ru_maxrss at exit)", file=log)
    print(f"worker peak RSS:   {', '.join(mb(w) for w in worker_hwms) or '-'} (VmHWM, last poll); "
          f"max {mb(summary['worker_peak_rss_max_kb'])}, sum {mb(summary['worker_peak_rss_sum_kb'])}; "
          f"RUSAGE_CHILDREN ru_maxrss {mb(summary['rusage_children_maxrss_kb'])}", file=log)
    print(f"tree: sum of peaks {mb(summary['sum_of_peaks_kb'])} (upper bound); peak of sampled sum: "
          f"RSS {mb(summary['peak_sampled_sum_rss_kb'])}, Pss {mb(summary['peak_sampled_sum_pss_kb'])}", file=log)

    # growth against pages done, over the samples taken while the batch ran
    # (with workers, once they exist and until they exit: the parent's
    # start-up and shutdown are not growth)
    samples = res["samples"]
    for s in samples:
        s["workers_max"] = max(s["workers_rss"]) if s["workers_rss"] else None
    running = [s for s in samples if s["workers_rss"]] if workers else samples
    done = max((s["pages"] for s in running), default=0)
    growth = {}
    if done == 0:  # nothing cleaned (a resume with every page up to date)
        return summary
    for label, key in (("parent", "parent_rss"), ("workers (max)", "workers_max"), ("Pss total", "pss")):
        pts = [(s["pages"], s[key]) for s in running if s.get(key) is not None and s["pages"] >= done * 0.1]
        vals = [at_fraction(running, done, f, key) for f in (0.1, 0.5, 1.0)]
        # a slope over a short stretch only extrapolates noise (in-flight pages come and go)
        slope = slope_kb_per_10k(pts) if pts and pts[-1][0] - pts[0][0] >= 10_000 else None
        growth[label] = {"at_10_50_100_pct_kb": vals, "slope_kb_per_10k_pages": slope}
        print(f"growth {label:<14} at 10% / 50% / 100% of the pages: "
              f"{' / '.join(mb(v) for v in vals)}; least-squares slope "
              f"{'- (needs >= 10k pages)' if slope is None else f'{slope / 1024:+.2f} MB per 10k pages'}", file=log)
    summary["growth"] = growth
    return summary


# --- tracemalloc mode ------------------------------------------------------------


#: BatchRun's helpers that read or rewrite a whole manifest / JSONL output
#: (on start, and when a run ends on an output that already held its pages).
_WHOLE_FILE_HELPERS = ("read_manifest", "repair_jsonl_output", "compact_jsonl_output")


def _wrap_for_peaks(module, names, calls: list, min_mb: float = 1.0):
    """Replace module.<name> by a wrapper that records what each call costs
    (tracemalloc: live memory before, peak during, live after); returns the
    originals. Only the calls whose peak rose by min_mb or more are kept."""
    import tracemalloc

    originals = {}
    for name in names:
        fn = getattr(module, name)
        originals[name] = fn

        def wrapper(*a, __fn=fn, __name=name, **kw):
            before, _ = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            try:
                return __fn(*a, **kw)
            finally:
                after, peak = tracemalloc.get_traced_memory()
                if (peak - before) / MB >= min_mb:
                    arg = str(a[0]) if a else ""
                    calls.append((__name, Path(arg).name, before, peak, after))
        setattr(module, name, wrapper)
    return originals


def run_traced(inp: Path, out: Path, manifest: Path, jobs: int, n: int, top: int, labels: list[str], log) -> None:
    import tracemalloc

    import cleaner.batch as batch
    from cleaner import Cleaner
    from cleaner.batch import BatchOptions, BatchRun
    from cleaner.sources import Fields, iter_pages

    cleaner = Cleaner()
    for label in labels:
        options = BatchOptions(jsonl=out, manifest=manifest, jobs=jobs, force=label != "resume")
        snaps: dict[str, tracemalloc.Snapshot] = {}
        count = 0

        def on_page(entry: dict) -> None:
            nonlocal count
            count += 1
            if count == 1:
                snaps["start"] = tracemalloc.take_snapshot()
                cur, peak = tracemalloc.get_traced_memory()
                print(f"  first page: traced now {cur / MB:.1f} MB, peak so far {peak / MB:.1f} MB", file=log, flush=True)
            if count == max(1, n // 10):
                snaps["10%"] = tracemalloc.take_snapshot()
            if count % 10_000 == 0:
                cur, peak = tracemalloc.get_traced_memory()
                print(f"  {count} pages; traced now {cur / MB:.1f} MB, peak {peak / MB:.1f} MB", file=log, flush=True)

        print(file=log)
        print(f"[{label} run, traced] BatchRun(jobs={jobs}, force={options.force}) over {inp.name} -> {out.name}",
              file=log, flush=True)
        calls: list = []
        originals = _wrap_for_peaks(batch, _WHOLE_FILE_HELPERS, calls)
        tracemalloc.start(5)
        try:
            t0 = time.perf_counter()
            run = BatchRun(cleaner, options, on_page=on_page)
            summary = run.run(iter_pages([str(inp)], Fields()))
            end = tracemalloc.take_snapshot()  # BatchRun and its summary are still alive here
            cur, peak = tracemalloc.get_traced_memory()
        finally:
            for name, fn in originals.items():
                setattr(batch, name, fn)
        print(f"traced: {summary.done} cleaned, {summary.skipped} skipped in {time.perf_counter() - t0:.1f}s "
              f"(tracemalloc slows the parent); live at the end {cur / MB:.1f} MB (peak since the last "
              f"whole-file helper call: {peak / MB:.1f} MB)", file=log)
        for name, arg, before, peak_, after in calls:
            print(f"  {name}({arg}): live {before / MB:.1f} MB before, peak {peak_ / MB:.1f} MB during "
                  f"(+{(peak_ - before) / MB:.1f}), {after / MB:.1f} MB after", file=log)
        for name in ("_seen", "_done", "_manifest_keys", "_jsonl_ids", "_jsonl_failed"):
            obj = getattr(run, name, None)
            if obj is not None:
                size = sys.getsizeof(obj) + sum(sys.getsizeof(k) for k in obj)
                if isinstance(obj, dict):
                    size += sum(sys.getsizeof(v) for v in obj.values())
                print(f"  BatchRun.{name}: {len(obj)} entries, {size / MB:.2f} MB (table + keys + values)", file=log)
        print(f"  summary.failures: {len(summary.failures)} entries", file=log)
        first = snaps.get("10%") or snaps.get("start")
        if first is not None:
            which = "10% of the pages" if "10%" in snaps else "the first page"
            print(f"top {top} source lines by growth of live allocations, {which} -> end:", file=log)
            for stat in end.compare_to(first, "lineno")[:top]:
                frame = stat.traceback[0]
                print(f"  {stat.size_diff / MB:+8.2f} MB {stat.count_diff:+8d} blocks  {frame.filename}:{frame.lineno}"
                      f"  {linecache.getline(frame.filename, frame.lineno).strip()[:90]}", file=log)
            print("the 3 biggest by traceback (innermost frame last):", file=log)
            for stat in end.compare_to(first, "traceback")[:3]:
                print(f"  {stat.size_diff / MB:+8.2f} MB {stat.count_diff:+8d} blocks", file=log)
                for frame in stat.traceback:
                    print(f"      {frame.filename}:{frame.lineno}  "
                          f"{linecache.getline(frame.filename, frame.lineno).strip()[:90]}", file=log)
        if "start" in snaps:
            print("top 5 source lines live at the first page (what the start of the run left):", file=log)
            for stat in snaps["start"].statistics("lineno")[:5]:
                frame = stat.traceback[0]
                print(f"  {stat.size / MB:8.2f} MB {stat.count:8d} blocks  {frame.filename}:{frame.lineno}"
                      f"  {linecache.getline(frame.filename, frame.lineno).strip()[:90]}", file=log)
        tracemalloc.stop()
        del run, summary, end


# --- main ------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="corpus root holding dev/text, dev/text-pool, dev/html, dev/html-pool (default: %(default)s)")
    ap.add_argument("--pages", "-N", type=int, default=100_000, help="pages in the input (default: 100000)")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="cleaner --jobs (default: 2)")
    ap.add_argument("--format", dest="fmt", choices=("jsonl", "txt"), default="jsonl",
                    help="cleaner's output --format (default: jsonl, one output file)")
    ap.add_argument("--quiet", "-q", action="store_true", help="pass -q to cleaner (no progress bar, no summary)")
    ap.add_argument("--interval", type=float, default=0.5, help="seconds between /proc polls (default: 0.5)")
    ap.add_argument("--progress", type=float, default=15.0, help="seconds between progress lines (default: 15)")
    ap.add_argument("--no-pss", action="store_true", help="do not read /proc/PID/smaps_rollup (Pss)")
    ap.add_argument("--limit-mb", type=float, default=300.0, help="the RSS budget to compare with (default: 300)")
    ap.add_argument("--input-file", type=Path, default=None,
                    help="use (or create, if missing) this JSONL input instead of a temporary one; kept")
    ap.add_argument("--tmp", type=Path, default=None, help="folder for the temporary input and outputs")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (input, output, manifest)")
    ap.add_argument("--rerun", default="",
                    help="then run again on the same output and manifest, measured the same way: 'resume' "
                         "(without --force: every page up to date), 'force' (--force: every page redone), "
                         "or both, comma-separated, in that order (default: none)")
    ap.add_argument("--tracemalloc", action="store_true",
                    help="run BatchRun in this process with tracemalloc and print where the parent's memory grows")
    ap.add_argument("--top", type=int, default=12, help="lines printed by --tracemalloc (default: 12)")
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON ('-' = stdout)")
    args = ap.parse_args(argv)
    if args.pages < 1 or args.jobs < 1:
        ap.error("--pages and --jobs must be >= 1")

    log = sys.stderr if args.json == "-" else sys.stdout
    print_run_header(log)
    try:
        pages = list_batch_corpus(args.corpus)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    tmp = Path(tempfile.mkdtemp(prefix="batch_memory_", dir=args.tmp))
    try:
        inp = args.input_file or tmp / "pages.jsonl"
        if inp.is_file():
            print(f"input: {inp} (existing, {inp.stat().st_size / 1e9:.2f} GB; assumed to hold {args.pages} pages)", file=log)
        else:
            t0 = time.perf_counter()
            print(f"writing {args.pages} pages ({len(pages)} corpus pages, {-(-args.pages // len(pages))} copies) "
                  f"to {inp} ...", file=log, flush=True)
            size = write_batch_jsonl(inp, pages, args.pages,
                                     progress=lambda i: print(f"  {i} records written", file=log, flush=True)
                                     if i % 50_000 == 0 else None)
            print(f"input: {inp} ({size / 1e9:.2f} GB, written in {time.perf_counter() - t0:.0f}s)", file=log)
        out = tmp / ("out.jsonl" if args.fmt == "jsonl" else "out")
        manifest = tmp / "manifest.jsonl"

        reruns = [r.strip() for r in args.rerun.split(",") if r.strip()]
        if any(r not in ("resume", "force") for r in reruns):
            ap.error("--rerun takes resume, force or resume,force")
        if args.tracemalloc:
            if args.fmt != "jsonl":
                ap.error("--tracemalloc writes a JSONL output only")
            run_traced(inp, out, manifest, args.jobs, args.pages, args.top, ["first"] + reruns, log)
            return 0
        results, rc = [], 0
        for label in ["first"] + reruns:
            usage_file = tmp / f"usage-{label}.json"
            force = ["--force"] if label != "resume" else []
            cli_args = ["clean", str(inp), "-o", str(out), "--format", args.fmt, "--manifest", str(manifest),
                        "--jobs", str(args.jobs), *force] + (["-q"] if args.quiet else [])
            print(file=log)
            print(f"[{label} run] cleaner {shlex.join(cli_args)}", file=log, flush=True)
            before = manifest.stat().st_size if manifest.is_file() else 0
            if before:
                print(f"  the manifest holds {before / 1e6:.1f} MB from the previous run", file=log)
            res = run_and_watch(cleaner_cli_argv(cli_args, usage_file), manifest, args.pages, args.interval,
                                args.progress, not args.no_pss, tmp / f"stderr-{label}.txt", log, skip_bytes=before)
            tail = (tmp / f"stderr-{label}.txt").read_text(encoding="utf-8", errors="replace").strip().splitlines()
            for line in tail[:2]:
                print(f"  cleaner: {line}", file=log)
            summary = report(res, read_usage(usage_file), args.pages, log)
            summary["run"] = label
            if label == "first":
                seen = id_set_size(pages, args.pages)
                summary["id_set_bytes"] = seen
                print(f"a set of the {args.pages} page ids (as BatchRun._seen keeps them): {seen / MB:.1f} MB", file=log)
            worst = max(summary["parent_peak_rss_kb"] or 0, summary["worker_peak_rss_max_kb"] or 0)
            print(f"budget {args.limit_mb:.0f} MB: largest single process {mb(worst)} "
                  f"({'under' if worst / 1024 < args.limit_mb else 'OVER'}), "
                  f"tree Pss {mb(summary['peak_sampled_sum_pss_kb'])}, tree sum of peaks "
                  f"{mb(summary['sum_of_peaks_kb'])}", file=log)
            results.append({**summary, "samples": res["samples"]})
            rc = rc or (0 if res["returncode"] == 0 else 1)
            if res["returncode"] != 0:
                break
        if args.json:
            payload = json.dumps({"command": sys.argv, "format": args.fmt, "jobs": args.jobs, "pages": args.pages,
                                  "runs": results}, indent=1)
            if args.json == "-":
                sys.stdout.write(payload + "\n")
            else:
                Path(args.json).write_text(payload + "\n", encoding="utf-8")
        return rc
    finally:
        if args.keep:
            print(f"kept: {tmp}", file=log)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
