"""What each output kind costs: a run's records appended to plain JSONL, or
taken in a pending file and merged into .jsonl.gz / .jsonl.zst / .parquet
when the run ends (cleaner/outputs.py), and a rerun that adds 1 % new pages.

    python benchmarks/output_formats.py [--records 100000] [--runs 3] [--corpus ../shared/corpus]

Records are made like the batch's (`batch.jsonl_record` keys, the text of a
dev text-pool page, two removed pieces, a carried field), cycled to
--records. Pinned to one core, per output kind, the median of --runs of:
`write` (the records appended to the pending file, or to the JSONL output),
`merge` (the output written from them; none for plain JSONL), `ids` (the
ids read back at the start of the next run), and `rerun merge` (1 % new
records merged into the full output: the whole output is rewritten). Prints
seconds, microseconds per record and the output size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner.batch import json_line, key_of  # noqa: E402
from cleaner.formats import Output  # noqa: E402
from cleaner.outputs import merge, output_ids, pending_path  # noqa: E402


def make_records(corpus: Path, n: int, start: int = 0) -> list[str]:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted((corpus / "dev" / "text-pool").rglob("*.txt"))]
    lines = []
    for i in range(start, start + n):
        text = texts[i % len(texts)]
        lines.append(json_line({
            "id": f"site{i % 40}.example/page-{i:08d}", "url": f"https://site{i % 40}.example/{i}", "site": f"site{i % 40}.example",
            "layout": None, "text": text, "removed": [{"rule": "GEN-T13", "text": "Baca juga: judul lain"}, {"rule": "GEN-T12", "text": "(abc)"}],
            "fired": {"GEN-T13": 1, "GEN-T12": 1}, "lang": "id",
        }))
    return lines


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})
    print(f"command: {' '.join(sys.argv)}  (pinned to one core)")
    lines = make_records(args.corpus, args.records)
    extra = make_records(args.corpus, max(1, args.records // 100), start=args.records)
    print(f"{len(lines)} records, {sum(map(len, lines)) / 1e6:.0f} MB of JSON; a rerun adds {len(extra)}")
    print(f"{'output':14s} {'write s':>8s} {'merge s':>8s} {'us/rec':>7s} {'ids s':>7s} {'rerun merge s':>14s} {'size MB':>8s}")
    for name, kind, compression in (("out.jsonl", "jsonl", None), ("out.jsonl.gz", "jsonl", "gz"),
                                    ("out.jsonl.zst", "jsonl", "zst"), ("out.parquet", "parquet", None)):
        rows = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="out-bench-") as scratch:
                output = Output(kind, Path(scratch) / name, compression)
                staged = output.staged
                target = pending_path(output.path) if staged else output.path

                def write(batch, target=target):
                    with open(target, "a", encoding="utf-8") as fh:
                        for line in batch:
                            fh.write(line)

                w = timed(lambda: write(lines))
                m = timed(lambda: merge(output, target, keep_old=True, drop=set(), key=key_of)) if staged else 0.0
                if staged:
                    ids = timed(lambda: sum(1 for _ in output_ids(output)))
                else:
                    def read_ids():
                        from cleaner.batch import repair_jsonl_output
                        repair_jsonl_output(output.path)
                    ids = timed(read_ids)
                write(extra)
                r = timed(lambda: merge(output, target, keep_old=True, drop=set(), key=key_of)) if staged else 0.0
                rows.append((w, m, ids, r, output.path.stat().st_size))
        w, m, ids, r, size = (statistics.median(col) for col in zip(*rows))
        print(f"{name:14s} {w:8.2f} {m:8.2f} {(w + m) / len(lines) * 1e6:7.1f} {ids:7.2f} {r:14.2f} {size / 1e6:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
