#!/usr/bin/env python3
"""The generic text rules on sites without a rule file (issue 15).

Three measurements, each with site rules off (`Cleaner(site_rules=False)`,
as `--no-site-rules`: every site's own file removed, so each site is cleaned
as an outlet the cleaner has never seen):

1. **Leave-one-site-out** on <corpus>/dev/text (34 labelled texts, 12
   sites): token and line F1 against dev/text-gold, per site and macro
   (mean over files, as cleaner.score), beside the shipped rules for
   reference.
2. **Gold in, gold out**: every gold file of <corpus>/dev (text-gold and
   html-gold) and of <seeds>/gold, cleaned as a scraped text (its relpath
   given, so its site is detected as for the raw page), must come back
   unchanged, with site rules on and off. Prints the lines changed (0 is the
   goal) and each changed line.
3. **The pools** (<corpus>/dev/text-pool, 337 unlabelled texts): the generic
   rules' output against the shipped rules' output on the same text (the
   site files are fitted to these sites, so their output stands in for a
   gold): token and line F1 per site, and how often each global rule fires
   on each site's pool (which sites a rule acts on, beyond those it was
   written from).

4. **How a shape carries to other outlets**: the dateline each pool and dev
   text loses with the shipped rules (the piece a first-line rule cuts: a
   site rule, or GEN-T24) is matched against GEN-T44's dateline shape
   (bracket, domain and 'City, Name' forms), written from the issue's
   outlets (tirto.id, Bolasport.com, (ANTARA), Lampost.co) and one
   tribunnews pool page; per site, how many of its datelines that shape
   takes.
5. **`--learn` on text exports** (with `--learn`): `cleaner clean
   <text-pool> -o TMP --learn --no-site-rules` learns each site's rules from
   its unlabelled pool texts; dev/text is then cleaned with the generic
   rules plus those learned files (`Cleaner(site_rules=False,
   learned=[...])`, site rules still off) and scored, per site, beside the
   generic rules alone.

`--tree DIR` measures the `cleaner` package and rules of another checkout
(e.g. `git archive <rev> | tar -x -C /tmp/base` for a "before" figure).

Run from the repo root:  python benchmarks/text_generic.py [--tree DIR] [--learn] [--json out.json]
"""

from __future__ import annotations

import argparse
import collections
import importlib
import shlex
import sys
from pathlib import Path

from _common import DEFAULT_CORPUS, DEFAULT_SEEDS, fmt, list_texts, read_text, write_json


def load_cleaner_module(tree: Path | None):
    """The cleaner package of `tree` (default: this working tree, put first by _common)."""
    if tree is not None:
        sys.path.insert(0, str(tree.resolve()))
        for name in [m for m in sys.modules if m == "cleaner" or m.startswith("cleaner.")]:
            del sys.modules[name]
    return importlib.import_module("cleaner"), importlib.import_module("cleaner.score")


def site_of(rel: str) -> str:
    return rel.split("/", 1)[0]


def loso(cleaner_mod, score, corpus: Path) -> dict:
    """Leave-one-site-out on dev/text: per file scores, generic and shipped."""
    text_dir, gold_dir = corpus / "dev" / "text", corpus / "dev" / "text-gold"
    systems = {"generic": cleaner_mod.Cleaner(site_rules=False), "shipped": cleaner_mod.Cleaner()}
    out: dict = {name: {} for name in systems}
    for rel, path in list_texts(text_dir):
        gold = read_text(gold_dir / rel)
        raw = read_text(path)
        for name, c in systems.items():
            out[name][rel] = score.score_text(c.clean(raw, path=rel).text, gold)
    return out


def aggregate(score, per_file: dict) -> tuple[dict, object]:
    by_site: dict = collections.defaultdict(list)
    for rel, s in per_file.items():
        by_site[site_of(rel)].append(s)
    return ({site: score.Aggregate.of(v) for site, v in sorted(by_site.items())},
            score.Aggregate.of(list(per_file.values())))


def gold_roundtrip(cleaner_mod, corpus: Path, seeds: Path) -> dict:
    """Every gold file cleaned as a scraped text: the lines it loses or changes."""
    roots = [("dev/text-gold", corpus / "dev" / "text-gold"), ("dev/html-gold", corpus / "dev" / "html-gold"),
             ("seeds/gold", seeds / "gold")]
    result = {}
    for site_rules in (True, False):
        c = cleaner_mod.Cleaner(site_rules=site_rules)
        files = changed_lines = 0
        changes = []
        for label, root in roots:
            if not root.is_dir():
                continue
            for rel, path in list_texts(root):
                gold = read_text(path)
                out = c.clean(gold, path=rel).text
                files += 1
                want = [ln for ln in (" ".join(x.split()) for x in gold.splitlines()) if ln]
                got = out.splitlines()
                if got != want:
                    lost = [ln for ln in want if ln not in got]
                    changed_lines += max(len(lost), 1)
                    changes.append({"file": f"{label}/{rel}", "lost": lost, "new": [ln for ln in got if ln not in want]})
        result["site rules on" if site_rules else "site rules off"] = {"files": files, "lines_changed": changed_lines,
                                                                        "changes": changes}
    return result


