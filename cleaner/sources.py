"""Where pages come from: folder trees, single files, stdin, JSONL, CSV and
parquet exports, WARC archives, any of them compressed (gzip, zstd, bzip2,
xz: formats.py). Every reader is a generator, so a batch streams its input
however large it is.

Each yields `Page`s (page.py) carrying the raw content with what is known
about it: a stable id (also the output name; its first folder may name the
site), the URL, the record's other fields (carried to its output record),
and where it came from, for one-line error messages. A page file is only
named (`file`): `load` reads it, in the worker that cleans it.

A folder is walked in a stable order: page files (.html, .txt, .php, ...,
compressed or not), exports and archives found in it (read as such, their
record ids under the export's folder), files without a telling name
(sniffed); everything else is skipped and reported to `on_skip(path, kind)`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .formats import (
    BINARY, PAGE_SUFFIXES, SNIFF_BYTES, FormatError, InputKind, decompress, kind_of_name, open_input, page_stem,
    read_head, require_pyarrow, sniff_content, split_compression,
)
from .html import sniff_kind
from .io import MAX_PAGE_BYTES, InputError, read_page_file
from .page import Page
from .sites import host_of

__all__ = ["PAGE_SUFFIXES", "Fields", "iter_pages", "load", "fingerprint", "safe_id", "walk_folder", "single_file",
           "stdin_page", "count_pages", "input_kind"]

#: Called with each file a folder walk skips and why (InputKind.reason, .detail).
OnSkip = Callable[[Path, InputKind], None]
#: Rows read from a parquet file at a time (a row group is read piece by piece).
PARQUET_BATCH_ROWS = 1024

#: WARC response content types read as pages (a record without one is read as HTML).
PAGE_CONTENT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")

DEFAULT_ID_FIELDS = ("id", "doc_id", "uuid", "key")
DEFAULT_URL_FIELDS = ("url", "link", "source_url", "canonical")
DEFAULT_HTML_FIELDS = ("html", "raw_html", "page", "body_html")
DEFAULT_TEXT_FIELDS = ("text", "content", "article", "body", "isi", "isi_berita", "berita")


@dataclass(frozen=True)
class Fields:
    """Which record fields of a JSONL/CSV/parquet export hold what (None: try
    the defaults). A name may be a dotted path into nested records
    ('metadata.url'); a key holding the dot itself is found first. `keep`:
    the fields carried to the output record (None: every field but the
    content that was cleaned)."""

    text: str | None = None
    html: str | None = None
    url: str | None = None
    id: str | None = None
    keep: tuple[str, ...] | None = None


_MISSING = object()


def get_path(record: Mapping, path: str) -> Any:
    """record[path], or the value at a dotted path ('metadata.url'); _MISSING if absent."""
    if path in record:
        return record[path]
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def without(record: Mapping, path: str) -> dict:
    """A copy of the record without the field at `path` (nested dicts on the way copied, not changed)."""
    if path in record or "." not in path:
        return {k: v for k, v in record.items() if k != path}
    head, rest = path.split(".", 1)
    inner = record.get(head)
    if not isinstance(inner, Mapping):
        return dict(record)
    return {**record, head: without(inner, rest)}


def load(page: Page) -> Page:
    """The page with its file read (a page that is not a file not read yet
    comes back as it is). The content decides the kind; the extension only
    settles a fragment the sniffer is unsure of (an .html file that starts
    with a bare tag). A file that cannot be read gives a page with an error."""
    if page.data is not None or page.file is None:
        return page
    try:
        data = read_page_file(page.file)
        data = decompressed(data, str(page.file))
    except InputError as exc:
        return page.replace(data=b"", error=str(exc))
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: sniff the decoded text, not NUL-interleaved bytes
        head = head[: len(head) & ~1].decode("utf-16", "replace")
    kind = sniff_kind(head)
    suffix = Path(split_compression(page.file.name)[0]).suffix.lower()
    if kind == "text" and suffix in (".html", ".htm", ".xhtml", ".shtml") and re.search(rb"<[a-zA-Z][^>]{0,200}>", data[:4096]):
        kind = "html"
    return page.replace(data=data, kind=kind)


def decompressed(data: bytes, source: str) -> bytes:
    """A page's bytes, decompressed if they are gzip, zstd, bzip2 or xz
    (a saved .html.gz, or a response body saved as it came)."""
    try:
        data = decompress(data, MAX_PAGE_BYTES)
    except (OSError, EOFError, ValueError) as exc:
        raise InputError(f"{source}: cannot decompress: {exc}") from exc
    if len(data) > MAX_PAGE_BYTES:
        raise InputError(f"{source}: too large to be a page (over {MAX_PAGE_BYTES:,} bytes decompressed)")
    return data


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


def input_kind(path: Path) -> str:
    """What a file given by name is: 'page', 'jsonl', 'csv', 'warc' or
    'parquet'. By its name, else by its content; a file named as not a page
    (an image) is still a page when named on the command line: reading it
    reports what it is."""
    kind = kind_of_name(path.name)
    if kind.kind == "sniff":
        kind = sniff_file(path)
    return "page" if kind.kind == "skip" else kind.kind


def is_export(path: Path) -> bool:
    return input_kind(path) != "page"


def sniff_file(path: Path) -> InputKind:
    """A file without a telling name, by its first bytes (a file that cannot
    be read is a page: reading it reports why)."""
    try:
        if not path.is_file():
            return InputKind("page")
        return sniff_content(read_head(path))
    except (OSError, EOFError, ValueError):
        return InputKind("page")


def walk_folder(root: Path, fields: Fields = Fields(), on_skip: OnSkip | None = None, *,
                exports: bool = True) -> Iterator[Page]:
    """Pages of a folder tree, in a stable order, never following symlinked
    folders nor entering hidden ones. Exports and archives in it are read
    (without `exports`, skipped); what is not a page is skipped and reported."""
    skip = on_skip or (lambda path, kind: None)
    for folder, dirs, files in os.walk(root):
        for name in [d for d in dirs if d.startswith(".")]:
            dirs.remove(name)
            skip(Path(folder, name), InputKind("skip", "hidden"))
        dirs.sort()
        for name in sorted(files):
            path = Path(folder, name)
            kind = kind_of_name(name)
            if kind.kind == "sniff":
                kind = sniff_file(path)
            if kind.kind == "page":
                rel = path.relative_to(root)
                yield read_file_page(path, rel.with_name(page_stem(name)).as_posix())
            elif kind.kind == "skip" or not exports:
                skip(path, kind if kind.kind == "skip" else InputKind("skip", "an export (not read here)", kind.kind))
            else:
                prefix = path.parent.relative_to(root).as_posix()
                yield from folder_export(path, fields, kind.kind, "" if prefix == "." else prefix, skip)


def folder_export(path: Path, fields: Fields, kind: str, prefix: str, skip: OnSkip) -> Iterator[Page]:
    """An export found in a folder: read as such, unless none of its fields
    holds content (an index of the crawl, say): then it is skipped, and the
    summary says so. (Named on the command line, such an export is an error.)"""
    try:
        yield from read_export(path, fields, kind, prefix)
    except NoContentField:
        skip(path, InputKind("skip", "exports without a content field", path.name))
    except Exception as exc:  # noqa: BLE001 - the same errors as export_pages, reported the same way
        yield from guarded(path, _raise(exc), prefix)


def _raise(exc: Exception) -> Iterator[Page]:
    raise exc
    yield  # a generator


def read_file_page(path: Path, page_id: str) -> Page:
    """A page file, read later by the worker that cleans it (Page.load)."""
    return Page(None, id=page_id, source=str(path), file=path)


def single_file(path: Path) -> Page:
    """A lone file keeps its parent folder's name, which may name the site:
    scraped/detik.com/x.txt -> id detik.com/x."""
    parent = path.resolve().parent.name  # "" for a file in the root folder
    stem = page_stem(path.name)
    return read_file_page(path, f"{parent}/{stem}" if parent else stem)


def stdin_page() -> Page:
    """Standard input as one page (decompressed if it is compressed)."""
    data = sys.stdin.buffer.read()
    try:
        data = decompressed(data, "<stdin>")
    except InputError as exc:
        return Page(b"", id="stdin", source="<stdin>", error=str(exc))
    return Page(data, id="stdin", source="<stdin>")


class _Prefixed(io.RawIOBase):
    """Bytes already read (to sniff them), then the rest of the stream."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head, self._pos, self._rest = memoryview(head), 0, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._pos < len(self._head):
            n = min(len(buffer), len(self._head) - self._pos)
            buffer[:n] = self._head[self._pos : self._pos + n]
            self._pos += n
            return n
        read = getattr(self._rest, "read1", self._rest.read)
        data = read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _read_up_to(stream: BinaryIO, n: int) -> bytes:
    parts, got = [], 0
    while got < n:
        data = stream.read(n - got)
        if not data:
            break
        parts.append(data)
        got += len(data)
    return b"".join(parts)


