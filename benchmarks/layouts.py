#!/usr/bin/env python3
"""Layouts on pages they were not written from: every labelled HTML page of a
site with layouts, scored in-sample and leave-one-page-out, beside the
generic path and the peers.

For each labelled page of <corpus>/dev/html whose site has layouts, the
pages labelled for the benchmarks (benchmarks/gold/: 8 tribunnews pool pages
that no rule was written from) and the layouts' own sample pages in
rules/samples (the same pages where they are copies), token and line F1
against its gold of:

- ``in-sample``: the shipped rules, as they are;
- ``unseen``: the shipped rules with every layout that lists this page as a
  sample removed (a layout's samples are the pages it was written from): the
  page is cleaned by another layout of its site if one recognises it (an
  other-year layout), else by the generic path. A page no layout lists is
  unseen already, and scores the same in both columns;
- ``generic``: site rules off (``Cleaner(site_rules=False)``);
- ``trafilatura`` and ``trafilatura-precision`` (``favor_precision=True``).

Also, for each layout, how many pages of the unlabelled pools it recognises
(its reach on pages nobody labelled: the tribunnews pool).

Run from the repo root:  python benchmarks/layouts.py [--json out.json]
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import sys
from collections import defaultdict
from pathlib import Path

from _common import DEFAULT_CORPUS, fmt, load_html_systems, load_pages, write_json

from cleaner import Cleaner
from cleaner.layouts import gold_of
from cleaner.score import score_text

PEERS = ("trafilatura", "trafilatura-precision")
#: Gold labelled for the benchmarks (benchmarks/gold/<set>/, see its NOTES.md)
#: and where their raw pages are in the corpus: pages no rule was written from.
EXTRA_GOLD = {"tribunnews-pool": ("tribunnews.com", "dev/html-pool/tribunnews.com")}
BENCH_GOLD = Path(__file__).resolve().parent / "gold"
COLUMNS = ("in-sample", "unseen", "generic", *PEERS)


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=8).hexdigest()


def labelled_pages(corpus: Path, cleaner: Cleaner) -> list[dict]:
    """Every labelled HTML page of a site with layouts: dev/html and the layouts' samples, once each."""
    pages, seen = [], set()
    for rel, data, url in load_pages(corpus / "dev" / "html"):
        site = rel.split("/")[0]
        gold = corpus / "dev" / "html-gold" / Path(rel).with_suffix(".txt")
        if site in cleaner.rules.sites and cleaner.rules.sites[site].layouts and gold.is_file():
            pages.append({"site": site, "page": rel, "data": data, "url": url, "gold": gold.read_text(encoding="utf-8")})
            seen.add(digest(data))
    for name, (site, raw) in EXTRA_GOLD.items():
        for gold in sorted((BENCH_GOLD / name).glob("*.txt")):
            data = (corpus / raw / gold.with_suffix(".html").name).read_bytes()
            seen.add(digest(data))
            pages.append({"site": site, "page": f"{name}/{gold.stem}.html", "data": data, "url": None,
                          "gold": gold.read_text(encoding="utf-8")})
    for site, rf in sorted(cleaner.rules.sites.items()):
        for layout in rf.layouts:
            for sample in layout.samples:
                data = sample.read_bytes()
                if digest(data) not in seen:
                    seen.add(digest(data))
                    pages.append({"site": site, "page": f"{site}/{sample.name}", "data": data, "url": None,
                                  "gold": gold_of(sample).read_text(encoding="utf-8")})
    return pages


