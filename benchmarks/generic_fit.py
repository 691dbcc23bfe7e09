#!/usr/bin/env python3
"""Where the generic extractor's weights and thresholds come from.

Every candidate of every page of generic-dev (150 WCXB pages) and dev/html
(22 Indonesian news pages), site rules off, is extracted once: trafilatura's
fast, precision and full passes and the cleaner's body finder, on the page
pruned by the global node rules, as cleaner/extract.py extracts them; each
is cleaned by the global text rules and scored against the gold. Then the
choice is replayed with the extractor's own code (``extract.first_pair``,
``Run.of``, ``could_change_choice``, ``choose``) while one setting at a time
moves away from the shipped value (the others stay shipped):

- content_score.WEIGHT_AGREEMENT, WEIGHT_COVERAGE, ARTICLE_SHARE;
- extract.MARGIN, BODY_MARGIN, PRECISION_GATE, RETRY_SHARE;
- body.BLOCKS, PROSE_SHARE, MAX_LINK_DENSITY (the body is found again).

Per set and value: the mean token F1 of the chosen candidates, the pages
more than 0.05 below the better of trafilatura and trafilatura with
favor_precision (run on the raw page), the Spearman rank correlation of the
chosen candidate's score with its token F1, how many pages run the
precision and full passes, and the body finder's mean token F1 alone. Also each candidate alone and the best candidate
of every page (the ceiling of any choice).

generic-dev is where the values are set; dev is the check. A page too big
or too deep for trafilatura would be rendered instead; no corpus page is.

Run from the repo root:  python benchmarks/generic_fit.py [--json out.json]
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from _common import DEFAULT_CORPUS, WCXB_ATTRIBUTION, generic_rules_dir, load_pages, write_json
from generic_quality import BEHIND, PARTS, spearman
from peers import trafilatura_html, trafilatura_precision_html
from trafilatura.utils import load_html

from cleaner import Cleaner, body, content_score, extract  # after _common, which puts the working tree first on sys.path
from cleaner.html import NEVER_TEXT, page_url, parse_html, parser_input
from cleaner.html_stage import prune
from cleaner.page import HTML
from cleaner.score import score_text
from cleaner.text import clean_lines

#: The settings moved, one at a time: (module, name, values tried).
SWEEP = (
    (content_score, "WEIGHT_AGREEMENT", (0.5, 0.6, 0.7, 0.8, 0.9)),
    (content_score, "WEIGHT_COVERAGE", (0.0, 0.3, 0.5, 0.7, 0.9)),
    (content_score, "ARTICLE_SHARE", (0.1, 0.2, 0.3, 0.5)),
    (extract, "MARGIN", (0.0, 0.05, 0.1, 0.2)),
    (extract, "BODY_MARGIN", (0.0, 0.05, 0.15, 0.3)),
    (extract, "PRECISION_GATE", (0.4, 0.6, 0.8, 0.9)),
    (extract, "RETRY_SHARE", (0.05, 0.12, 0.2, 0.3)),
)
#: The body finder's settings, moved one at a time (the body is found again).
BODY_SWEEP = (
    (body, "BLOCKS", ("p, pre, blockquote, td, div", "p, pre, blockquote, td, li, dd, div")),
    (body, "PROSE_SHARE", (0.5, 0.6, 0.7, 0.8, 1.01)),  # above 1: readability's choice only
    (body, "MAX_LINK_DENSITY", (0.1, 0.15, 0.25, 0.35)),
)
CANDIDATES = (*extract.PASSES, "body")


@contextmanager
def setting(module, name: str, value):
    """A module constant set to `value` for the block."""
    old = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, old)


def extract_all(corpus: Path, part: str, cleaner: Cleaner) -> list[dict]:
    """Every page's candidates: lines, their token F1 after the global text
    rules, the page's facts, and the peers' token F1."""
    html_rel, gold_rel, _ = PARTS[part]
    html_rules, text_rules = cleaner.rules_for("html", None), cleaner.rules_for("text", None)
    pages = []
    for rel, data, url in load_pages(corpus / html_rel):
        gold = (corpus / gold_rel / rel).with_suffix(".txt").read_text(encoding="utf-8")
        tree = parse_html(parser_input(data, rel))
        url = url or page_url(tree)
        prune(tree, html_rules)
        tree.strip_tags(NEVER_TEXT)  # as extract_generic does, before anything reads the tree
        page = tree.html or ""
        document = None if extract.too_large(page) else load_html(page)
        if document is None:
            print(f"{part}/{rel}: too large or no document for trafilatura; left out", file=sys.stderr)
            continue
        lines = {name: extract.trafilatura_pass(document, url, name) for name in extract.PASSES}
        lines["body"] = body.body_lines(tree)
        f1 = {name: cleaned_f1(ls, text_rules, gold) for name, ls in lines.items()}
        peers = max(score_text(fn(data, url), gold).token_f1 for fn in (trafilatura_html, trafilatura_precision_html))
        facts = content_score.PageFacts(content_score.link_texts(tree), content_score.content_length(tree))
        pages.append({"page": rel, "lines": lines, "f1": f1, "facts": facts, "peers": peers, "tree": tree,
                      "gold": gold})
    return pages


def cleaned_f1(lines, text_rules, gold: str) -> float:
    """Token F1 of lines once the global text rules have run on them."""
    return score_text("\n".join(ln.text for ln in clean_lines(list(lines), text_rules, HTML)), gold).token_f1


def refind_body(pages: list[dict], text_rules) -> list[dict]:
    """The pages with the body found again under the settings in force."""
    out = []
    for p in pages:
        lines = body.body_lines(p["tree"])
        out.append(p | {"lines": p["lines"] | {"body": lines},
                        "f1": p["f1"] | {"body": cleaned_f1(lines, text_rules, p["gold"])}})
    return out


def replay(pages: list[dict]) -> dict:
    """The choice on every page with the settings in force, as extract_generic makes it."""
    chosen, scores, behind, passes = [], [], [], {"precision": 0, "full": 0}
    for p in pages:
        facts, lines = p["facts"], p["lines"]
        fast, body = extract.first_pair(lines["fast"], lines["body"], facts)
        runs = [fast, body]
        for name in ("precision", "full"):
            if extract.could_change_choice(name, fast, facts):
                runs.append(extract.Run.of(name, lines[name], facts, body.shape))
                passes[name] += 1
        best = extract.choose(runs)
        f1 = p["f1"][best.name]
        chosen.append(f1)
        scores.append(best.score)
        if f1 < p["peers"] - BEHIND:
            behind.append(p["page"])
    return {"token_f1": statistics.fmean(chosen), "behind": behind, "spearman": spearman(scores, chosen),
            "precision_passes": passes["precision"], "full_passes": passes["full"], "pages": len(pages)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="corpus root holding generic-dev/ and dev/ (default: %(default)s)")
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON ('-' = stdout)")
    args = ap.parse_args(argv)
    out = sys.stderr if args.json == "-" else sys.stdout
    command = "python " + shlex.join(sys.argv)
    print(f"command: {command}\n{WCXB_ATTRIBUTION}", file=out)
    with tempfile.TemporaryDirectory(prefix="generic_fit_") as tmp:
        cleaner = Cleaner([generic_rules_dir(Path(tmp) / "genonly")], shipped=False)
        sets = {part: extract_all(args.corpus, part, cleaner) for part in PARTS}

    alone = {part: {name: statistics.fmean(p["f1"][name] for p in pages) for name in CANDIDATES}
             | {"best of page": statistics.fmean(max(p["f1"].values()) for p in pages)}
             for part, pages in sets.items()}
    print("\nmean token F1 of each candidate alone, and of the best candidate of every page", file=out)
    for part, row in alone.items():
        print(f"  {part:<12} " + "  ".join(f"{k} {v:.3f}" for k, v in row.items()), file=out)

    shipped = {part: replay(pages) for part, pages in sets.items()}
    sweep = []
    head = "  ".join(f"{part + ': F1 behind rho prec/full body':<36}" for part in sets)
    print(f"\none setting at a time (* = shipped); per set: mean token F1 of the choice, pages more than "
          f"{BEHIND} below max(trafilatura, trafilatura-precision), Spearman of score and F1, precision / full "
          f"passes, the body finder alone\n{'setting':<32} {head}", file=out)
    text_rules = cleaner.rules_for("text", None)
    for module, name, values in SWEEP + BODY_SWEEP:
        for value in values:
            with setting(module, name, value):
                found = {part: refind_body(pages, text_rules) for part, pages in sets.items()} \
                    if module is body else sets
                res = {part: replay(pages) for part, pages in found.items()}
                for part, pages in found.items():
                    res[part]["body_alone"] = statistics.fmean(p["f1"]["body"] for p in pages)
            mark = "*" if value == getattr(module, name) else " "
            cells = "  ".join(f"{r['token_f1']:.4f} {len(r['behind']):>3} {r['spearman']:.3f} "
                              f"{r['precision_passes']:>3}/{r['full_passes']:<3} {r['body_alone']:.3f}{'':<4}"
                              for r in res.values())
            print(f"{mark}{name + ' = ' + str(value):<31} {cells}", file=out)
            sweep.append({"setting": name, "value": value, "shipped": mark == "*", "results": res})
    if args.json:
        write_json({"command": command, "attribution": WCXB_ATTRIBUTION, "alone": alone, "shipped": shipped,
                    "sweep": sweep}, args.json, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