class StdinInput:
    """Standard input, sniffed once: gzip/zstd/bzip2/xz are decompressed,
    then it is a WARC archive, a JSONL stream or one page (`kind`). Streamed:
    only the first SNIFF_BYTES are held to decide."""

    def __init__(self, raw: BinaryIO | None = None):
        raw = self.raw = raw if raw is not None else sys.stdin.buffer
        head = _read_up_to(raw, SNIFF_BYTES)
        self.error: str | None = None
        try:
            stream = open_input(io.BufferedReader(_Prefixed(head, raw)))
            head = _read_up_to(stream, SNIFF_BYTES)
        except (OSError, EOFError, ValueError) as exc:
            stream, self.error = io.BytesIO(b""), f"<stdin>: cannot decompress: {exc}"
        self.stream: BinaryIO = io.BufferedReader(_Prefixed(head, stream))
        kind = sniff_content(head).kind
        self.kind = kind if kind in ("jsonl", "warc", "parquet") else "page"

    def pages(self, fields: Fields) -> Iterator[Page]:
        if self.error:
            yield Page(b"", id="stdin", source="<stdin>", error=self.error)
        elif self.kind == "page":
            data = self.stream.read(MAX_PAGE_BYTES + 1)
            if len(data) > MAX_PAGE_BYTES:
                yield Page(b"", id="stdin", source="<stdin>", error=f"<stdin>: too large to be a page (over {MAX_PAGE_BYTES:,} bytes)")
            else:
                yield Page(data, id="stdin", source="<stdin>")
        elif self.kind == "parquet":
            yield Page(b"", id="stdin/unreadable", source="<stdin>",
                       error="<stdin>: parquet cannot be read from standard input (it is read from its end): give the file")
        else:
            yield from guarded(Path("<stdin>"), _stream_pages(self.stream, Path("<stdin>"), fields, self.kind, "stdin", ""))


