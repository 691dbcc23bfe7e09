"""Clean every page of the shared corpus, the seeds and samples/ and write
the outputs to a folder, to compare two versions of the cleaner byte for byte.

    python benchmarks/snapshot.py /tmp/snap-after
    python benchmarks/snapshot.py /tmp/snap-before --tree /tmp/old-checkout
    diff -r /tmp/snap-before /tmp/snap-after

Each page is cleaned with `Cleaner().clean_page(bytes, path=<site>/<file>,
url=<index.jsonl url>)`, as the quality benchmarks call it. OUT holds
`<set>/<relpath>.txt` (the cleaned text) and `<set>.jsonl` (per page: site,
how detected, extractor, body rule, fired rules), so a difference can be
told apart as text or as bookkeeping. `--tree DIR` imports the `cleaner`
package found in DIR instead of the working tree's (a checkout of an older
commit: `git archive REV | tar -x -C DIR`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent

#: (set name, folder under the corpus / seeds / repo, file pattern)
SETS = (
    ("dev-text", "corpus:dev/text", "*.txt"),
    ("dev-text-pool", "corpus:dev/text-pool", "*.txt"),
    ("dev-html", "corpus:dev/html", "*.html"),
    ("dev-html-pool", "corpus:dev/html-pool", "*.html"),
    ("generic-dev", "corpus:generic-dev/html", "*.html"),
    ("seeds", "seeds:raw", "*"),
    ("samples", "repo:samples/raw", "*"),
    ("layout-samples", "repo:rules/samples", "*.html"),
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--tree", type=Path, default=REPO_ROOT, help="the checkout whose cleaner package is imported")
    ap.add_argument("--corpus", type=Path, default=REPO_ROOT.parent / "shared" / "corpus")
    ap.add_argument("--seeds", type=Path, default=REPO_ROOT.parent / "shared" / "seeds")
    ap.add_argument("--no-site-rules", action="store_true", help="generic rules only (when the tree supports it)")
    args = ap.parse_args()
    sys.path.insert(0, str(args.tree.resolve()))
    from cleaner import Cleaner  # noqa: E402  (after the tree is on the path)

    cleaner = Cleaner(site_rules=False) if args.no_site_rules else Cleaner()
    roots = {"corpus": args.corpus, "seeds": args.seeds, "repo": args.tree}
    for name, where, pattern in SETS:
        base, _, sub = where.partition(":")
        root = roots[base] / sub
        urls = _urls(root)
        records = []
        for path in sorted(p for p in root.rglob(pattern) if p.is_file() and p.name != "index.jsonl"):
            rel = path.relative_to(root).as_posix()
            result = cleaner.clean_page(path.read_bytes(), path=rel, url=urls.get(rel))
            out = args.out / name / f"{rel}.txt"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(result.text + "\n" if result.text else "", encoding="utf-8")
            records.append({"page": rel, "site": result.site, "site_source": result.site_source,
                            "extractor": result.extractor, "layout": getattr(result, "layout", None), "body_rule": result.body_rule,
                            "fired": dict(sorted(result.fired.items()))})
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / f"{name}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                                                encoding="utf-8")
        print(f"{name}: {len(records)} pages", file=sys.stderr)
    return 0


def _urls(root: Path) -> dict[str, str]:
    index = root / "index.jsonl"
    if not index.is_file():
        return {}
    urls = {}
    for line in index.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            if rec.get("url"):
                urls[rec["path"]] = rec["url"]
    return urls


if __name__ == "__main__":
    sys.exit(main())
