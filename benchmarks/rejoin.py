#!/usr/bin/env python3
"""Where the `rejoin` phase's thresholds come from, and what it does on the pools.

1. **Split paragraphs** (positives): every saved HTML page of <corpus>/dev/html
   and dev/html-pool is rendered the way a text-node scraper renders it: each
   paragraph of the article body (the <p>s of the element holding most of the
   page's paragraph text) with every inline element (a, em, strong, i, b,
   span, u, sup, sub) and every text run between them on a line of its own; a
   <br> ends a line, as in the page. The paragraphs as the page shows them are
   the truth. Scored per line break: a break inside a paragraph should be
   joined, a break between paragraphs should not; and per paragraph: restored
   exactly. Swept over `max_words` and `max_lines`.
2. **The pools** (negatives): the 337 unlabelled texts of <corpus>/dev/text-pool
   and the 34 of dev/text, cleaned with the generic rules (site rules off):
   these scrapes kept their paragraphs whole, so every join there is wrong
   unless it mends a split the scraper made. Prints every join (the lines
   joined), for checking by hand, and how many per threshold.

Run from the repo root:  python benchmarks/rejoin.py [--show N] [--json out.json]
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from _common import DEFAULT_CORPUS, list_files, list_texts, read_text, write_json

from cleaner.page import Line  # after _common, which puts the working tree first
from cleaner.phases.rejoin import join_runs, separators

INLINE = {"a", "em", "strong", "i", "b", "span", "u", "sup", "sub", "font", "mark", "small"}
WORDS = (1, 2, 3, 4, 6, 8, 12, 16)
LINES = (2, 3, 4, 6, 8, 12, 16, 24)


def _norm(text: str) -> str:
    return " ".join(text.split())


def _fragments(p) -> list[tuple[list[str], str]]:
    """A <p> as a text-node scraper leaves it: for each of its lines (a <br>
    ends one), the fragments, and the line as the page shows it."""
    lines, frags, raw = [], [], []
    node = p.child
    while node is not None:
        if node.tag == "br":
            if frags:
                lines.append((frags, _norm("".join(raw))))
            frags, raw = [], []
        else:
            text = (node.text_content if node.tag == "-text" else node.text(deep=True)) or ""
            if _norm(text):
                frags.append(_norm(text))
            raw.append(text)
        node = node.next
    if frags:
        lines.append((frags, _norm("".join(raw))))
    return lines


def _body_paragraphs(page: bytes):
    """The <p>s of the element holding most of the page's paragraph text."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(page)
    best, best_len = None, 0
    totals: dict[int, list] = {}
    for p in tree.css("p"):
        parent = p.parent
        if parent is None:
            continue
        entry = totals.setdefault(parent.mem_id, [parent, 0, []])
        entry[1] += len(p.text(deep=True) or "")
        entry[2].append(p)
    for parent, length, ps in totals.values():
        if length > best_len:
            best, best_len = ps, length
    return best or []


#: The pages the thresholds were set on, and pages held out (not looked at
#: while setting them: English WCXB pages, a different language and templates).
FIT = ("dev/html", "dev/html-pool")
HELD_OUT = ("generic-dev/html",)


def split_pages(corpus: Path, folders=FIT) -> list[tuple[str, list[tuple[list[str], str]]]]:
    """(page, [(paragraph as its fragments, the paragraph), ...]) for every saved page."""
    out = []
    for folder in folders:
        for rel, path in list_files(corpus / folder, "*.html"):
            paragraphs = [line for p in _body_paragraphs(path.read_bytes()) for line in _fragments(p)]
            if paragraphs:
                out.append((f"{folder}/{rel}", paragraphs))
    return out


def score_splits(pages, max_words: int, max_lines: int, misses: list | None = None) -> dict:
    """Per line break (joined inside a paragraph, joined between two) and per
    split paragraph (restored exactly as the page shows it)."""
    inside = joined_inside = between = joined_between = split_paras = restored = 0
    for name, paragraphs in pages:
        texts, owner = [], []
        for k, (frags, _) in enumerate(paragraphs):
            texts += frags
            owner += [k] * len(frags)
        runs = {start: end for start, end in join_runs(texts, max_words, max_lines)}
        joined = {b for start, end in runs.items() for b in range(start, end - 1)}
        for b in range(len(texts) - 1):
            if owner[b] == owner[b + 1]:
                inside += 1
                joined_inside += b in joined
            else:
                between += 1
                joined_between += b in joined
        pos = 0
        for frags, truth in paragraphs:
            if len(frags) > 1:
                split_paras += 1
                lines = [Line(i, t) for i, t in enumerate(frags)]
                end = runs.get(pos)
                ok = end == pos + len(frags) and frags[0] + "".join(
                    sep + ln.text for sep, ln in zip(separators(lines), lines[1:])) == truth
                restored += ok
                if not ok and misses is not None:
                    misses.append((name, frags, truth))
            pos += len(frags)
    return {"breaks_inside": inside, "joined_inside": joined_inside, "breaks_between": between,
            "joined_between": joined_between, "split_paragraphs": split_paras, "restored": restored}


