"""warcio against FastWARC on a real WARC built from the corpus pages.

    python benchmarks/warc_readers.py [--records 4000] [--runs 7] [--corpus ../shared/corpus]

Writes the dev corpus pages (dev/html, dev/html-pool, dev/text, dev/text-pool,
cycled up to --records) as response records, each followed by its request
record, into a WARC and a WARC.gz (per-record gzip, as crawlers write them)
with warcio. Then, pinned to one core, times each reader over every record
(the response records' URL, id, content type and payload read whole: what
the cleaner takes from a WARC), median / min / max of --runs, and checks
that both readers give the same records. Prints the MB/s and records/s of
each and the ratio.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def corpus_pages(corpus: Path) -> list[tuple[str, str, bytes]]:
    pages = []
    for part, ctype in (("html", "text/html; charset=utf-8"), ("html-pool", "text/html; charset=utf-8"),
                        ("text", "text/plain; charset=utf-8"), ("text-pool", "text/plain; charset=utf-8")):
        for path in sorted((corpus / "dev" / part).rglob("*")):
            if path.is_file() and path.suffix in (".html", ".txt"):
                rel = path.relative_to(corpus / "dev" / part)
                pages.append((f"https://{rel.parts[0]}/{part}/{'/'.join(rel.parts[1:])}", ctype, path.read_bytes()))
    return pages


def build_warc(path: Path, pages, records: int, gz: bool) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "benchmarks/warc_readers.py"}))
        for i in range(records):
            url, ctype, payload = pages[i % len(pages)]
            url = f"{url}?copy={i // len(pages)}"
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(payload)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=http))
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", url.split("/")[2])], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=request))


def read_warcio(path: Path) -> list[tuple]:
    from warcio.archiveiterator import ArchiveIterator

    out = []
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "response":
                continue
            headers = record.rec_headers
            ctype = record.http_headers.get_header("Content-Type", "") if record.http_headers else ""
            data = record.content_stream().read()
            out.append((headers.get_header("WARC-Target-URI"), headers.get_header("WARC-Record-ID"), ctype, data))
    return out


def read_fastwarc(path: Path) -> list[tuple]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    out = []
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh, record_types=WarcRecordType.response, parse_http=True):
            ctype = record.http_headers.get("Content-Type", "") if record.http_headers else ""
            data = record.reader.read()
            out.append((record.headers.get("WARC-Target-URI"), record.record_id, ctype, data))
    return out


def digest(records: list[tuple]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for url, rid, ctype, data in records:
        h.update(f"{url}\0{rid}\0{ctype}\0".encode())
        h.update(hashlib.blake2b(data, digest_size=16).digest())
    return h.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--records", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        cores = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cores[-1]})
    import fastwarc
    import warcio

    print(f"command: {' '.join(sys.argv)}")
    print(f"warcio {warcio.__version__ if hasattr(warcio, '__version__') else '?'}, "
          f"FastWARC {getattr(fastwarc, '__version__', '?')}, Python {sys.version.split()[0]}, pinned to one core")
    pages = corpus_pages(args.corpus)
    with tempfile.TemporaryDirectory(prefix="warc-bench-") as scratch:
        for gz in (False, True):
            path = Path(scratch) / ("crawl.warc.gz" if gz else "crawl.warc")
            build_warc(path, pages, args.records, gz)
            size = path.stat().st_size
            payload = sum(len(p[2]) for p in (pages[i % len(pages)] for i in range(args.records)))
            print(f"\n{path.name}: {args.records} response + {args.records} request records, {size / 1e6:.1f} MB on disk, "
                  f"{payload / 1e6:.1f} MB of pages")
            results = {}
            for name, reader in (("warcio", read_warcio), ("fastwarc", read_fastwarc)):
                got = reader(path)  # warm-up, and the records to compare
                times = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    reader(path)
                    times.append(time.perf_counter() - started)
                med = statistics.median(times)
                results[name] = (med, got)
                print(f"  {name:9s} median {med * 1000:7.1f} ms (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}), "
                      f"{len(got) / med:8.0f} records/s, {payload / med / 1e6:6.0f} MB/s of pages")
            same = digest(results["warcio"][1]) == digest(results["fastwarc"][1])
            print(f"  same records: {same} ({len(results['warcio'][1])} / {len(results['fastwarc'][1])}); "
                  f"fastwarc / warcio time: {results['fastwarc'][0] / results['warcio'][0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