_stdin: StdinInput | None = None


def stdin_input() -> StdinInput:
    """Standard input, sniffed once (once per stream: a test may replace it)."""
    global _stdin
    if _stdin is None or _stdin.raw is not sys.stdin.buffer:
        _stdin = StdinInput()
    return _stdin


def _pick(record: Mapping, explicit: str | None, defaults: tuple[str, ...]) -> tuple[str | None, Any]:
    """(the field name, its value) of the first field that holds something."""
    if explicit:
        value = get_path(record, explicit)
        return explicit, None if value is _MISSING else value
    for name in defaults:
        if record.get(name) not in (None, ""):
            return name, record[name]
    return None, None


def _content(value: Any) -> bytes | str:
    return value if isinstance(value, bytes) else valid_text(str(value))


def carried_fields(record: Mapping, fields: Fields, used: str | None) -> dict | None:
    """The fields of a record its output record carries: all but the content
    that was cleaned, or the ones named in `fields.keep` (under their names,
    dotted ones too)."""
    if fields.keep is not None:
        kept = {name: get_path(record, name) for name in fields.keep}
        kept = {name: value for name, value in kept.items() if value is not _MISSING}
    else:
        kept = without(record, used) if used else dict(record)
    return kept or None


def record_page(record: Mapping, fields: Fields, where: str, number: int, stem: str, prefix: str = "") -> Page:
    """One JSONL/CSV/parquet record as a Page: HTML field first, then text.
    `prefix`: the folder of the export inside a folder being walked, put before its ids."""
    _, url = _pick(record, fields.url, DEFAULT_URL_FIELDS)
    url = valid_text(str(url)) if url not in (None, "") else None
    _, raw_id = _pick(record, fields.id, DEFAULT_ID_FIELDS)
    fallback = f"{stem}/{number:08d}"
    if raw_id not in (None, ""):
        page_id = safe_id(str(raw_id), fallback)
    else:
        page_id = fallback
    host = host_of(url) if url else None
    if host and "/" not in page_id:
        page_id = f"{safe_id(host, 'site')}/{page_id}"  # the first folder names the site
    if prefix:
        page_id = f"{prefix}/{page_id}"
    html_name, html = _pick(record, fields.html, DEFAULT_HTML_FIELDS)
    text_name, text = _pick(record, fields.text, DEFAULT_TEXT_FIELDS)
    if html not in (None, "", b""):
        return Page(_content(html), id=page_id, source=where, url=url, kind="html",
                    fields=carried_fields(record, fields, html_name))
    if text not in (None, "", b""):
        return Page(_content(text), id=page_id, source=where, url=url, kind="text",
                    fields=carried_fields(record, fields, text_name))
    wanted = "/".join(f for f in (fields.html, fields.text) if f) or "/".join(DEFAULT_HTML_FIELDS + DEFAULT_TEXT_FIELDS)
    present = [name for name in wanted.split("/") if get_path(record, name) is not _MISSING]
    problem = f"empty content field ({'/'.join(present)})" if present else f"no content field ({wanted})"
    return Page("", id=page_id, source=where, url=url, error=f"{where}: {problem} in the record",
                fields=carried_fields(record, fields, None))


