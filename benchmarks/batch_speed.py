#!/usr/bin/env python3
"""Batch throughput: pages/s of ``cleaner clean`` with 1 and 2 worker processes.

Builds an input of N pages (default 2000) in a temporary folder by cycling
through the 440 pages of <corpus>/dev/text, dev/text-pool, dev/html and
dev/html-pool (K = ceil(N / 440) copies, the last one partial, every copy
with distinct ids), as one JSONL export (``{"id", "url", "html"|"text"}``
per line), as a folder tree of .txt/.html files, or both. Then runs
``cleaner clean INPUT -o OUT --jobs J --force`` (the working tree's CLI, as
a subprocess) for each J in --jobs (default 1,2), R times each (default 3,
runs interleaved), and reports the median pages/s and the speedup of every
J over the first one (goal of the issue: >= 1.8x for 2 vs 1 workers).

Two rates per run: ``wall`` (N / the subprocess's wall time: interpreter
start, imports and rule loading included) and ``batch`` (N / the seconds
the CLI prints in its summary line, i.e. without the start-up; 0.1 s
resolution). ``--inprocess`` times ``BatchRun(...).run(iter_pages(...))`` in
this process instead (perf_counter, no start-up, no progress bar).

Run from the repo root:  python benchmarks/batch_speed.py [--pages 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import (DEFAULT_CORPUS, cleaner_cli_argv, list_batch_corpus, read_usage, write_batch_jsonl,
                     write_batch_tree)

SUMMARY_RE = re.compile(r"cleaned (\d+) page\(s\) in ([\d.]+)s.*?(\d+) failed")
GOAL = 1.8


def build_inputs(kinds: list[str], tmp: Path, corpus: Path, n: int, log) -> dict[str, Path]:
    pages = list_batch_corpus(corpus)
    html = sum(1 for p in pages if p.kind == "html")
    print(f"corpus: {len(pages)} pages ({len(pages) - html} text, {html} HTML) from {corpus}/"
          f"{{dev/text,dev/text-pool,dev/html,dev/html-pool}}; {n} pages = "
          f"{math.ceil(n / len(pages))} copies (the last one partial)", file=log)
    inputs: dict[str, Path] = {}
    for kind in kinds:
        t0 = time.perf_counter()
        if kind == "jsonl":
            path = tmp / "input" / "pages.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            size = write_batch_jsonl(path, pages, n)
        else:
            path = tmp / "input" / "tree"
            size = write_batch_tree(path, pages, n)
        inputs[kind] = path
        print(f"input {kind}: {path} ({size / 1e6:.1f} MB, built in {time.perf_counter() - t0:.1f}s)", file=log)
    return inputs


def run_cli(inp: Path, out: Path, jobs: int, fmt: str, quiet: bool) -> dict:
    args = ["clean", str(inp), "-o", str(out), "--jobs", str(jobs), "--force", "--format", fmt]
    if quiet:
        args.append("-q")
    env = dict(os.environ, COLUMNS="250")  # keep rich from wrapping the summary line
    usage_file = out.parent / (out.name + ".usage.json")
    t0 = time.perf_counter()
    proc = subprocess.run(cleaner_cli_argv(args, usage_file), capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"cleaner exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    res = {"wall_s": wall, "batch_s": None, "done": None, "failed": None, "usage": read_usage(usage_file)}
    usage_file.unlink(missing_ok=True)
    m = SUMMARY_RE.search(proc.stderr)
    if m:
        res.update(done=int(m.group(1)), batch_s=float(m.group(2)), failed=int(m.group(3)))
    return res


def run_inprocess(inp: Path, out: Path, jobs: int, fmt: str) -> dict:
    from cleaner import Cleaner
    from cleaner.batch import BatchOptions, BatchRun
    from cleaner.sources import Fields, iter_pages

    cleaner = Cleaner()  # outside the timing, as the CLI loads rules before its clock starts
    if fmt == "txt":
        options = BatchOptions(out_dir=out, manifest=out / ".cleaner-manifest.jsonl", jobs=jobs, force=True)
    else:
        options = BatchOptions(jsonl=out, manifest=Path(str(out) + ".manifest.jsonl"), jobs=jobs, force=True)
    t0 = time.perf_counter()
    c0 = time.process_time()
    summary = BatchRun(cleaner, options).run(iter_pages([str(inp)], Fields()))
    seconds = time.perf_counter() - t0
    usage = {"parent_cpu_s": time.process_time() - c0, "workers_cpu_s": None}  # workers: not reaped by us
    return {"wall_s": seconds, "batch_s": seconds, "done": summary.done, "failed": summary.failed, "usage": usage}


def startup_cost(tmp: Path, page: Path) -> dict | None:
    """Wall and CPU seconds of ``cleaner clean <one page>`` (to stdout): the
    fixed cost in every wall-time rate (interpreter, imports, rules)."""
    usage_file = tmp / "startup.usage.json"
    t0 = time.perf_counter()
    proc = subprocess.run(cleaner_cli_argv(["clean", str(page)], usage_file), capture_output=True)
    wall = time.perf_counter() - t0
    usage = read_usage(usage_file)
    if proc.returncode != 0 or usage is None:
        return None
    return {"wall_s": wall, "cpu_s": usage["parent_cpu_s"]}


def profile_parent(inp: Path, out: Path, jobs: int, fmt: str, top: int, log) -> None:
    """CPU profile of the parent process of an in-process batch (workers are
    not profiled): cProfile with time.process_time, so time spent waiting or
    descheduled does not count."""
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile(time.process_time)
    prof.enable()
    try:
        res = run_inprocess(inp, out, jobs, fmt)
    finally:
        prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    total = sum(t[2] for t in stats.stats.values())  # tottime summed = CPU seconds profiled
    stats.sort_stats("tottime").print_stats(top)
    print(f"parent CPU profile, --jobs {jobs} (in-process, {res['done']} pages, {total:.2f} CPU s in "
          f"Python-visible functions; top {top} by own CPU time):", file=log)
    lines = buf.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), 0)
    for line in lines[start:]:
        if line.strip():
            print("  " + line.rstrip()[:150], file=log)
    if out.is_dir():
        shutil.rmtree(out)
    else:
        out.unlink(missing_ok=True)
        Path(str(out) + ".manifest.jsonl").unlink(missing_ok=True)


def wait_for_load(max_load: float, max_wait: float, log) -> None:
    t0 = time.monotonic()
    while os.getloadavg()[0] > max_load and time.monotonic() - t0 < max_wait:
        time.sleep(5)
    if os.getloadavg()[0] > max_load:
        print(f"  (load average still {os.getloadavg()[0]:.2f} after {max_wait:.0f}s; running anyway)", file=log)


def cpu_bound_speedup(res: dict, j: int, base: int, cores: int) -> float | None:
    """The speedup the CPU seconds alone predict on an otherwise idle machine:
    a run cannot take less than the parent's CPU time, the workers' CPU time
    spread over J workers, or all of it spread over the cores."""
    p0, w0 = res[base]["parent_cpu_s"], res[base]["workers_cpu_s"] or 0.0
    p, w = res[j]["parent_cpu_s"], res[j]["workers_cpu_s"] or 0.0
    if p0 is None or p is None:
        return None
    def floor(p: float, w: float, jobs: int) -> float:
        return max(p, w / jobs, (p + w) / min(cores, jobs + (1 if jobs > 1 else 0)))
    return floor(p0, w0, base) / floor(p, w, j)


def _median_of(runs: list[dict], key: str) -> float | None:
    values = [r["usage"][key] for r in runs if r.get("usage") and r["usage"].get(key) is not None]
    return statistics.median(values) if values else None


def _fmt_s(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="corpus root holding dev/text, dev/text-pool, dev/html, dev/html-pool (default: %(default)s)")
    ap.add_argument("--pages", "-N", type=int, default=2000, help="pages in the input (default: 2000)")
    ap.add_argument("--runs", "-n", type=int, default=3, help="timed runs per worker count (default: 3)")
    ap.add_argument("--jobs", default="1,2", help="comma-separated --jobs values to time (default: 1,2)")
    ap.add_argument("--input", choices=("jsonl", "tree", "both"), default="both",
                    help="input form: one JSONL export, a folder tree, or both (default: both)")
    ap.add_argument("--format", dest="fmt", choices=("txt", "jsonl"), default="txt",
                    help="cleaner's output --format (default: txt, a mirrored tree)")
    ap.add_argument("--quiet", "-q", action="store_true",
                    help="pass -q to cleaner (no progress bar; then only the wall rate is known)")
    ap.add_argument("--inprocess", action="store_true",
                    help="time BatchRun in this process instead of the CLI as a subprocess")
    ap.add_argument("--profile", action="store_true",
                    help="also profile the parent's CPU time (cProfile, process_time) in one in-process run per "
                         "--jobs value on the first input, and print the top functions")
    ap.add_argument("--max-load", type=float, default=None,
                    help="before each run, wait (up to --max-wait s) until the 1-minute load average is at most this")
    ap.add_argument("--max-wait", type=float, default=300.0, help="longest wait for --max-load (default: 300 s)")
    ap.add_argument("--tmp", type=Path, default=None, help="folder for the input and outputs (default: a temp dir)")
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON ('-' = stdout)")
    args = ap.parse_args(argv)
    if args.runs < 1 or args.pages < 1:
        ap.error("--runs and --pages must be >= 1")
    try:
        jobs_list = [int(j) for j in args.jobs.split(",") if j.strip()]
    except ValueError:
        ap.error("--jobs takes integers, e.g. 1,2")
    kinds = ["jsonl", "tree"] if args.input == "both" else [args.input]

    log = sys.stderr if args.json == "-" else sys.stdout
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    print(f"command: python {shlex.join(sys.argv)}", file=log)
    print(f"python {platform.python_version()} ({sys.executable}); {os.cpu_count()} CPUs, "
          f"{affinity} usable; load average {os.getloadavg()[0]:.2f}", file=log)
    mode = "in-process BatchRun" if args.inprocess else (
        "subprocess: cleaner clean INPUT -o OUT --jobs J --force --format " + args.fmt + (" -q" if args.quiet else ""))
    print(f"mode: {mode}; {args.runs} runs per --jobs value, interleaved", file=log)

    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="batch_speed_", dir=args.tmp) as tmp_s:
        tmp = Path(tmp_s)
        try:
            inputs = build_inputs(kinds, tmp, args.corpus, args.pages, log)
        except FileNotFoundError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if not args.inprocess:
            one = next(p.path for p in list_batch_corpus(args.corpus) if p.kind == "text")
            startup = startup_cost(tmp, one)
            if startup:
                results["startup"] = startup
                print(f"start-up (cleaner clean on one text page): {startup['wall_s']:.2f}s wall, "
                      f"{startup['cpu_s']:.2f}s CPU; it is in every wall time and parent CPU figure below", file=log)
        for kind, inp in inputs.items():
            runs: dict[int, list[dict]] = {j: [] for j in jobs_list}
            for r in range(args.runs):
                for j in jobs_list:
                    if args.max_load is not None:
                        wait_for_load(args.max_load, args.max_wait, log)
                    load = os.getloadavg()[0]
                    out = tmp / "out" / (f"{kind}-j{j}-r{r}" + (".jsonl" if args.fmt == "jsonl" else ""))
                    res = run_inprocess(inp, out, j, args.fmt) if args.inprocess else run_cli(inp, out, j, args.fmt, args.quiet)
                    if res["done"] is not None and (res["done"] != args.pages or res["failed"]):
                        print(f"warning: {kind} --jobs {j} run {r + 1}: cleaned {res['done']} of "
                              f"{args.pages} pages, {res['failed']} failed", file=log)
                    res["load_before"] = load
                    runs[j].append(res)
                    batch = f"{res['batch_s']:.2f}s" if res["batch_s"] is not None else "-"
                    u = res["usage"] or {}
                    cpu = f"; CPU parent {u['parent_cpu_s']:.2f}s" if u.get("parent_cpu_s") is not None else ""
                    cpu += f", workers {u['workers_cpu_s']:.2f}s" if u.get("workers_cpu_s") is not None else ""
                    print(f"  {kind} --jobs {j} run {r + 1}: wall {res['wall_s']:.2f}s, batch {batch}{cpu}; "
                          f"load average before {load:.2f}", file=log)
                    # outputs are not kept: the next run starts from an empty folder
                    if out.is_dir():
                        shutil.rmtree(out)
                    else:
                        out.unlink(missing_ok=True)
                        Path(str(out) + ".manifest.jsonl").unlink(missing_ok=True)
            results[kind] = {}
            for j, rs in runs.items():
                walls = [args.pages / r["wall_s"] for r in rs]
                batches = [args.pages / r["batch_s"] for r in rs if r["batch_s"]]
                results[kind][j] = {
                    "wall_pages_per_s": statistics.median(walls),
                    "wall_min": min(walls), "wall_max": max(walls),
                    "batch_pages_per_s": statistics.median(batches) if batches else None,
                    "parent_cpu_s": _median_of(rs, "parent_cpu_s"),
                    "workers_cpu_s": _median_of(rs, "workers_cpu_s"),
                    "runs": rs,
                }

        if args.profile:
            kind, inp = next(iter(inputs.items()))
            for j in jobs_list:
                print(file=log)
                profile_parent(inp, tmp / "out" / (f"profile-j{j}" + (".jsonl" if args.fmt == "jsonl" else "")),
                               j, args.fmt, 18, log)

    base = jobs_list[0]
    cores = affinity or 1
    for kind, res in results.items():
        if kind == "startup":
            continue
        print(file=log)
        print(f"{kind} input, {args.pages} pages, output --format {args.fmt}", file=log)
        print(f"{'--jobs':>6} {'wall pages/s':>13} {'min':>7} {'max':>7} {'speedup':>8}"
              f" {'batch pages/s':>14} {'speedup':>8} {'CPU s parent':>13} {'workers':>8}", file=log)
        for j, r in res.items():
            sp_w = r["wall_pages_per_s"] / res[base]["wall_pages_per_s"]
            bp = r["batch_pages_per_s"]
            bp0 = res[base]["batch_pages_per_s"]
            sp_b = bp / bp0 if bp and bp0 else None
            r["wall_speedup"], r["batch_speedup"] = sp_w, sp_b
            print(f"{j:>6} {r['wall_pages_per_s']:>13.1f} {r['wall_min']:>7.1f} {r['wall_max']:>7.1f} "
                  f"{sp_w:>7.2f}x {bp if bp else float('nan'):>14.1f} "
                  f"{(f'{sp_b:.2f}x' if sp_b else '-'):>8} {_fmt_s(r['parent_cpu_s']):>13} "
                  f"{_fmt_s(r['workers_cpu_s']):>8}", file=log)
        if not args.inprocess:
            for j in jobs_list[1:]:
                est = cpu_bound_speedup(res, j, base, cores)
                res[j]["cpu_bound_speedup"] = est
                if est is not None:
                    print(f"--jobs {j} vs {base}: {est:.2f}x predicted from the CPU seconds on an idle "
                          f"{cores}-core machine (wall >= max(parent CPU, workers CPU / J, all CPU / cores))",
                          file=log)
        if 1 in res and 2 in res:
            sp = res[2]["batch_speedup"] or res[2]["wall_speedup"]
            verdict = "meets" if sp >= GOAL else "misses"
            print(f"2 vs 1 workers: {sp:.2f}x ({'batch' if res[2]['batch_speedup'] else 'wall'} rate) "
                  f"{verdict} the >= {GOAL}x goal", file=log)

    if args.json:
        payload = json.dumps({"command": sys.argv, "pages": args.pages, "format": args.fmt,
                              "inprocess": args.inprocess, "results": results}, indent=2)
        if args.json == "-":
            sys.stdout.write(payload + "\n")
        else:
            Path(args.json).write_text(payload + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
