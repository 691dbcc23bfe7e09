#!/usr/bin/env python3
"""The generic path's quality: cleaner-generic vs the HTML extractors, the
pages where it falls behind trafilatura, and how well its confidence is
calibrated.

Two page sets, site rules off (``cleaner-generic``: a Cleaner over a copy of
rules/_global.toml only), each scored with ``cleaner.score``:

- generic-dev: <corpus>/generic-dev/html (150 English WCXB pages; URLs from
  index.jsonl passed to every system that takes one);
- dev: <corpus>/dev/html (22 Indonesian news pages of 11 sites).

Printed per set: the macro table (token / line P, R, F1, exact) of
cleaner-generic and the peers (trafilatura with its defaults and with
favor_precision=True, readability-lxml, jusText, Resiliparse); every page
where cleaner-generic is more than BEHIND token F1 below the better of the
two trafilatura runs, with the candidate it chose, the scores of all
candidates and what it lost or leaked; and the calibration of its
confidence: a reliability table (confidence bins: mean confidence, mean
token F1, pages) and the rank correlation of confidence and token F1. The
shipped calibration (confidence = score ** content_score.CALIBRATION_POWER)
was fitted on generic-dev: on dev it is held out. The tables also show the
raw score, and the power fitted on each set applied to the other (least
squares of the token F1).

``--rules`` adds, per global text rule, what it does on the rendered HTML
output of both sets: the pages where it fires and, on those, the mean token
and line F1 change when that rule alone is disabled and how many pages get
better or worse (the extracted lines are the same; only the text phases are
rerun).

Run from the repo root:  python benchmarks/generic_quality.py [--json out.json] [--rules]
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from _common import DEFAULT_CORPUS, WCXB_ATTRIBUTION, fmt, load_html_systems, load_pages, print_macro_table, write_json
from html_quality import run_system

import cleaner.html_stage as html_stage  # after _common, which puts the working tree first on sys.path
from cleaner import content_score
from cleaner.page import HTML
from cleaner.score import score_dirs, score_text, text_lines
from cleaner.text import clean_lines

PARTS = {
    "generic-dev": ("generic-dev/html", "generic-dev/html-gold", "English"),
    "dev": ("dev/html", "dev/html-gold", "Indonesian"),
}
SYSTEMS = ("cleaner-generic", "trafilatura", "trafilatura-precision", "readability", "justext", "resiliparse")
#: A page is listed when cleaner-generic is this far below max(trafilatura, trafilatura-precision).
BEHIND = 0.05
#: Confidence bins of the reliability table (lower bounds).
BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95)


class Recorder:
    """Keeps the Generic result of every page the generic path cleans.

    The outcome of a page does not carry the confidence and the candidates
    yet (the site-rules side wires them into PageOutcome); until then the
    benchmark reads them by wrapping the HTML stage's reference to
    extract_generic, so the pages are cleaned exactly as `Cleaner` cleans them."""

    def __init__(self):
        self.last = None
        self.original = html_stage.extract_generic

    def __enter__(self):
        def recording(tree, url=None):
            self.last = self.original(tree, url)
            return self.last
        html_stage.extract_generic = recording
        return self

    def __exit__(self, *exc):
        html_stage.extract_generic = self.original


def spearman(xs: list[float], ys: list[float]) -> float:
    """Spearman's rank correlation (ties get their mean rank)."""
    def ranks(v):
        order = sorted(range(len(v)), key=v.__getitem__)
        r = [0.0] * len(v)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]:
                j += 1
            for k in range(i, j + 1):
                r[order[k]] = (i + j) / 2
            i = j + 1
        return r
    rx, ry = ranks(xs), ranks(ys)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    num = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    den = (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5
    return num / den if den else 0.0


def fit_power(xs: list[float], ys: list[float]) -> float:
    """The power g (0.10-2.00 by 0.01) of y = x ** g with the least squared error
    (the form of content_score.confidence)."""
    return min((sum((x ** g - y) ** 2 for x, y in zip(xs, ys)), g) for g in (k / 100 for k in range(10, 201)))[1]


def reliability(conf: list[float], f1: list[float]) -> dict:
    """Bins of confidence: mean confidence, mean token F1, count; the rank
    correlation and the mean absolute error."""
    rows = []
    for lo, hi in zip(BINS, BINS[1:] + (1.01,)):
        idx = [i for i, c in enumerate(conf) if lo <= c < hi]
        if idx:
            rows.append({"bin": f"{lo:.2f}-{min(hi, 1.0):.2f}", "n": len(idx),
                         "mean_confidence": statistics.fmean(conf[i] for i in idx),
                         "mean_token_f1": statistics.fmean(f1[i] for i in idx)})
    return {"bins": rows, "spearman": spearman(conf, f1), "pages": len(conf),
            "mean_abs_error": statistics.fmean(abs(c - f) for c, f in zip(conf, f1))}


def run_part(part: str, corpus: Path, scratch: Path, log) -> dict:
    html_rel, gold_rel, stoplist = PARTS[part]
    html_dir, gold_dir = corpus / html_rel, corpus / gold_rel
    pages = load_pages(html_dir)
    print(f"\n== {part}: {len(pages)} pages from {html_dir}", file=log)
    if part == "generic-dev":
        print(WCXB_ATTRIBUTION, file=log)
    fns = load_html_systems(SYSTEMS, log, justext_language=stoplist, scratch=scratch / part)
    reports, generic = {}, {}
    for name, fn in fns.items():
        out_dir = scratch / "preds" / name / part
        out_dir.mkdir(parents=True, exist_ok=True)
        if name == "cleaner-generic":
            with Recorder() as rec:
                def recorded(page, rel, url, fn=fn):
                    rec.last = None
                    text = fn(page, rel, url)
                    generic[rel] = rec.last
                    return text
                run = run_system(recorded, pages, out_dir)
        else:
            run = run_system(fn, pages, out_dir)
        if run["errors"]:
            print(f"{name}: {len(run['errors'])} page(s) raised: {run['errors'][0]}", file=log)
        reports[name] = score_dirs(out_dir, gold_dir).to_dict()
    files = {n: {f["relpath"]: f for f in reports[n]["files"]} for n in reports}
    behind, calib = [], {"confidence": [], "score": [], "token_f1": []}
    for rel, page, url in pages:
        key = str(Path(rel).with_suffix(".txt"))
        mine = files["cleaner-generic"][key]
        g = generic.get(rel)
        chosen = next((c for c in g.candidates if c.chosen), None) if g else None
        if g is not None and chosen is not None:
            calib["confidence"].append(g.confidence)
            calib["score"].append(chosen.score)
            calib["token_f1"].append(mine["token_f1"])
        peers = {n: files[n][key]["token_f1"] for n in ("trafilatura", "trafilatura-precision") if n in files}
        if peers and mine["token_f1"] < max(peers.values()) - BEHIND:
            pred = (scratch / "preds" / "cleaner-generic" / part / key).read_text(encoding="utf-8")
            gold = (gold_dir / key).read_text(encoding="utf-8")
            behind.append({"page": rel, "token_f1": mine["token_f1"], "token_p": mine["token_p"],
                           "token_r": mine["token_r"], **{f"{n}_f1": v for n, v in peers.items()},
                           "chosen": chosen.name if chosen else None, "reason": g.reason if g else "",
                           "candidates": [asdict(c) for c in g.candidates] if g else [],
                           "cause": cause(mine, pred, gold)})
    return {"pages": len(pages), "reports": reports, "behind": behind, "calibration": calib}


def cause(mine: dict, pred: str, gold: str) -> str:
    """What the output lost (gold lines it lacks) or leaked (lines not in the gold)."""
    got, want = text_lines(pred), text_lines(gold)
    leaked = [ln for ln in got if ln not in set(want)]
    lost = [ln for ln in want if ln not in set(got)]
    parts = []
    if mine["token_r"] < mine["token_p"]:
        parts.append(f"lost {len(lost)} of {len(want)} gold lines, e.g. {_short(lost)}")
    else:
        parts.append(f"leaked {len(leaked)} of {len(got)} lines, e.g. {_short(leaked)}")
    return "; ".join(parts)


def _short(lines: list[str]) -> str:
    return " | ".join(repr(ln[:60] + ("..." if len(ln) > 60 else "")) for ln in lines[:2]) or "-"


def calibration_tables(results: dict) -> dict:
    """The shipped confidence on each set, the raw score, and a power fitted on each set applied to the other."""
    out = {"shipped": {"power": content_score.CALIBRATION_POWER, "fitted_on": "generic-dev"}, "raw_score": {}}
    for part, res in results.items():
        c = res["calibration"]
        out["shipped"][part] = reliability(c["confidence"], c["token_f1"])
        out["raw_score"][part] = reliability(c["score"], c["token_f1"])
    parts = list(results)
    for fit_on in parts:
        c = results[fit_on]["calibration"]
        power = fit_power(c["score"], c["token_f1"])
        entry = {"power": power}
        for part in parts:
            d = results[part]["calibration"]
            mapped = [s ** power for s in d["score"]]
            entry[part] = reliability(mapped, d["token_f1"])
            entry[part]["role"] = "fit" if part == fit_on else "held out"
        out[f"fitted_on_{fit_on}"] = entry
    return out


def print_reliability(title: str, rel: dict) -> None:
    print(f"  {title}: {rel['pages']} pages, Spearman {rel['spearman']:.3f}, mean |confidence - F1| {rel['mean_abs_error']:.3f}")
    print(f"    {'confidence':<11} {'pages':>5} {'mean conf':>10} {'mean F1':>8}")
    for row in rel["bins"]:
        print(f"    {row['bin']:<11} {row['n']:>5} {row['mean_confidence']:>10.3f} {row['mean_token_f1']:>8.3f}")


def rule_effects(corpus: Path, scratch: Path, log) -> list[dict]:
    """Per global text rule, on both sets: the pages where it fires on the
    rendered output, and on those pages the mean token and line F1 change
    when it alone is disabled, and how many pages get better or worse."""
    from _common import generic_rules_dir

    from cleaner import Cleaner
    from cleaner.html import page_url, parse_html, parser_input
    from cleaner.text import split_lines

    gen = Cleaner([generic_rules_dir(scratch / "rules_genonly")], shipped=False)
    rules = gen.rules_for("text", None)
    ids = [r.id for phase in rules.values() for r in phase]
    sets: dict[str, list] = {}
    for part, (html_rel, gold_rel, _) in PARTS.items():
        rows = []
        for rel, page, url in load_pages(corpus / html_rel):
            tree = parse_html(parser_input(page, rel))
            lines = html_stage.run_html_stage(tree, gen.rules_for("html", None), url or page_url(tree), []).lines
            gold = (corpus / gold_rel / rel).with_suffix(".txt").read_text(encoding="utf-8")
            rows.append((lines, gold))
        sets[part] = rows
    print(f"\n{len(ids)} global text rules, measured on the generic path's rendered lines", file=log)
    effects = []
    for rid in ids:
        without = {kind: [r for r in phase if r.id != rid] for kind, phase in rules.items()}
        entry = {"rule": rid}
        for part, rows in sets.items():
            fired, token, line = 0, [], []
            for lines, gold in rows:
                removed = []
                full = score_text("\n".join(ln.text for ln in clean_lines(list(lines), rules, HTML, removed)), gold)
                if not any(r.rule_id == rid for r in removed):
                    continue
                fired += 1
                off = score_text("\n".join(ln.text for ln in clean_lines(list(lines), without, HTML)), gold)
                token.append(off.token_f1 - full.token_f1)
                line.append(off.line_f1 - full.line_f1)
            change = [t + ln for t, ln in zip(token, line)]
            entry[part] = {"pages_fired": fired, "pages": len(rows),
                           "token_f1_change_off": statistics.fmean(token) if token else 0.0,
                           "line_f1_change_off": statistics.fmean(line) if line else 0.0,
                           "pages_better_off": sum(c > 1e-9 for c in change),
                           "pages_worse_off": sum(c < -1e-9 for c in change)}
        effects.append(entry)
    return effects


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="corpus root holding generic-dev/ and dev/ (default: %(default)s)")
    ap.add_argument("--json", metavar="PATH", help="also write everything as JSON ('-' = stdout)")
    ap.add_argument("--rules", action="store_true", help="also measure each global text rule on the HTML output")
    args = ap.parse_args(argv)
    log = sys.stderr if args.json == "-" else sys.stdout
    command = "python " + shlex.join(sys.argv)
    print(f"command: {command}", file=log)
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="generic_quality_") as tmp:
        for part in PARTS:
            results[part] = run_part(part, args.corpus, Path(tmp), log)
        effects = rule_effects(args.corpus, Path(tmp), log) if args.rules else None
    calibration = calibration_tables(results)

    out = log
    for part, res in results.items():
        print(f"\n{part} ({res['pages']} pages, site rules off), macro over files", file=out)
        if part == "generic-dev":
            print(WCXB_ATTRIBUTION, file=out)
        print_macro_table(res["reports"], list(res["reports"]), out=out)
        print(f"\npages where cleaner-generic is more than {BEHIND} token F1 below max(trafilatura, "
              f"trafilatura-precision): {len(res['behind'])}", file=out)
        for b in res["behind"]:
            cands = ", ".join(f"{c['name']} {c['score']:.2f}/{c['chars']}" for c in b["candidates"])
            print(f"  {b['page']}: F1 {fmt(b['token_f1'])} (P {fmt(b['token_p'])} R {fmt(b['token_r'])}) vs trafilatura "
                  f"{fmt(b.get('trafilatura_f1', 0))}, precision {fmt(b.get('trafilatura-precision_f1', 0))}\n"
                  f"    chose {b['chosen']} (candidates score/chars: {cands})\n    {b['cause']}", file=out)
    print("\nconfidence calibration", file=out)
    print(f" shipped: confidence = score ** {content_score.CALIBRATION_POWER} (content_score.CALIBRATION_POWER, "
          "fitted on generic-dev):", file=out)
    for part in results:
        print_reliability(f"{part} ({'fit' if part == 'generic-dev' else 'held out'})", calibration["shipped"][part])
    print(" the raw score (no mapping):", file=out)
    for part in results:
        print_reliability(part, calibration["raw_score"][part])
    for part in results:
        entry = calibration[f"fitted_on_{part}"]
        print(f" fitted on {part}: confidence = score ** {entry['power']:.2f}", file=out)
        for other in results:
            print_reliability(f"{other} ({entry[other]['role']})", entry[other])
    if effects is not None:
        print("\nglobal text rules on the rendered HTML: pages fired; on those pages, mean change of token F1 "
              "and line F1 when the rule alone is off; pages better / worse off (token + line F1)", file=out)
        print(f"{'rule':<8} " + "".join(f"{p:<36}" for p in PARTS), file=out)
        for e in effects:
            cells = []
            for p in PARTS:
                d = e[p]
                cells.append(f"{d['pages_fired']:>3}/{d['pages']:<4} {d['token_f1_change_off']:+.4f} {d['line_f1_change_off']:+.4f} "
                             f"{d['pages_better_off']}/{d['pages_worse_off']}")
            print(f"{e['rule']:<8} " + "".join(f"{c:<36}" for c in cells), file=out)
    if args.json:
        payload = {"command": command, "corpus": str(args.corpus), "attribution": WCXB_ATTRIBUTION,
                   "parts": {p: {k: v for k, v in r.items()} for p, r in results.items()},
                   "calibration": calibration, "rule_effects": effects}
        write_json(payload, args.json, log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