def pools(cleaner_mod, score, corpus: Path) -> dict:
    """Generic output against the shipped rules' output on the pools; rule firings per site."""
    pool = corpus / "dev" / "text-pool"
    generic, shipped = cleaner_mod.Cleaner(site_rules=False), cleaner_mod.Cleaner()
    per_file = {}
    fired: dict = collections.defaultdict(collections.Counter)  # rule -> site -> pages it fired on
    differing = []
    for rel, path in list_texts(pool):
        raw = read_text(path)
        g = generic.clean(raw, path=rel)
        s = shipped.clean(raw, path=rel).text
        per_file[rel] = score.score_text(g.text, s)
        for rule in g.fired:
            fired[rule][site_of(rel)] += 1
        if g.text != s:
            differing.append(rel)
    return {"per_file": per_file, "fired": fired, "differing": differing}


def dateline_shapes(cleaner_mod, corpus: Path, rule_id: str = "GEN-T44") -> dict:
    """Per site: datelines the shipped rules cut from a first line, and how
    many of them the shape of `rule_id` matches (with a word after it)."""
    shipped, generic = cleaner_mod.Cleaner(), cleaner_mod.Cleaner(site_rules=False)
    shape = next((r for r in generic.phases_for(None).get("strip_inline", []) if r.id == rule_id), None)
    if shape is None:
        return {}
    out: dict = collections.defaultdict(lambda: {"datelines": 0, "matched": 0, "missed": []})
    for folder in ("dev/text-pool", "dev/text"):
        for rel, path in list_texts(corpus / folder):
            site = site_of(rel)
            first = {r.id for r in shipped.phases_for(site).get("strip_inline", []) if r.options["scope"] != "all"}
            pieces = [r for r in shipped.clean(read_text(path), path=rel).removed
                      if r.phase == "strip_inline" and r.rule_id in first]
            if not pieces:
                continue
            dateline = pieces[0].text.strip()
            row = out[site]
            row["datelines"] += 1
            if shape.pattern.match(dateline + " Isi"):
                row["matched"] += 1
            elif len(row["missed"]) < 3:
                row["missed"].append(dateline[:50])
    return dict(out)


