"""Where pages come from: folder trees, single files, stdin, JSONL and CSV
exports, WARC archives. Every reader is a generator, so a batch streams its
input however large it is.

Each yields `Page`s (page.py) carrying the raw content with what is known
about it: a stable id (also the output name; its first folder may name the
site), the URL, and where it came from, for one-line error messages. A page
file is only named (`file`): `load` reads it, in the worker that cleans it.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .html import sniff_kind
from .io import InputError, read_page_file
from .page import Page
from .sites import host_of

#: File names picked up when walking a folder (a page's kind is sniffed from its content).
PAGE_SUFFIXES = (".txt", ".html", ".htm")
#: Export formats recognised by their file name.
EXPORT_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".csv", ".warc", ".warc.gz", ".arc.gz")

#: WARC response content types read as pages (a record without one is read as HTML).
PAGE_CONTENT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")

DEFAULT_ID_FIELDS = ("id", "doc_id", "uuid", "key")
DEFAULT_URL_FIELDS = ("url", "link", "source_url", "canonical")
DEFAULT_HTML_FIELDS = ("html", "raw_html", "page", "body_html")
DEFAULT_TEXT_FIELDS = ("text", "content", "article", "body", "isi", "isi_berita", "berita")


@dataclass(frozen=True)
class Fields:
    """Which record fields of a JSONL/CSV export hold what (None: try the defaults)."""

    text: str | None = None
    html: str | None = None
    url: str | None = None
    id: str | None = None


def load(page: Page) -> Page:
    """The page with its file read (a page that is not a file not read yet
    comes back as it is). The content decides the kind; the extension only
    settles a fragment the sniffer is unsure of (an .html file that starts
    with a bare tag). A file that cannot be read gives a page with an error."""
    if page.data is not None or page.file is None:
        return page
    try:
        data = read_page_file(page.file)
    except InputError as exc:
        return page.replace(data=b"", error=str(exc))
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: sniff the decoded text, not NUL-interleaved bytes
        head = head[: len(head) & ~1].decode("utf-16", "replace")
    kind = sniff_kind(head)
    if kind == "text" and page.file.suffix.lower() in (".html", ".htm") and re.search(rb"<[a-zA-Z][^>]{0,200}>", data[:4096]):
        kind = "html"
    return page.replace(data=data, kind=kind)


def fingerprint(page: Page) -> str:
    """Changes whenever what the cleaner is given changes: content, URL, kind.
    A file not read yet is known by its size and modification time, so a
    rerun can skip it without reading it."""
    digest = hashlib.blake2b(digest_size=12)
    if page.data is None and page.file is not None:
        try:
            st = page.file.stat()
            digest.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
        except OSError:
            digest.update(os.urandom(8))  # unreadable now: never up to date
    else:
        data = page.data
        digest.update(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data or b"")
    digest.update(f"\0{page.url or ''}\0{page.kind or ''}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


_UNSAFE = re.compile(r"[^\w.@+=-]+")


def safe_id(raw: str, fallback: str) -> str:
    """A relative output name that can never leave the output folder:
    every path part is reduced to safe characters, '.' and '..' parts and
    absolute roots are dropped."""
    parts = []
    for part in re.split(r"[\\/]+", raw):
        part = _UNSAFE.sub("_", part).strip("._")
        part = part.encode("utf-8", "surrogateescape")[:120].decode("utf-8", "ignore")  # bytes: a file name has 255 at most
        if part:
            parts.append(part)
    return "/".join(parts[-6:]) or fallback


def is_export(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(s) for s in EXPORT_SUFFIXES)


def walk_folder(root: Path) -> Iterator[Page]:
    """Pages of a folder tree, in a stable order, never following symlinked folders."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(PAGE_SUFFIXES):
                continue
            path = Path(folder, name)
            rel = path.relative_to(root).with_suffix("")
            yield read_file_page(path, rel.as_posix())


def read_file_page(path: Path, page_id: str) -> Page:
    """A page file, read later by the worker that cleans it (Page.load)."""
    return Page(None, id=page_id, source=str(path), file=path)


def single_file(path: Path) -> Page:
    """A lone file keeps its parent folder's name, which may name the site:
    scraped/detik.com/x.txt -> id detik.com/x."""
    parent = path.resolve().parent.name  # "" for a file in the root folder
    return read_file_page(path, f"{parent}/{path.stem}" if parent else path.stem)


def stdin_page() -> Page:
    return Page(sys.stdin.buffer.read(), id="stdin", source="<stdin>")


def _open_text(path: Path):
    # utf-8-sig: exports saved by spreadsheet tools start with a BOM, which
    # would otherwise stick to the first CSV header or break the first JSON line
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8-sig", errors="replace", newline="")
    return open(path, encoding="utf-8-sig", errors="replace", newline="")


def _pick(record: dict, explicit: str | None, defaults: tuple[str, ...]) -> object:
    if explicit:
        return record.get(explicit)
    for name in defaults:
        if record.get(name) not in (None, ""):
            return record[name]
    return None


