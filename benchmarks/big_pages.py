#!/usr/bin/env python3
"""Big and deeply nested HTML pages: seconds to clean one page, by size.

The pages are generated here, as tests/test_hostile_pages.py makes them (no
file is read or written):

- ``big``: ``<article>`` holding one paragraph (``P``, 118 bytes) repeated to
  1, 2, 4, 8, 16, 32 and 50 MB (``--sizes``);
- ``nested``: 10k, 50k and 100k ``<div>`` nested around one sentence
  (``--nested``).

Each page is cleaned through two paths (``--paths``):

- ``generic``: ``Cleaner().clean_html(page_bytes)``, shipped rules, no URL,
  so no site: the generic path (global node rules, then trafilatura, or the
  rendered content on a page too big or too deep for it);
- ``site-body``: the same content inside ``<div class="detail_text">``,
  cleaned with ``site="detik.com"``, whose body rule DET-H10 selects that
  div: the body is rendered, no trafilatura.

For each page and path: N timed runs (default 3) of one ``clean_html`` call
on the page bytes (decoding included), in one process pinned to one core
(the first core it may run on: core 1 under `taskset -c 1`); the Cleaner is built and the
pages generated outside the timing. Reports the median, min and max seconds,
the median seconds per MB, and what came out: the extractor, the lines and
characters of the text, and whether the expected text is there (the
paragraph, the nested sentence). Once a page of a path takes more than
``--max-seconds`` (default 120) in its first run, the bigger pages of that
kind and path are not timed (reported as skipped). Exit code 1 if the
expected text is missing from any output.

To time another version of the cleaner (e.g. before a change), run a copy
of this script and _common.py from a folder that holds that version's
cleaner/ and rules/: the script imports the cleaner beside it.

Run from the repo root:  python benchmarks/big_pages.py [--runs 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import platform
import shlex
import statistics
import sys
import time

from _common import REPO_ROOT, pin_one_core, write_json

#: The paragraph of the big page, as in tests/test_hostile_pages.py.
P = "<p>Paragraf berita yang cukup panjang untuk diambil oleh ekstraktor, dengan beberapa kalimat lengkap di dalamnya.</p>\n"
PARAGRAPH = "Paragraf berita yang cukup panjang untuk diambil oleh ekstraktor, dengan beberapa kalimat lengkap di dalamnya."
SENTENCE = "Isi berita di dasar sarang."
#: The site body of the site-body path: detik.com's body rule DET-H10 selects div.detail_text.
SITE, BODY_OPEN, BODY_CLOSE = "detik.com", '<div class="detail_text">', "</div>"

DEFAULT_SIZES = "1,2,4,8,16,32,50"
DEFAULT_NESTED = "10000,50000,100000"
PATHS = ("generic", "site-body")


def big_page(mb: float, site_body: bool) -> bytes:
    """The big page of test_hostile_pages.py (paragraphs to `mb` MB); its
    <article> is the site body element with `site_body`."""
    open_, close = (BODY_OPEN, BODY_CLOSE) if site_body else ("<article>", "</article>")
    paragraphs = P * (int(mb * 1024 * 1024) // len(P))
    return f"<html><head><title>Besar</title></head><body>{open_}{paragraphs}{close}</body></html>".encode()


def nested_page(depth: int, site_body: bool) -> bytes:
    """The nested page of test_hostile_pages.py: `depth` <div> around one
    sentence; inside the site body element with `site_body`."""
    open_, close = (BODY_OPEN, BODY_CLOSE) if site_body else ("", "")
    return f"<html><body>{open_}{'<div>' * depth}{SENTENCE}{'</div>' * depth}{close}</body></html>".encode()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help="big page sizes in MB (default: %(default)s)")
    ap.add_argument("--nested", default=DEFAULT_NESTED, help="nesting depths (default: %(default)s; '' for none)")
    ap.add_argument("--paths", default=",".join(PATHS), help="comma-separated subset of %(default)s")
    ap.add_argument("--runs", "-n", type=int, default=3, help="timed runs per page and path (default: 3)")
    ap.add_argument("--max-seconds", type=float, default=120.0,
                    help="skip the bigger pages of a kind and path after a first run this long (default: 120)")
    ap.add_argument("--no-pin", action="store_true", help="do not pin the process to one core")
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON ('-' = stdout)")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be >= 1")
    paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    if unknown := [p for p in paths if p not in PATHS]:
        ap.error(f"unknown path(s): {', '.join(unknown)}")
    pages = [("big", float(s)) for s in args.sizes.split(",") if s.strip()]
    pages += [("nested", int(d)) for d in args.nested.split(",") if d.strip()]

    log = sys.stderr if args.json == "-" else sys.stdout
    command = "python " + shlex.join(sys.argv)
    pin = "not pinned (--no-pin)" if args.no_pin else pin_one_core()
    print(f"command: {command}", file=log)
    print(f"python {platform.python_version()} ({sys.executable}); {pin}", file=log)
    print(f"{args.runs} timed runs per page and path; pages generated in memory", file=log)

    from cleaner import Cleaner

    cleaner = Cleaner()  # built outside the timing
    print(f"cleaner: working tree at {REPO_ROOT / 'cleaner'}, shipped rules", file=log)
    head = (f"{'page':<14} {'path':<10} {'MB':>6} {'s (median)':>10} {'min':>7} {'max':>7} {'s/MB':>6}  "
            f"{'extractor':<14} {'lines':>7} {'chars':>10}  expected text")
    print(file=log)
    print(head, file=log)
    print("-" * len(head), file=log)

    results: list[dict] = []
    slow: set[tuple[str, str]] = set()  # (kind, path) whose bigger pages are skipped
    for kind, size in pages:
        for path in paths:
            site_body = path == "site-body"
            page = big_page(size, site_body) if kind == "big" else nested_page(size, site_body)
            label = f"{kind} {size:g}" + (" MB" if kind == "big" else "")
            mb = len(page) / 1024 / 1024
            row = {"page": kind, "size": size, "path": path, "bytes": len(page)}
            if (kind, path) in slow:
                row["skipped"] = f"a smaller {kind} page took more than {args.max_seconds:g} s"
                results.append(row)
                print(f"{label:<14} {path:<10} {mb:>6.1f} {'skipped':>10}  ({row['skipped']})", file=log, flush=True)
                continue
            site = SITE if site_body else None
            times = []
            for run in range(args.runs):
                t0 = time.perf_counter()
                result = cleaner.clean_html(page, site=site)
                times.append(time.perf_counter() - t0)
                if run == 0 and times[0] > args.max_seconds:
                    slow.add((kind, path))
                    break
            text = result.text
            expected = PARAGRAPH if kind == "big" else SENTENCE
            median = statistics.median(times)
            row.update(run_seconds=times, median_seconds=median, min_seconds=min(times), max_seconds=max(times),
                       seconds_per_mb=median / mb, extractor=result.extractor, body_rule=result.body_rule,
                       lines_out=text.count("\n") + 1 if text else 0, chars_out=len(text),
                       expected_text_kept=expected in text)
            results.append(row)
            print(f"{label:<14} {path:<10} {mb:>6.1f} {median:>10.2f} {min(times):>7.2f} {max(times):>7.2f} "
                  f"{median / mb:>6.2f}  {result.extractor:<14} {row['lines_out']:>7} {len(text):>10}  "
                  f"{'kept' if row['expected_text_kept'] else 'MISSING'}", file=log, flush=True)
            del page, result, text

    if args.json:
        payload = {"command": command, "python": platform.python_version(), "pinning": pin,
                   "runs": args.runs, "max_seconds": args.max_seconds, "results": results}
        write_json(payload, args.json, log)
    return 0 if all(r.get("expected_text_kept", True) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
