#!/usr/bin/env python3
"""Text-mode quality: cleaner vs peers on the hand-labelled dev texts.

For every <corpus>/dev/text/<site>/*.txt each system (noop, jusText, cleaner)
writes its prediction into a temp tree mirroring the relative paths; the tree
is scored against <corpus>/dev/text-gold with ``cleaner.score.score_dirs``.
Prints per-site token F1 / line F1 side by side and the MACRO row (mean over
files, as cleaner.score defines it), then the exact-match count on the five
seeds (<seeds>/raw vs <seeds>/gold, cleaned with relpath "seeds/<name>").

Run from the repo root:  python benchmarks/text_quality.py [--json out.json]
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from pathlib import Path

from _common import DEFAULT_CORPUS, DEFAULT_SEEDS, fmt, list_texts, load_systems, print_site_table, read_text, write_json

import peers
from cleaner.score import score_dirs  # after _common, which puts the working tree first on sys.path

ALL_SYSTEMS = ("noop", "justext", "cleaner")


def run_system(fn, items: list[tuple[str, Path]], out_dir: Path, relprefix: str = "") -> dict:
    """Clean every (relpath, path) into out_dir/relpath; return run stats."""
    errors: list[str] = []
    t0 = time.perf_counter()
    for rel, path in items:
        text = read_text(path)
        try:
            out = fn(text, relprefix + rel)
        except Exception as exc:  # a crash on one file scores that file as missing (0)
            errors.append(f"{rel}: {exc!r}")
            continue
        dest = out_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if out and not out.endswith("\n"):
            out += "\n"
        dest.write_text(out, encoding="utf-8")
    return {"seconds": time.perf_counter() - t0, "errors": errors}


def print_table(results: dict, names: list[str]) -> None:
    print_site_table({n: results[n]["dev"] for n in names}, names, label="dev/text")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="corpus root holding dev/text and dev/text-gold (default: %(default)s)")
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS,
                    help="seeds root holding raw/ and gold/ (default: %(default)s)")
    ap.add_argument("--systems", default=",".join(ALL_SYSTEMS),
                    help="comma-separated subset of %s (default: all)" % ",".join(ALL_SYSTEMS))
    ap.add_argument("--json", metavar="PATH",
                    help="also write the full reports (per file, per site, macro) as JSON; '-' = stdout")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="write predictions to DIR/<system>/{dev,seeds}/... and keep them")
    args = ap.parse_args(argv)

    text_dir = args.corpus / "dev" / "text"
    gold_dir = args.corpus / "dev" / "text-gold"
    for d in (text_dir, gold_dir):
        if not d.is_dir():
            print(f"error: {d} is not a directory (see --corpus)", file=sys.stderr)
            return 2
    dev_items = list_texts(text_dir)
    seed_items = list_texts(args.seeds / "raw") if (args.seeds / "raw").is_dir() else []
    seed_gold = args.seeds / "gold"

    wanted = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in ALL_SYSTEMS]
    if unknown:
        ap.error(f"unknown system(s): {', '.join(unknown)}")

    log = sys.stderr if args.json == "-" else sys.stdout
    print(f"command: python {shlex.join(sys.argv)}", file=log)
    print(f"corpus: {args.corpus}  ({len(dev_items)} dev texts)  seeds: {args.seeds}  ({len(seed_items)})", file=log)

    fns = load_systems(wanted, log)
    if not fns:
        print("error: no system could be run", file=sys.stderr)
        return 2

    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="text_quality_") as tmp:
        base = args.keep if args.keep else Path(tmp)
        for name, fn in fns.items():
            dev_out, seed_out = base / name / "dev", base / name / "seeds"
            dev_out.mkdir(parents=True, exist_ok=True)
            seed_out.mkdir(parents=True, exist_ok=True)
            dev_run = run_system(fn, dev_items, dev_out)
            seed_run = run_system(fn, seed_items, seed_out, relprefix="seeds/")
            res = {
                "dev": score_dirs(dev_out, gold_dir).to_dict(),
                "dev_seconds": round(dev_run["seconds"], 4),
                "dev_errors": dev_run["errors"],
            }
            if seed_items and seed_gold.is_dir():
                res["seeds"] = score_dirs(seed_out, seed_gold).to_dict()
                res["seeds_errors"] = seed_run["errors"]
            results[name] = res
            for kind in ("dev_errors", "seeds_errors"):
                errs = res.get(kind) or []
                if errs:
                    print(f"{name}: {len(errs)} file(s) raised ({kind}), scored as missing; first: {errs[0]}", file=log)

    names = list(results)
    stdout = sys.stdout
    if args.json == "-":
        sys.stdout = sys.stderr  # keep stdout for the JSON only
    try:
        print()
        print_table(results, names)
        if any("seeds" in results[n] for n in names):
            parts = []
            for n in names:
                s = results[n].get("seeds")
                if s:
                    m = s["macro"]
                    parts.append(f"{n} {m['exact']}/{m['n']} (tokF1 {fmt(m['token_f1'])})")
            print(f"seeds exact match:      {'  '.join(parts)}")
        print("dev wall time (s, incl. file I/O): "
              + "  ".join(f"{n} {results[n]['dev_seconds']:.2f}" for n in names))
    finally:
        sys.stdout = stdout

    if args.json:
        payload = {"command": "python " + shlex.join(sys.argv), "corpus": str(args.corpus),
                   "stoplist": peers.justext_stoplist_name() if "justext" in results else None,
                   "systems": results}
        write_json(payload, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