def pool_joins(corpus: Path, max_words: int, max_lines: int) -> list[tuple[str, list[str]]]:
    """Every join the phase makes on the pools' texts (generic rules, up to drop_line)."""
    from cleaner import Cleaner
    from cleaner.page import Line
    from cleaner.phases import PHASES
    from cleaner.text import TextRun

    cleaner = Cleaner(site_rules=False)
    joins = []
    for folder in ("dev/text-pool", "dev/text"):
        for rel, path in list_texts(corpus / folder):
            rules = cleaner.phases_for(None)
            lines = [Line(i, _norm(t)) for i, t in enumerate(read_text(path).splitlines(), 1) if t.strip()]
            run = TextRun(lines, "text", [])
            for phase in PHASES.phases("text"):
                if phase.order >= 35:
                    break
                lines = phase.run(lines, rules.get(phase.kind, ()), run)
            texts = [ln.text for ln in lines]
            for start, end in join_runs(texts, max_words, max_lines):
                joins.append((f"{folder}/{rel}", texts[start:end]))
    return joins


def sample_joins(pages, max_words: int, max_lines: int, n: int, seed: int, label: str) -> None:
    """N joins the phase makes on the split pages, drawn at random: the lines
    joined and what the page shows (one paragraph, or several), to read."""
    import random

    joins = []
    for name, paragraphs in pages:
        texts, owner = [], []
        for k, (frags, _) in enumerate(paragraphs):
            texts += frags
            owner += [k] * len(frags)
        for start, end in join_runs(texts, max_words, max_lines):
            lines = [Line(i, t) for i, t in enumerate(texts[start:end])]
            joined = lines[0].text + "".join(sep + ln.text for sep, ln in zip(separators(lines), lines[1:]))
            truth = [paragraphs[k][1] for k in sorted(set(owner[start:end]))]
            joins.append((name, joined, truth))
    print(f"\n{label}: {n} of their {len(joins)} joins, drawn at random (seed {seed}): the joined line (J) "
          f"and the page's paragraph(s) (P)")
    for k, (name, joined, truth) in enumerate(random.Random(seed).sample(joins, min(n, len(joins))), 1):
        print(f"  {k:>2}. {name}")
        print(f"      J {joined}")
        for t in truth:
            print(f"      P {t}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus root (default: %(default)s)")
    ap.add_argument("--max-words", type=int, default=None, help="the setting to list joins for (default: the shipped rule's)")
    ap.add_argument("--max-lines", type=int, default=None)
    ap.add_argument("--show", type=int, default=40, help="pool joins to print (default: %(default)s)")
    ap.add_argument("--sample", type=int, default=0, metavar="N",
                    help="also print N joins drawn at random from the split pages, with the page's paragraphs, to check by hand")
    ap.add_argument("--seed", type=int, default=15, help="seed of the --sample draw (default: %(default)s)")
    ap.add_argument("--json", metavar="PATH", help="also write the figures as JSON ('-' = stdout)")
    args = ap.parse_args(argv)
    print(f"command: python {shlex.join(sys.argv)}")

    from cleaner import Cleaner

    shipped = Cleaner(site_rules=False).phases_for(None).get("rejoin", [])
    max_words = args.max_words or (shipped[0].options["max_words"] if shipped else 8)
    max_lines = args.max_lines or (shipped[0].options["max_lines"] if shipped else 12)

    pages = split_pages(args.corpus)
    held = split_pages(args.corpus, HELD_OUT)
    base = score_splits(pages, 10**6, 10**6)
    print(f"\n1. split paragraphs: {len(pages)} pages, {sum(len(p) for _, p in pages)} paragraphs, "
          f"{base['split_paragraphs']} split by inline elements, {base['breaks_inside']} breaks inside paragraphs, "
          f"{base['breaks_between']} between")
    sweep = {}
    print(f"{'max_words':>9} {'max_lines':>9} {'inside joined':>14} {'between joined':>15} {'paragraphs restored':>20} "
          f"{'pool joins':>10}")
    for w in WORDS:
        for n in LINES:
            s = score_splits(pages, w, n)
            pj = len(pool_joins(args.corpus, w, n)) if n in (max_lines,) or w in (max_words,) else None
            sweep[f"{w},{n}"] = {**s, "pool_joins": pj}
            if w == max_words or n == max_lines:
                print(f"{w:>9} {n:>9} {s['joined_inside'] / s['breaks_inside']:>14.3f} {s['joined_between']:>15} "
                      f"{s['restored']:>11}/{s['split_paragraphs']:<8} {pj if pj is not None else '-':>10}")

    h = score_splits(held, max_words, max_lines)
    print(f"\n   held out ({', '.join(HELD_OUT)}: {len(held)} pages, English, not looked at while setting the thresholds), "
          f"max_words={max_words}, max_lines={max_lines}: {h['split_paragraphs']} split paragraphs, "
          f"{h['restored']} restored exactly; breaks inside joined {h['joined_inside']}/{h['breaks_inside']}, "
          f"between joined {h['joined_between']}/{h['breaks_between']}")
    sweep["held_out"] = h
    joins = pool_joins(args.corpus, max_words, max_lines)
    print(f"\n2. pools (dev/text-pool + dev/text, generic rules up to drop_line), max_words={max_words}, "
          f"max_lines={max_lines}: {len(joins)} joins")
    for src, texts in joins[: args.show]:
        print(f"  {src}:")
        for t in texts:
            print(f"     | {t[:160]}")
    if args.sample:
        sample_joins(pages, max_words, max_lines, args.sample, args.seed, "3. the split dev pages")
        sample_joins(held, max_words, max_lines, args.sample, args.seed, "4. the split held-out pages")
    if args.json:
        write_json({"command": "python " + shlex.join(sys.argv), "max_words": max_words, "max_lines": max_lines,
                    "sweep": sweep, "pool_joins": [{"file": f, "lines": t} for f, t in joins]}, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
