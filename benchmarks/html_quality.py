#!/usr/bin/env python3
"""HTML-mode quality: the cleaner vs HTML extractors on the labelled pages.

Two page sets, each scored with ``cleaner.score.score_dirs`` (predictions
written to a temp tree mirroring the relative paths, ``.html`` -> ``.txt``):

- generic-dev: <corpus>/generic-dev/html/*.html (150 English pages from WCXB,
  gold in generic-dev/html-gold). No site rules apply: the cleaner runs its
  generic path (``cleaner-generic``); peers: trafilatura (defaults, and with
  favor_precision=True), readability,
  jusText (English stoplist), Resiliparse. Page URLs from index.jsonl are
  passed to every system that takes one.
- dev: <corpus>/dev/html/<site>/*.html (22 Indonesian news pages, gold in
  dev/html-gold): the cleaner with the shipped site rules (``cleaner``,
  ``Cleaner().clean_html(bytes, path=relpath)``), its generic path, and the
  same peers (jusText with the Indonesian stoplist). Per-site table + MACRO.

MACRO is the mean over files, as cleaner.score defines it.

Run from the repo root:  python benchmarks/html_quality.py [--json out.json]
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    DEFAULT_CORPUS,
    HTML_SYSTEMS,
    WCXB_ATTRIBUTION,
    fmt,
    load_html_systems,
    load_pages,
    print_macro_table,
    print_site_table,
    write_json,
)

from cleaner.score import score_dirs  # after _common, which puts the working tree first on sys.path

#: (folder under the corpus, gold folder, jusText stoplist, systems run there by default).
#: On generic-dev "cleaner" (shipped rules) would equal "cleaner-generic": no
#: WCXB host has a site file; it can still be asked for with --systems.
PARTS = {
    "generic-dev": ("generic-dev/html", "generic-dev/html-gold", "English",
                    ("cleaner-generic", "trafilatura", "trafilatura-precision", "readability", "justext", "resiliparse")),
    "dev": ("dev/html", "dev/html-gold", "Indonesian", HTML_SYSTEMS),
}


def run_system(fn, pages: list[tuple[str, bytes, str | None]], out_dir: Path) -> dict:
    """Extract every page into out_dir/<relpath>.txt; return run stats."""
    errors: list[str] = []
    t0 = time.perf_counter()
    for rel, page, url in pages:
        try:
            out = fn(page, rel, url)
        except Exception as exc:  # a crash on one page scores that page as missing (0)
            errors.append(f"{rel}: {exc!r}")
            continue
        dest = (out_dir / rel).with_suffix(".txt")
        dest.parent.mkdir(parents=True, exist_ok=True)
        if out and not out.endswith("\n"):
            out += "\n"
        dest.write_text(out, encoding="utf-8")
    return {"seconds": time.perf_counter() - t0, "errors": errors}


def run_part(part: str, args, wanted: list[str], scratch: Path, log) -> dict | None:
    html_rel, gold_rel, stoplist, defaults = PARTS[part]
    html_dir, gold_dir = args.corpus / html_rel, args.corpus / gold_rel
    for d in (html_dir, gold_dir):
        if not d.is_dir():
            print(f"error: {d} is not a directory (see --corpus); part {part} skipped", file=log)
            return None
    pages = load_pages(html_dir)
    names = list(wanted or defaults)
    print(f"\n== {part}: {len(pages)} pages from {html_dir} "
          f"({sum(1 for _, _, u in pages if u)} with a URL from index.jsonl)", file=log)
    if part == "generic-dev":
        print(WCXB_ATTRIBUTION, file=log)
    fns = load_html_systems(names, log, justext_language=stoplist, scratch=scratch / part)
    results: dict = {}
    for name, fn in fns.items():
        out_dir = (args.keep or scratch / "preds") / name / part
        out_dir.mkdir(parents=True, exist_ok=True)
        run = run_system(fn, pages, out_dir)
        results[name] = {
            "report": score_dirs(out_dir, gold_dir).to_dict(),
            "seconds": round(run["seconds"], 4),
            "errors": run["errors"],
        }
        if run["errors"]:
            print(f"{name}: {len(run['errors'])} page(s) raised, scored as missing; "
                  f"first: {run['errors'][0]}", file=log)
    return {"pages": len(pages), "html_dir": str(html_dir), "gold_dir": str(gold_dir),
            "justext_stoplist": stoplist, "systems": results}


def print_part(part: str, res: dict, worst: int) -> None:
    names = list(res["systems"])
    reports = {n: res["systems"][n]["report"] for n in names}
    print()
    if part == "generic-dev":
        print(f"generic-dev ({res['pages']} pages), macro over files; jusText stoplist "
              f"{res['justext_stoplist']!r}")
        print(WCXB_ATTRIBUTION)
        print_macro_table(reports, names)
    else:
        print(f"dev html ({res['pages']} pages), per site; jusText stoplist {res['justext_stoplist']!r}")
        print_site_table(reports, names, label="dev/html")
        print()
        print_macro_table(reports, names)
    print("wall time (s, incl. file I/O): "
          + "  ".join(f"{n} {res['systems'][n]['seconds']:.2f}" for n in names))
    if worst:
        focus = "cleaner-generic" if "cleaner-generic" in reports else names[0]
        rows = sorted(reports[focus]["files"], key=lambda r: r["token_f1"])[:worst]
        print(f"\n{worst} worst {part} pages for {focus} (by token F1; P < R = kept noise):")
        for r in rows:
            others = "  ".join(
                f"{n} {fmt(next(f['token_f1'] for f in reports[n]['files'] if f['relpath'] == r['relpath']))}"
                for n in names if n != focus
            )
            print(f"  {r['relpath']:<48} P {fmt(r['token_p'])} R {fmt(r['token_r'])} "
                  f"F1 {fmt(r['token_f1'])}   | {others}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="corpus root holding generic-dev/ and dev/ (default: %(default)s)")
    ap.add_argument("--part", choices=("all", *PARTS), default="all",
                    help="which page set to score (default: all)")
    ap.add_argument("--systems", default="",
                    help="comma-separated subset of %s (default: per part, see the module doc)"
                    % ",".join(HTML_SYSTEMS))
    ap.add_argument("--worst", type=int, default=0, metavar="N",
                    help="also list the N worst pages of cleaner-generic, with the peers' F1")
    ap.add_argument("--json", metavar="PATH",
                    help="also write the full reports (per file, per site, macro) as JSON; '-' = stdout")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="write predictions to DIR/<system>/<part>/... and keep them")
    args = ap.parse_args(argv)

    wanted = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in HTML_SYSTEMS]
    if unknown:
        ap.error(f"unknown system(s): {', '.join(unknown)}")
    parts = list(PARTS) if args.part == "all" else [args.part]

    log = sys.stderr if args.json == "-" else sys.stdout
    command = "python " + shlex.join(sys.argv)
    print(f"command: {command}", file=log)
    print(f"corpus: {args.corpus}", file=log)

    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="html_quality_") as tmp:
        for part in parts:
            res = run_part(part, args, wanted, Path(tmp), log)
            if res is not None and res["systems"]:
                results[part] = res
    if not results:
        print("error: nothing could be run", file=sys.stderr)
        return 2

    stdout = sys.stdout
    if args.json == "-":
        sys.stdout = sys.stderr  # keep stdout for the JSON only
    try:
        for part, res in results.items():
            print_part(part, res, args.worst)
    finally:
        sys.stdout = stdout

    if args.json:
        payload = {"command": command, "corpus": str(args.corpus), "attribution": WCXB_ATTRIBUTION,
                   "parts": results}
        write_json(payload, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