def without_layouts_of(cleaner: Cleaner, site: str, data: bytes) -> Cleaner:
    """A copy of the cleaner whose site file lacks the layouts written from this page."""
    rf = cleaner.rules.sites[site]
    kept = tuple(lay for lay in rf.layouts if digest(data) not in {digest(s.read_bytes()) for s in lay.samples})
    copy = Cleaner.__new__(Cleaner)
    copy.__dict__.update(cleaner.__dict__)
    copy.rules = dataclasses.replace(cleaner.rules, sites={**cleaner.rules.sites, site: dataclasses.replace(rf, layouts=kept)})
    copy._text_rules = {}
    return copy


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--json", metavar="PATH", help="also write the rows as JSON ('-' = stdout)")
    args = ap.parse_args()
    log = sys.stderr if args.json == "-" else sys.stdout
    shipped, generic = Cleaner(), Cleaner(site_rules=False)
    import tempfile

    import peers as peer_module

    with tempfile.TemporaryDirectory() as scratch:
        wanted = [name for name in PEERS if name in peer_module.HTML_PEERS]
        peers = load_html_systems(wanted, log, justext_language="English", scratch=Path(scratch))
    rows = []
    for p in labelled_pages(args.corpus, shipped):
        row = {"site": p["site"], "page": p["page"]}
        outcomes = {
            "in-sample": shipped.clean_html(p["data"], url=p["url"], site=p["site"]),
            "unseen": without_layouts_of(shipped, p["site"], p["data"]).clean_html(p["data"], url=p["url"], site=p["site"]),
            "generic": generic.clean_html(p["data"], url=p["url"], site=p["site"]),
        }
        for name, outcome in outcomes.items():
            row[name] = score_text(outcome.text, p["gold"])
            row[f"{name} layout"] = outcome.layout
        for name, fn in peers.items():
            row[name] = score_text(fn(p["data"], p["page"], p["url"]), p["gold"])
        rows.append(row)
    print_rows(rows, log)
    reach = pool_reach(args.corpus, shipped)
    print("\nlayout reach on the unlabelled pools (pages recognised / pages of the site)", file=log)
    for (site, layout), (n, total) in sorted(reach.items()):
        print(f"  {site:<20} {layout:<10} {n}/{total}", file=log)
    if args.json:
        write_json({"rows": [{k: (dataclasses.asdict(v) if hasattr(v, "token_f1") else v) for k, v in r.items()} for r in rows],
                    "pool_reach": {f"{s} {lay}": list(v) for (s, lay), v in reach.items()}}, args.json, log)
    return 0


def print_rows(rows: list[dict], log) -> None:
    names = [c for c in COLUMNS if c in rows[0]]
    # (a peer whose package is missing has no column)
    print(f"\ntoken F1 per page (layout used in brackets; 'generic' = no layout recognised the page)", file=log)
    print(f"{'page':<52}" + "".join(f"{n:>24}" for n in names), file=log)
    by_site: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_site[row["site"]].append(row)
        cells = []
        for n in names:
            layout = row.get(f"{n} layout")
            cells.append(f"{fmt(row[n].token_f1)}" + (f" ({layout})" if layout else ""))
        print(f"{row['page'][:51]:<52}" + "".join(f"{c:>24}" for c in cells), file=log)
    print(f"\nper site, mean token F1 / line F1", file=log)
    print(f"{'site':<22}{'n':>3}" + "".join(f"{n:>24}" for n in names), file=log)
    for site, site_rows in sorted(by_site.items()):
        cells = [f"{fmt(mean(site_rows, n, 'token_f1'))} / {fmt(mean(site_rows, n, 'line_f1'))}" for n in names]
        print(f"{site:<22}{len(site_rows):>3}" + "".join(f"{c:>24}" for c in cells), file=log)
    cells = [f"{fmt(mean(rows, n, 'token_f1'))} / {fmt(mean(rows, n, 'line_f1'))}" for n in names]
    print(f"{'MACRO (pages)':<22}{len(rows):>3}" + "".join(f"{c:>24}" for c in cells), file=log)


def mean(rows: list[dict], name: str, metric: str) -> float:
    return sum(getattr(r[name], metric) for r in rows) / len(rows)


def pool_reach(corpus: Path, cleaner: Cleaner) -> dict[tuple[str, str], tuple[int, int]]:
    """For each layout, the pool pages of its site it recognises."""
    pool = corpus / "dev" / "html-pool"
    reach: dict[tuple[str, str], tuple[int, int]] = {}
    for site_dir in sorted(p for p in pool.iterdir() if p.is_dir()) if pool.is_dir() else []:
        pages = load_pages(site_dir)
        counts: dict[str, int] = defaultdict(int)
        for rel, data, url in pages:
            counts[cleaner.clean_html(data, url=url, site=site_dir.name).layout] += 1
        for layout in cleaner.rules.sites[site_dir.name].layouts if site_dir.name in cleaner.rules.sites else ():
            reach[(site_dir.name, layout.id)] = (counts.get(layout.id, 0), len(pages))
        reach[(site_dir.name, "generic")] = (counts.get("generic", 0), len(pages))
    return reach


if __name__ == "__main__":
    sys.exit(main())