def _listed(names: list[str], limit: int = 30) -> str:
    shown = ", ".join(names[:limit]) or "none"
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")


class NoContentField(InputError):
    """An export none of whose fields holds the content asked for (or a default one)."""


def check_fields(source: str, names: list[str], fields: Fields, where: str) -> None:
    """One upfront error, listing the fields there are, when an export has
    none of the content fields asked for (or of the defaults), or (`where`
    the columns) lacks a url/id column named by an option. `names`: the
    columns, or the fields of the first record."""
    tops = set(names) | {n.split(".")[0] for n in names}

    def has(name: str) -> bool:
        return name in tops or name.split(".")[0] in tops

    explicit = [f for f in (fields.html, fields.text) if f]
    if explicit and not any(has(f) for f in explicit):
        wanted = " or ".join(repr(f) for f in explicit)
        raise NoContentField(f"{source}: no field {wanted} in {where} ({_listed(names)}): name the content with --text-field or --html-field")
    if not explicit and not any(n in tops for n in DEFAULT_HTML_FIELDS + DEFAULT_TEXT_FIELDS):
        raise NoContentField(f"{source}: none of the usual content fields ({', '.join(DEFAULT_TEXT_FIELDS + DEFAULT_HTML_FIELDS)}) "
                         f"in {where} ({_listed(names)}): name it with --text-field or --html-field")
    if where == "its columns":
        for option, name in (("--url-field", fields.url), ("--id-field", fields.id)):
            if name and not has(name):
                raise InputError(f"{source}: no column {name!r} ({option}) in its columns ({_listed(names)})")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(value: str) -> str:
    """A JSON string may escape a lone surrogate ("\\udc80"), which no file
    can hold as UTF-8: it becomes U+FFFD, like any undecodable byte."""
    return _LONE_SURROGATE.sub("\ufffd", value)


def _text_stream(binary: BinaryIO) -> io.TextIOWrapper:
    # utf-8-sig: exports saved by spreadsheet tools start with a BOM, which
    # would otherwise stick to the first CSV header or break the first JSON line
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="replace", newline="")


def _stem(path: Path) -> str:
    return safe_id(path.name.split(".")[0], "export")


def read_jsonl(path: Path, fields: Fields, prefix: str = "") -> Iterator[Page]:
    with open_input(path) as fh:
        yield from _jsonl_pages(_text_stream(fh), path, fields, _stem(path), prefix)