def record_page(record: dict, fields: Fields, where: str, number: int, stem: str) -> Page:
    """One JSONL/CSV record as a Page: HTML field first, then text."""
    url = _pick(record, fields.url, DEFAULT_URL_FIELDS)
    url = valid_text(str(url)) if url else None
    raw_id = _pick(record, fields.id, DEFAULT_ID_FIELDS)
    fallback = f"{stem}/{number:08d}"
    if raw_id not in (None, ""):
        page_id = safe_id(str(raw_id), fallback)
    else:
        page_id = fallback
    host = host_of(url) if url else None
    if host and "/" not in page_id:
        page_id = f"{safe_id(host, 'site')}/{page_id}"  # the first folder names the site
    html = _pick(record, fields.html, DEFAULT_HTML_FIELDS)
    text = _pick(record, fields.text, DEFAULT_TEXT_FIELDS)
    if html not in (None, ""):
        return Page(valid_text(str(html)), id=page_id, source=where, url=url, kind="html")
    if text not in (None, ""):
        return Page(valid_text(str(text)), id=page_id, source=where, url=url, kind="text")
    wanted = fields.html or fields.text or "/".join(DEFAULT_HTML_FIELDS + DEFAULT_TEXT_FIELDS)
    present = [name for name in wanted.split("/") if name in record]
    problem = f"empty content field ({'/'.join(present)})" if present else f"no content field ({wanted})"
    return Page("", id=page_id, source=where, url=url, error=f"{where}: {problem} in the record")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(value: str) -> str:
    """A JSON string may escape a lone surrogate ("\\udc80"), which no file
    can hold as UTF-8: it becomes U+FFFD, like any undecodable byte."""
    return _LONE_SURROGATE.sub("\ufffd", value)


def read_jsonl(path: Path, fields: Fields) -> Iterator[Page]:
    stem = safe_id(path.name.split(".")[0], "export")
    with _open_text(path) as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Page("", id=f"{stem}/{number:08d}", source=where, error=f"{where}: invalid JSON: {exc.msg}")
                continue
            if not isinstance(record, dict):
                yield Page("", id=f"{stem}/{number:08d}", source=where, error=f"{where}: a JSON object was expected")
                continue
            yield record_page(record, fields, where, number, stem)


def read_csv(path: Path, fields: Fields) -> Iterator[Page]:
    stem = safe_id(path.name.split(".")[0], "export")
    csv.field_size_limit(1 << 30)  # article HTML easily passes the 128 KiB default
    with _open_text(path) as fh:
        reader = csv.DictReader(fh)
        for number, record in enumerate(reader, 1):
            yield record_page(record, fields, f"{path}:row{number}", number, stem)


def read_warc(path: Path) -> Iterator[Page]:
    """Response records of a WARC / WARC.gz (or ARC.gz) file; the URL comes
    from the record. Records that are not pages (images, scripts) are skipped."""
    from warcio.archiveiterator import ArchiveIterator

    is_arc = path.name.lower().endswith(".arc.gz")
    with open(path, "rb") as fh:
        try:
            records = ArchiveIterator(fh)
            for record in records:
                # warcio reads anything that is not WARC as ARC: a line of words becomes a record
                if record.format != "warc" and not is_arc:
                    raise InputError(f"{path}: not a WARC file")
                if record.rec_type != "response":
                    continue
                ctype = (record.http_headers.get_header("Content-Type", "") if record.http_headers else "").lower()
                if ctype and not ctype.startswith(PAGE_CONTENT_TYPES):
                    continue  # images, scripts, styles, PDFs of a crawl are not pages
                kind = "text" if ctype.startswith("text/plain") else "html"
                data = record.content_stream().read()
                offset = records.get_record_offset()  # (reads the record to its end: after the content)
                headers = record.rec_headers
                url = headers.get_header("WARC-Target-URI") or headers.get_header("uri")  # WARC / ARC
                rid = (headers.get_header("WARC-Record-ID") or "").strip("<>").removeprefix("urn:uuid:")
                host = host_of(url) if url else None
                page_id = f"{safe_id(host or 'unknown', 'unknown')}/{safe_id(rid, f'record-{offset}')}"
                yield Page(data, id=page_id, source=f"{path}@{offset}", url=url, kind=kind)
        except InputError:
            raise
        except Exception as exc:  # warcio raises several kinds on a damaged archive
            raise InputError(f"{path}: damaged WARC: {type(exc).__name__}: {exc}") from exc


def read_export(path: Path, fields: Fields) -> Iterator[Page]:
    name = path.name.lower()
    if name.endswith((".warc", ".warc.gz", ".arc.gz")):
        return read_warc(path)
    if name.endswith(".csv"):
        return read_csv(path, fields)
    return read_jsonl(path, fields)


def iter_pages(inputs: list[str], fields: Fields = Fields()) -> Iterator[Page]:
    """Every page of every input, streamed: folders, exports, files, '-' (stdin)."""
    for item in inputs:
        if item == "-":
            yield stdin_page()
            continue
        path = Path(item)
        if path.is_dir():
            yield from walk_folder(path)
        elif is_export(path):
            try:
                yield from read_export(path, fields)
            except (InputError, OSError, UnicodeDecodeError, csv.Error) as exc:
                # the rest of this export is lost; the batch goes on with the other inputs
                message = str(exc) if isinstance(exc, InputError) else f"{path}: cannot read: {exc}"
                yield Page(b"", id=safe_id(path.name, "export") + "/unreadable", source=str(path), error=message)
        else:
            yield single_file(path)
