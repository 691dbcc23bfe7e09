#!/usr/bin/env python3
"""How much of the hand rules' gain the suggested rules recover, per site.

For each site folder of <corpus>/dev/text-pool (unlabelled crawl):
``cleaner.suggest.suggest`` drafts a site file from that folder alone; the
draft goes to a temporary rules folder as sites/<site>.toml beside a copy of
rules/_global.toml. Then <corpus>/dev/text/<site>/*.txt (labelled, never seen
by the suggester) is cleaned three ways:

* generic:   Cleaner([<only _global.toml>], shipped=False)
* suggested: Cleaner([<_global.toml + the draft>], shipped=False)
* hand:      Cleaner() (the shipped rules, hand-written site files)

and scored against <corpus>/dev/text-gold with ``cleaner.score``. Printed per
site: token F1 and line F1 of each, and the gain recovered,
(suggested - generic) / (hand - generic), "n/a" where the hand gain is below
0.0005; "HURTS" flags a site (or file) where suggested is below generic.
No gold file is read before the drafts are written.

With ``--html`` the same is done for <corpus>/dev/html-pool/<site> (HTML
crawl) against <corpus>/dev/html/<site> and dev/html-gold.

Run from the repo root:  python benchmarks/suggest_eval.py [--keep DIR] [--html]
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _common import DEFAULT_CORPUS, fmt, generic_rules_dir, list_pages, list_texts, read_text

from cleaner import Cleaner  # after _common, which puts the working tree first on sys.path
from cleaner.score import Aggregate, FileRow, score_dirs
from cleaner.suggest import render_toml, suggest

SYSTEMS = ("generic", "suggested", "hand")
EPS = 0.0005


def draft_rules(pool: Path, site: str, dest: Path) -> tuple[Path, int, float]:
    """Suggest rules from the pool folder; write <dest>/_global.toml + sites/<site>.toml."""
    t0 = time.perf_counter()
    suggestion = suggest(pool / site, site=site)
    seconds = time.perf_counter() - t0
    generic_rules_dir(dest)
    (dest / "sites").mkdir(parents=True, exist_ok=True)
    (dest / "sites" / f"{site}.toml").write_text(render_toml(suggestion), encoding="utf-8")
    return dest, len(suggestion.rules), seconds


def recovered(gen: float, sug: float, hand: float) -> str:
    if abs(hand - gen) < EPS:
        return "n/a"
    return f"{(sug - gen) / (hand - gen):.0%}"


@dataclass
class Combined:
    """Reports of several sites scored apart (only the sites with a crawl), put together."""

    sites: dict
    files: list
    macro: Aggregate


def combine(by_site: dict) -> Combined:
    files = [FileRow(f"{site}/{row.relpath}", site, row.score, row.missing) for site, rep in by_site.items() for row in rep.files]
    return Combined({site: Aggregate.of([r.score for r in rep.files]) for site, rep in by_site.items()}, files,
                    Aggregate.of([r.score for r in files]))


def clean_tree(items: list[tuple[str, Path]], out: Path, fn) -> None:
    for rel, path in items:
        dest = out / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        text = fn(path, rel)
        dest.write_text(text + "\n" if text else "", encoding="utf-8")


def evaluate(kind: str, pool: Path, inputs: Path, gold: Path, scratch: Path, keep: Path | None) -> int:
    sites = sorted(p.name for p in pool.iterdir() if p.is_dir() and (inputs / p.name).is_dir())
    generic = Cleaner([generic_rules_dir(scratch / "genonly")], shipped=False)
    hand = Cleaner()
    cleaners: dict[str, Cleaner] = {}
    print(f"\n== {kind}: suggest on {pool}/<site>, score {inputs}/<site> against {gold}")
    for site in sites:
        folder, n_rules, seconds = draft_rules(pool, site, scratch / "suggested" / site)
        cleaners[site] = Cleaner([folder], shipped=False)
        n_pool = sum(1 for p in (pool / site).iterdir() if p.is_file())
        print(f"{site}: {n_rules} rules suggested from {n_pool} pages in {seconds:.1f}s")
        if keep:
            (keep / kind).mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / "sites" / f"{site}.toml", keep / kind / f"{site}.toml")

    items = [it for it in (list_texts(inputs) if kind == "text" else list_pages(inputs)) if it[0].split("/")[0] in sites]

    def run(cleaner_for):
        def fn(path: Path, rel: str) -> str:
            c = cleaner_for(rel.split("/")[0])
            if kind == "text":
                return c.clean(read_text(path), path=rel).text
            return c.clean_html(path.read_bytes(), path=rel).text
        return fn

    reports = {}
    for name, cleaner_for in (("generic", lambda s: generic), ("suggested", lambda s: cleaners[s]), ("hand", lambda s: hand)):
        out = scratch / "pred" / kind / name
        clean_tree(items, out, run(cleaner_for))
        reports[name] = combine({site: score_dirs(out / site, gold / site) for site in sites})

    head = f"{'site':<18}{'n':>3}  " + "".join(f"{s:>16}" for s in SYSTEMS) + f"{'recovered tok/line':>22}  flag"
    print()
    print(head)
    print(f"{'':<21}  " + "".join(f"{'tokF1 lineF1':>16}" for _ in SYSTEMS))
    print("-" * len(head))
    hurts = 0

    def row(label: str, aggs: dict) -> str:
        nonlocal hurts
        g, s, h = aggs["generic"], aggs["suggested"], aggs["hand"]
        flag = ""
        if s.token_f1 < g.token_f1 - 1e-9 or s.line_f1 < g.line_f1 - 1e-9:
            flag = "HURTS"
            hurts += 1
        cells = "".join(f"{fmt(a.token_f1):>8}{fmt(a.line_f1):>8}" for a in (g, s, h))
        rec = f"{recovered(g.token_f1, s.token_f1, h.token_f1)} / {recovered(g.line_f1, s.line_f1, h.line_f1)}"
        return f"{label:<18}{g.n:>3}  {cells}{rec:>22}  {flag}"

    for site in sorted(reports["generic"].sites):
        print(row(site, {n: reports[n].sites[site] for n in SYSTEMS}))
    print("-" * len(head))
    print(row("MACRO", {n: reports[n].macro for n in SYSTEMS}))
    per_file = {n: {r.relpath: r.score for r in reports[n].files} for n in SYSTEMS}
    for rel, g in per_file["generic"].items():
        s = per_file["suggested"][rel]
        if s.token_f1 < g.token_f1 - 1e-9 or s.line_f1 < g.line_f1 - 1e-9:
            print(f"HURTS file {rel}: generic {fmt(g.token_f1)}/{fmt(g.line_f1)} suggested {fmt(s.token_f1)}/{fmt(s.line_f1)}")
            hurts += 1
    return hurts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus root (default: %(default)s)")
    ap.add_argument("--keep", type=Path, metavar="DIR", help="also copy every draft to DIR/text/<site>.toml (and DIR/html/)")
    ap.add_argument("--html", action="store_true", help="also evaluate the HTML crawl (dev/html-pool) on dev/html")
    args = ap.parse_args(argv)
    dev = args.corpus / "dev"
    for d in (dev / "text-pool", dev / "text", dev / "text-gold"):
        if not d.is_dir():
            print(f"error: {d} is not a directory (see --corpus)", file=sys.stderr)
            return 2
    print(f"command: python {shlex.join(sys.argv)}")
    with tempfile.TemporaryDirectory(prefix="suggest_eval_") as tmp:
        hurts = evaluate("text", dev / "text-pool", dev / "text", dev / "text-gold", Path(tmp) / "text", args.keep)
        if args.html and (dev / "html-pool").is_dir():
            hurts += evaluate("html", dev / "html-pool", dev / "html", dev / "html-gold", Path(tmp) / "html", args.keep)
    print(f"\n{'no site or file where the suggested rules score below generic' if not hurts else str(hurts) + ' HURTS flag(s)'}")
    return 1 if hurts else 0


if __name__ == "__main__":
    sys.exit(main())