def _jsonl_pages(fh, path: Path, fields: Fields, stem: str, prefix: str) -> Iterator[Page]:
    checked = False
    for number, line in enumerate(fh, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        fallback = f"{prefix}/{stem}/{number:08d}" if prefix else f"{stem}/{number:08d}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Page("", id=fallback, source=where, error=f"{where}: invalid JSON: {exc.msg}")
            continue
        if not isinstance(record, dict):
            yield Page("", id=fallback, source=where, error=f"{where}: a JSON object was expected")
            continue
        if not checked:
            check_fields(str(path), list(record), fields, "its first record")
            checked = True
        yield record_page(record, fields, where, number, stem, prefix)


def read_csv(path: Path, fields: Fields, prefix: str = "") -> Iterator[Page]:
    with open_input(path) as fh:
        yield from _csv_pages(_text_stream(fh), path, fields, _stem(path), prefix)


def _csv_pages(fh, path: Path, fields: Fields, stem: str, prefix: str) -> Iterator[Page]:
    csv.field_size_limit(1 << 30)  # article HTML easily passes the 128 KiB default
    reader = csv.DictReader(fh)
    check_fields(str(path), [n for n in reader.fieldnames or [] if n], fields, "its columns")
    for number, record in enumerate(reader, 1):
        yield record_page(record, fields, f"{path}:row{number}", number, stem, prefix)


def read_parquet(path: Path, fields: Fields, prefix: str = "") -> Iterator[Page]:
    """The rows of a parquet file, read a batch of rows at a time (never the
    whole file); with `fields.keep`, only the columns needed are read."""
    pq = require_pyarrow()
    stem = _stem(path)
    with pq.ParquetFile(path) as pf:
        names = pf.schema_arrow.names
        check_fields(str(path), names, fields, "its columns")
        columns = None
        if fields.keep is not None:
            named = [f for f in (fields.text, fields.html, fields.url, fields.id, *fields.keep) if f]
            defaults = DEFAULT_HTML_FIELDS + DEFAULT_TEXT_FIELDS + DEFAULT_URL_FIELDS + DEFAULT_ID_FIELDS
            wanted = {f.split(".")[0] for f in named} | set(named) | set(defaults)
            columns = [n for n in names if n in wanted]
        number = 0
        for batch in pf.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=columns):
            for record in batch.to_pylist():
                number += 1
                yield record_page(record, fields, f"{path}:row{number}", number, stem, prefix)


def parquet_rows(path: Path) -> int | None:
    """The row count in a parquet file's footer (None without pyarrow, or for a damaged file)."""
    try:
        pq = require_pyarrow()
        with pq.ParquetFile(path) as pf:
            return pf.metadata.num_rows
    except Exception:  # noqa: BLE001 - a count for the progress bar only
        return None


def read_warc(path: Path, prefix: str = "") -> Iterator[Page]:
    """Response records of a WARC file (gzip-compressed record by record, or
    whole with gzip, zstd, bzip2, xz) or an ARC file; the URL comes from the
    record. Records that are not pages (images, scripts) are skipped. WARC is
    read with FastWARC (about 3x warcio: benchmarks/warc_readers.py), ARC
    with warcio."""
    base, compression = split_compression(path.name)
    arc = base.lower().endswith(".arc")
    if not arc:
        try:
            head = read_head(path)
        except Exception as exc:  # noqa: BLE001 - each decompressor has its own errors
            raise InputError(f"{path}: damaged WARC: {type(exc).__name__}: {exc}") from exc
        if not head.startswith(b"WARC/"):
            raise InputError(f"{path}: not a WARC file")
    if arc or compression not in (None, "gz"):  # FastWARC needs a file it can seek in
        with open_input(path) as fh:
            yield from _warcio_pages(fh, path, prefix, arc=arc)
        return
    with open(path, "rb") as fh:
        yield from _warc_pages(fh, path, prefix)


def _warc_page(data: bytes, ctype: str, url: str | None, rid: str, offset: int, path: Path, prefix: str) -> Page | None:
    """A response record as a Page (None: not a page, e.g. an image)."""
    ctype = ctype.lower()
    if ctype and not ctype.startswith(PAGE_CONTENT_TYPES):
        return None  # images, scripts, styles, PDFs of a crawl are not pages
    kind = "text" if ctype.startswith("text/plain") else "html"
    rid = rid.strip("<>").removeprefix("urn:uuid:")
    host = host_of(url) if url else None
    page_id = f"{safe_id(host or 'unknown', 'unknown')}/{safe_id(rid, f'record-{offset}')}"
    return Page(data, id=f"{prefix}/{page_id}" if prefix else page_id, source=f"{path}@{offset}", url=url, kind=kind)


def _warc_pages(fh: BinaryIO, path: Path, prefix: str) -> Iterator[Page]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    try:
        for record in ArchiveIterator(fh, record_types=WarcRecordType.response, parse_http=True):
            ctype = record.http_headers.get("Content-Type", "") if record.is_http and record.http_headers else ""
            url = record.headers.get("WARC-Target-URI")
            page = _warc_page(record.reader.read(), ctype, url, record.record_id or "", record.stream_pos, path, prefix)
            if page is not None:
                yield page
    except Exception as exc:  # FastWARC raises OSError on a damaged archive
        raise InputError(f"{path}: damaged WARC: {type(exc).__name__}: {exc}") from exc


