#!/usr/bin/env python3
"""Templates learned from a batch (`cleaner clean --learn`), measured on pages
they were not learned from.

Learn from k pages of the unlabelled tribunnews pool (<corpus>/dev/html-pool,
47 pages of 2024), site rules off (so the learned file is all the site
knowledge there is), and score the 11 labelled tribunnews pages of
<corpus>/dev/html (none of them in the pool) with the learned rules: token
and line F1, mean over the pages, for

- k = 2, 3, 4, 6, 8, 12, 16, 24, 32 and all 47 pool pages, several draws of
  k pages each (a fixed seed per draw): how many pages a site needs in a
  batch (learn.MIN_PAGES) and how many are worth keeping (PAGES_PER_SITE);
- min_share = 0.1, 0.2, 0.3, 0.5 on all 47 pages: the support a repeated
  line or node needs (learn.MIN_SHARE);
- with nothing learned (the generic path) and with the shipped site rules,
  for reference.

With ``--timing N``, also the time of a whole `cleaner clean` run with
`--learn` against the same run without it (N runs of each, alternated, the
median of the per-pair ratios), the CLI's own wall clock from outside: on the
tribunnews pool with `--no-site-rules` (the site is learned), and on the 150
generic-dev pages with the shipped rules (133 sites, none with enough pages:
the learning pass only groups and counts).

Run from the repo root:  python benchmarks/learn.py [--draws 5] [--timing 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import subprocess

from _common import DEFAULT_CORPUS, cleaner_cli_argv, fmt, load_pages, write_json

from cleaner import Cleaner
from cleaner.learn import learn_batch
from cleaner.page import Page
from cleaner.score import score_text

SITE = "tribunnews.com"
SIZES = (2, 3, 4, 6, 8, 12, 16, 24, 32)
SHARES = (0.1, 0.2, 0.3, 0.5)


def pool_pages(corpus: Path) -> list[Page]:
    return [Page(data, kind="html", id=f"{SITE}/{Path(rel).stem}", source=rel, url=url)
            for rel, data, url in load_pages(corpus / "dev" / "html-pool" / SITE)]


def labelled(corpus: Path) -> list[tuple[bytes, str]]:
    gold = corpus / "dev" / "html-gold" / SITE
    return [(data, (gold / Path(rel).with_suffix(".txt")).read_text(encoding="utf-8"))
            for rel, data, _ in load_pages(corpus / "dev" / "html" / SITE)]


def score(cleaner: Cleaner, pages: list[tuple[bytes, str]]) -> tuple[float, float, int]:
    scores = [score_text(cleaner.clean_html(data, site=SITE).text, gold) for data, gold in pages]
    return (statistics.mean(s.token_f1 for s in scores), statistics.mean(s.line_f1 for s in scores),
            sum(s.exact for s in scores))


def learned_score(pool: list[Page], tests: list[tuple[bytes, str]], scratch: Path, **options) -> tuple[float, float, int, float]:
    """Learn from `pool` (site rules off), score the labelled pages; and the seconds the learning took."""
    generic = Cleaner(site_rules=False)
    folder = scratch / hashlib.blake2b(repr(sorted(p.id for p in pool)).encode() + repr(options).encode(), digest_size=6).hexdigest()
    started = time.perf_counter()
    learn_batch(pool, generic, folder, min_pages=1, **options)
    seconds = time.perf_counter() - started
    return (*score(Cleaner(site_rules=False, learned=[folder]), tests), seconds)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--draws", type=int, default=5, help="draws of k pool pages per size (default: 5)")
    ap.add_argument("--timing", type=int, default=0, metavar="N", help="also time whole CLI runs with and without --learn, N each")
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args()
    pool, tests = pool_pages(args.corpus), labelled(args.corpus)
    overlap = {hashlib.sha1(p.data).digest() for p in pool} & {hashlib.sha1(d).digest() for d, _ in tests}
    assert not overlap, "a labelled page is in the pool"
    print(f"learn from the {SITE} pool ({len(pool)} pages), score its {len(tests)} labelled dev pages; site rules off")
    results: dict = {"reference": {}, "sizes": {}, "shares": {}}
    for name, cleaner in (("generic path (nothing learned)", Cleaner(site_rules=False)), ("shipped site rules", Cleaner())):
        tok, line, exact = score(cleaner, tests)
        results["reference"][name] = {"token_f1": tok, "line_f1": line, "exact": exact}
        print(f"{name:<34} token F1 {fmt(tok)}  line F1 {fmt(line)}  exact {exact}/{len(tests)}")
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        print(f"\nlearned from k pool pages ({args.draws} draws each): token F1 min / mean, line F1 mean, learning seconds")
        for k in (*SIZES, len(pool)):
            draws = [random.Random(seed).sample(pool, k) for seed in range(args.draws if k < len(pool) else 1)]
            runs = [learned_score(draw, tests, scratch) for draw in draws]
            toks = [r[0] for r in runs]
            results["sizes"][k] = [{"token_f1": r[0], "line_f1": r[1], "exact": r[2], "seconds": r[3]} for r in runs]
            print(f"  k={k:<3} token F1 {fmt(min(toks))} / {fmt(statistics.mean(toks))}   line F1 "
                  f"{fmt(statistics.mean(r[1] for r in runs))}   exact {statistics.mean(r[2] for r in runs):.1f}/{len(tests)}   "
                  f"{statistics.median(r[3] for r in runs):.2f} s")
        print(f"\nlearned from all {len(pool)} pool pages, by min_share")
        for share in SHARES:
            tok, line, exact, seconds = learned_score(pool, tests, scratch, min_share=share)
            results["shares"][share] = {"token_f1": tok, "line_f1": line, "exact": exact, "seconds": seconds}
            print(f"  min_share={share:<4} token F1 {fmt(tok)}  line F1 {fmt(line)}  exact {exact}/{len(tests)}")
    if args.timing:
        results["timing"] = timing(args.corpus, args.timing)
    if args.json:
        write_json(results, args.json)
    return 0


def timing(corpus: Path, runs: int) -> dict:
    """Wall seconds of `cleaner clean` with --learn against without, alternated; median per-pair ratio."""
    cases = {
        "tribunnews pool, --no-site-rules": (corpus / "dev" / "html-pool", ["--no-site-rules"]),
        "generic-dev, shipped rules": (corpus / "generic-dev" / "html", []),
    }
    out = {}
    print(f"\nwhole `cleaner clean ... --force -q -j 2` runs, with and without --learn ({runs} each, alternated)")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (folder, extra) in cases.items():
            seconds: dict[str, list[float]] = {"learn": [], "plain": []}
            for _ in range(runs):
                for mode in ("learn", "plain"):
                    argv = cleaner_cli_argv(["clean", str(folder), "-o", f"{tmp}/{mode}", "--force", "-q", "-j", "2", *extra,
                                             *(["--learn"] if mode == "learn" else [])])
                    started = time.perf_counter()
                    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    seconds[mode].append(time.perf_counter() - started)
            ratio = statistics.median(a / b for a, b in zip(seconds["learn"], seconds["plain"]))
            out[name] = {**seconds, "ratio": ratio}
            print(f"  {name:<34} with --learn {statistics.median(seconds['learn']):.2f} s, without "
                  f"{statistics.median(seconds['plain']):.2f} s: ratio {ratio:.2f}")
    return out


if __name__ == "__main__":
    sys.exit(main())
