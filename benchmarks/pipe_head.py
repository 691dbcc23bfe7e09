"""`cleaner clean IN --format jsonl -o - | head -1`, 20 times in a row.

    python benchmarks/pipe_head.py [--input ../shared/corpus/dev] [--runs 20] [--jobs 2]

Each run pipes the working tree's cleaner into a real `head -1` and records:
the seconds until head has its line (start-up and the first chunk of pages),
the seconds the cleaner takes to exit after head has gone, its exit code
(141 expected: stopped by the closed pipe, as a shell reports a tool SIGPIPE
ended), whether it wrote anything to stderr (a traceback), and whether any of
its worker processes outlived it. Exits 1 if any run misbehaved.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def live_workers(sid: int) -> list[int]:
    """Worker processes (multiprocessing spawn children) still alive in the run's session."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] not in "ZX" and b"spawn_main" in command:
            pids.append(int(entry.name))
    return pids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", default=str(ROOT.parent / "shared" / "corpus" / "dev"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "cleaner", "clean", args.input, "--format", "jsonl", "-o", "-", "--jobs", str(args.jobs)]
    print(f"command: {' '.join(command)} | head -1   ({args.runs} runs)")
    firsts, exits, bad = [], [], 0
    for n in range(1, args.runs + 1):
        started = time.monotonic()
        cleaner = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        head = subprocess.Popen(["head", "-1"], stdin=cleaner.stdout, stdout=subprocess.PIPE)
        cleaner.stdout.close()  # head holds the only reading end
        line = head.communicate(timeout=120)[0]
        head_gone = time.monotonic()
        try:
            stderr = cleaner.communicate(timeout=120)[1]
        except subprocess.TimeoutExpired:
            cleaner.kill()
            stderr = cleaner.communicate()[1] + b" (killed: still running 120 s after head exited)"
        ended = time.monotonic()
        workers = live_workers(cleaner.pid)
        for pid in workers:
            os.kill(pid, 9)
        ok = cleaner.returncode == 141 and not stderr and not workers and line.startswith(b"{")
        bad += not ok
        firsts.append(head_gone - started)
        exits.append(ended - head_gone)
        print(f"run {n:2d}: first line {head_gone - started:5.2f} s, exit {ended - head_gone:5.2f} s after head, "
              f"code {cleaner.returncode}, stderr {len(stderr)} B, workers left {len(workers)}{'' if ok else '  <-- BAD'}")
    print(f"first line: median {statistics.median(firsts):.2f} s; exit after head: median {statistics.median(exits):.2f} s, "
          f"max {max(exits):.2f} s; {args.runs - bad}/{args.runs} runs clean")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