def learned_from_pools(cleaner_mod, score, corpus: Path) -> dict:
    """dev/text scored with the rules `--learn` draws from the text pools (site rules off)."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="text_generic_learn_") as tmp:
        out = Path(tmp) / "out"
        cmd = [sys.executable, "-m", "cleaner", "clean", str(corpus / "dev" / "text-pool"), "-o", str(out),
               "--learn", "--no-site-rules", "--jobs", "1"]
        env = {**__import__("os").environ, "PYTHONPATH": str(Path(cleaner_mod.__file__).parent.parent)}
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        learned = out / ".cleaner-learned"
        summary = [ln.strip() for ln in proc.stderr.splitlines() if "learned from" in ln or "not learned" in ln]
        files = sorted(p.name for p in (learned / "sites").glob("*.toml")) if learned.is_dir() else []
        rules = {}
        for f in files:
            text = (learned / "sites" / f).read_text(encoding="utf-8")
            rules[f[: -len(".toml")]] = [ln.split("=", 1)[1].strip().strip("'\"") for ln in text.splitlines() if ln.startswith("why =")]
        with_learned = cleaner_mod.Cleaner(site_rules=False, learned=[learned]) if files else None
        generic = cleaner_mod.Cleaner(site_rules=False)
        per = {"generic": {}, "generic+learned": {}}
        text_dir, gold_dir = corpus / "dev" / "text", corpus / "dev" / "text-gold"
        for rel, path in list_texts(text_dir):
            gold, raw = read_text(gold_dir / rel), read_text(path)
            per["generic"][rel] = score.score_text(generic.clean(raw, path=rel).text, gold)
            c = with_learned or generic
            per["generic+learned"][rel] = score.score_text(c.clean(raw, path=rel).text, gold)
    return {"command": " ".join(cmd[2:]), "exit": proc.returncode, "summary": summary, "rules": rules, "per": per}


def print_sites(label: str, tables: dict[str, tuple[dict, object]]) -> None:
    names = list(tables)
    sites = sorted({s for t in tables.values() for s in t[0]})
    w = max(len(s) for s in sites + ["MACRO"])
    print(label)
    print(f"{'site':<{w}} {'n':>3}  " + "  ".join(f"{n:>15}" for n in names))
    print(f"{'':<{w}} {'':>3}  " + "  ".join(f"{'tokF1':>7}{'lineF1':>8}" for _ in names))
    for site in sites + ["MACRO"]:
        cells, n = [], 0
        for name in names:
            agg = tables[name][1] if site == "MACRO" else tables[name][0].get(site)
            n = agg.n if agg else n
            cells.append(f"{fmt(agg.token_f1):>7}{fmt(agg.line_f1):>8}" if agg else f"{'-':>15}")
        print(f"{site:<{w}} {n:>3}  " + "  ".join(cells))
    print("exact: " + "  ".join(f"{name} {t[1].exact}/{t[1].n}" for name, t in tables.items()))
    print()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus root (default: %(default)s)")
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="seeds root (default: %(default)s)")
    ap.add_argument("--tree", type=Path, help="measure the cleaner package and rules of this checkout instead")
    ap.add_argument("--per-file", action="store_true", help="also list every dev text below 1.0")
    ap.add_argument("--learn", action="store_true", help="also learn rules from the text pools (--learn) and score dev/text with them")
    ap.add_argument("--json", metavar="PATH", help="also write the figures as JSON ('-' = stdout)")
    args = ap.parse_args(argv)
    cleaner_mod, score = load_cleaner_module(args.tree)
    print(f"command: python {shlex.join(sys.argv)}")
    print(f"cleaner: {Path(cleaner_mod.__file__).parent}")
    print()

    per = loso(cleaner_mod, score, args.corpus)
    tables = {name: aggregate(score, files) for name, files in per.items()}
    print_sites("1. dev/text, leave-one-site-out (generic: site rules off; shipped: for reference)", tables)
    if args.per_file:
        for rel, s in per["generic"].items():
            if s.token_f1 < 1 or s.line_f1 < 1:
                print(f"   {rel}: token F1 {fmt(s.token_f1)}, line F1 {fmt(s.line_f1)}")
        print()

    trip = gold_roundtrip(cleaner_mod, args.corpus, args.seeds)
    print("2. gold files cleaned as input (dev/text-gold, dev/html-gold, seeds/gold)")
    for label, r in trip.items():
        print(f"   {label}: {r['files']} files, lines changed: {r['lines_changed']}")
        for ch in r["changes"]:
            print(f"     {ch['file']}: lost {ch['lost'][:3]!r} new {ch['new'][:3]!r}")
    print()

    pool = pools(cleaner_mod, score, args.corpus)
    print_sites("3. dev/text-pool: generic output scored against the shipped rules' output", {"generic": aggregate(score, pool["per_file"])})
    sites = sorted({site_of(rel) for rel in pool["per_file"]})
    print("   global rules: pages of each site's pool they fired on (site rules off)")
    for rule in sorted(pool["fired"]):
        if rule.startswith("builtin:"):
            continue
        counts = pool["fired"][rule]
        print(f"   {rule:<10} {sum(counts.values()):>4} pages, {len(counts):>2} sites: "
              + ", ".join(f"{s.split('.')[0]} {counts[s]}" for s in sites if counts[s]))
    print()

    shapes = dateline_shapes(cleaner_mod, args.corpus)
    if shapes:
        print("4. datelines the shipped rules cut (pools and dev texts), matched by GEN-T44's outlet-agnostic shape")
        for site, row in sorted(shapes.items()):
            print(f"   {site:<18} {row['matched']:>3}/{row['datelines']:<3} missed e.g. {row['missed']}")
        total = sum(r["datelines"] for r in shapes.values())
        print(f"   all: {sum(r['matched'] for r in shapes.values())}/{total}")
        print()

    learned = None
    if args.learn:
        learned = learned_from_pools(cleaner_mod, score, args.corpus)
        print(f"5. python -m {learned['command']} (exit {learned['exit']})")
        for line in learned["summary"]:
            print(f"   {line}")
        for site, whys in learned["rules"].items():
            for why in whys:
                print(f"   {site}: {why[:110]}")
        print_sites("   dev/text with the learned rules (site rules off)",
                    {name: aggregate(score, files) for name, files in learned["per"].items()})

    if args.json:
        payload = {
            "command": "python " + shlex.join(sys.argv),
            "loso": {name: {"sites": {s: a.to_dict() if hasattr(a, "to_dict") else vars(a) for s, a in t[0].items()},
                            "macro": t[1].to_dict() if hasattr(t[1], "to_dict") else vars(t[1])}
                     for name, t in tables.items()},
            "gold_roundtrip": {k: {"files": v["files"], "lines_changed": v["lines_changed"]} for k, v in trip.items()},
            "pool_fired": {r: dict(c) for r, c in pool["fired"].items()},
            "dateline_shapes": shapes,
        }
        if learned is not None:
            payload["learn"] = {name: vars(aggregate(score, files)[1]) for name, files in learned["per"].items()}
        write_json(payload, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