def _warcio_pages(fh: BinaryIO, path: Path, prefix: str, *, arc: bool = False) -> Iterator[Page]:
    """Pages of an ARC file, or of a WARC stream FastWARC cannot seek in (standard input, zstd, bzip2, xz)."""
    from warcio.archiveiterator import ArchiveIterator

    try:
        records = ArchiveIterator(fh)
        for record in records:
            # warcio reads anything that is not WARC as ARC: a line of words becomes a record
            if record.format != "warc" and not arc:
                raise InputError(f"{path}: not a WARC file")
            if record.rec_type != "response":
                continue
            ctype = record.http_headers.get_header("Content-Type", "") if record.http_headers else ""
            data = record.content_stream().read()
            offset = records.get_record_offset()  # (reads the record to its end: after the content)
            headers = record.rec_headers
            url = headers.get_header("WARC-Target-URI") or headers.get_header("uri")
            page = _warc_page(data, ctype, url, headers.get_header("WARC-Record-ID") or "", offset, path, prefix)
            if page is not None:
                yield page
    except InputError:
        raise
    except Exception as exc:  # warcio raises several kinds on a damaged archive
        raise InputError(f"{path}: damaged {'ARC' if arc else 'WARC'}: {type(exc).__name__}: {exc}") from exc


def _stream_pages(stream: BinaryIO, path: Path, fields: Fields, kind: str, stem: str, prefix: str) -> Iterator[Page]:
    """The pages of an export or archive read from a stream (standard input)."""
    if kind == "warc":
        return _warcio_pages(stream, path, prefix)
    if kind == "csv":
        return _csv_pages(_text_stream(stream), path, fields, stem, prefix)
    return _jsonl_pages(_text_stream(stream), path, fields, stem, prefix)


READERS = {"jsonl": read_jsonl, "csv": read_csv, "parquet": read_parquet}


def read_export(path: Path, fields: Fields, kind: str | None = None, prefix: str = "") -> Iterator[Page]:
    """The pages of an export or archive; `kind` as formats.kind_of_name says (None: from the name, else the content)."""
    kind = kind or input_kind(path)
    if kind == "warc":
        return read_warc(path, prefix)
    return READERS.get(kind, read_jsonl)(path, fields, prefix)


def export_pages(path: Path, fields: Fields, kind: str | None = None, prefix: str = "") -> Iterator[Page]:
    """read_export, with an export that cannot be read (or stops being
    readable) as one page with the error: the batch goes on with the other inputs."""
    return guarded(path, read_export(path, fields, kind, prefix), prefix)


def guarded(path: Path, pages: Iterator[Page], prefix: str = "") -> Iterator[Page]:
    try:
        yield from pages
    except (InputError, FormatError, OSError, EOFError, UnicodeDecodeError, csv.Error, ValueError) as exc:
        # the rest of this export is lost; the batch goes on with the other inputs
        message = str(exc) if isinstance(exc, InputError) else f"{path}: {exc}" if isinstance(exc, FormatError) else f"{path}: cannot read: {exc}"
        name = safe_id(path.name, "export") + "/unreadable"
        yield Page(b"", id=f"{prefix}/{name}" if prefix else name, source=str(path), error=message)


def iter_pages(inputs: list[str], fields: Fields = Fields(), on_skip: OnSkip | None = None) -> Iterator[Page]:
    """Every page of every input, streamed: folders, exports, archives, files, '-' (stdin)."""
    for item in inputs:
        if item == "-":
            yield from stdin_input().pages(fields)
            continue
        path = Path(item)
        if path.is_dir():
            yield from walk_folder(path, fields, on_skip)
            continue
        kind = input_kind(path)
        if kind == "page":
            yield single_file(path)
        else:
            yield from export_pages(path, fields, kind)


def count_pages(inputs: list[str]) -> int | None:
    """How many pages the inputs hold, when that is cheap to know (page files
    counted by name in a folder tree, a parquet file's rows); None when an
    input has to be read through to know (JSONL, CSV, WARC, a stream)."""
    total = 0
    for item in inputs:
        path = Path(item)
        if item == "-":
            if stdin_input().kind != "page":
                return None
            total += 1
        elif path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for name in files:
                    kind = kind_of_name(name).kind
                    if kind in ("page", "sniff"):
                        total += 1
                    elif kind == "parquet":
                        rows = parquet_rows(Path(folder, name))
                        if rows is None:
                            return None
                        total += rows
                    elif kind != "skip":
                        return None
        else:
            kind = input_kind(path)
            if kind == "page":
                total += 1
            elif kind == "parquet" and (rows := parquet_rows(path)) is not None:
                total += rows
            else:
                return None
    return total
