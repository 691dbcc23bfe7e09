"""The whole dev corpus as a folder, a JSONL export, a CSV export and a WARC
archive: `cleaner clean` must give the same text for every page in all four.

    python benchmarks/batch_forms.py [--corpus ../shared/corpus] [--jobs 2]

The folder is the corpus itself (dev/text, dev/text-pool, dev/html,
dev/html-pool); the exports and the archive are built from it in a temp dir.
Each record carries the page's id (`<set>/<site>/<stem>`, so the site folder
decides the site as in the folder run) and its URL where the corpus has one.
The WARC records get the page id as their URL path on the page's site and a
record id derived from the page id, so outputs can be matched back.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from _common import DEFAULT_CORPUS, BATCH_SETS, cleaner_cli_argv, list_batch_corpus


def record_uuid(page_id: str) -> str:
    return str(uuid.UUID(hashlib.md5(page_id.encode()).hexdigest()))


def build_exports(pages, tmp: Path) -> dict[str, Path]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    forms = {"jsonl": tmp / "corpus.jsonl", "csv": tmp / "corpus.csv", "warc": tmp / "corpus.warc.gz"}
    with open(forms["jsonl"], "w", encoding="utf-8") as jl, open(forms["csv"], "w", encoding="utf-8", newline="") as cf, open(
        forms["warc"], "wb"
    ) as wf:
        writer = csv.DictWriter(cf, fieldnames=["doc", "link", "isi", "halaman"])
        writer.writeheader()
        warc = WARCWriter(wf, gzip=True)
        for page in pages:
            content = page.path.read_text(encoding="utf-8", errors="replace")
            page_id = f"{page.set_name}/{page.rel.rsplit('.', 1)[0]}"
            jl.write(json.dumps({"id": page_id, "url": page.url, page.kind: content}, ensure_ascii=False) + "\n")
            row = {"doc": page_id, "link": page.url or "", "isi": "", "halaman": ""}
            row["halaman" if page.kind == "html" else "isi"] = content
            writer.writerow(row)
            site = page.rel.split("/", 1)[0]
            url = page.url or f"https://{site}/{page_id}"
            ctype = "text/html; charset=utf-8" if page.kind == "html" else "text/plain; charset=utf-8"
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            warc.write_record(
                warc.create_warc_record(
                    url, "response", payload=io.BytesIO(content.encode("utf-8")), http_headers=http,
                    warc_headers_dict={"WARC-Record-ID": f"<urn:uuid:{record_uuid(page_id)}>"},
                )
            )
    return forms


def run(args: list[str]) -> None:
    done = subprocess.run(cleaner_cli_argv(["clean", *args]), capture_output=True, text=True)
    if done.returncode not in (0,):
        sys.exit(f"cleaner failed ({done.returncode}): {' '.join(args)}\n{done.stderr}")


def texts_of_jsonl(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8") as fh:
        return {(rec := json.loads(line))["id"]: rec["text"] for line in fh}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    pages = list_batch_corpus(args.corpus)
    tmp = Path(tempfile.mkdtemp(prefix="batch_forms_"))
    try:
        forms = build_exports(pages, tmp)
        jobs = ["--jobs", str(args.jobs), "-q", "--format", "jsonl", "--force"]
        # the folder: a tree with the four sets side by side, as the corpus has them
        tree = tmp / "tree"
        for folder in BATCH_SETS:
            shutil.copytree(args.corpus / folder, tree / folder.split("/", 1)[1])
        run([str(tree), "-o", str(tmp / "folder.out.jsonl"), *jobs])
        run([str(forms["jsonl"]), "-o", str(tmp / "jsonl.out.jsonl"), *jobs])
        run([str(forms["csv"]), "--id-field", "doc", "--url-field", "link", "--text-field", "isi", "--html-field", "halaman",
             "-o", str(tmp / "csv.out.jsonl"), *jobs])
        run([str(forms["warc"]), "-o", str(tmp / "warc.out.jsonl"), *jobs])

        results = {form: texts_of_jsonl(tmp / f"{form}.out.jsonl") for form in ("folder", "jsonl", "csv", "warc")}
        by_uuid = {record_uuid(pid): pid for pid in results["jsonl"]}
        results["warc"] = {by_uuid[rid.rsplit("/", 1)[1]]: text for rid, text in results["warc"].items()}
        reference = results["folder"]
        print(f"pages in the corpus: {len(pages)} ({sum(p.kind == 'html' for p in pages)} HTML)")
        same = True
        for form, texts in results.items():
            differ = [pid for pid in reference if texts.get(pid) != reference[pid]]
            same = same and not differ and len(texts) == len(reference)
            print(f"{form:7} {len(texts)} pages cleaned; {len(differ)} differ from the folder run" + (f", e.g. {differ[:3]}" if differ else ""))
        print("same texts out in all four forms" if same else "the forms DIFFER")
        return 0 if same else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
