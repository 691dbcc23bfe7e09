"""File formats, by name and by content: one place that knows them.

Inputs: what a file name says a file is (a page, a JSONL / CSV / parquet
export, a WARC archive, or not a page at all), compressed or not (gzip,
zstd, bzip2, xz: decompressed by content with xopen, whatever the name), and
what a file without a telling name is, sniffed from its first bytes.

Outputs: what `-o NAME` (and `--format`) ask for: a folder of .txt files, a
JSONL file (plain or compressed), a parquet file, one text file, or standard
output; a name the cleaner cannot write is refused before any work.

pyarrow (parquet) is an optional extra: `require_pyarrow` imports it or
raises a one-line error naming the extra.
"""

from __future__ import annotations

import io
import json
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

#: Compression suffixes, and the format xopen writes for each.
COMPRESSIONS = {".gz": "gz", ".zst": "zst", ".zstd": "zst", ".bz2": "bz2", ".xz": "xz"}
#: Names of the page files found in a folder (their kind, HTML or text, is sniffed from the content).
PAGE_SUFFIXES = (".txt", ".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx", ".jsp")
#: Exports and archives, by the suffix under any compression suffix.
EXPORT_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".warc": "warc", ".arc": "warc",
                   ".parquet": "parquet", ".pq": "parquet"}
EXPORT_KINDS = ("jsonl", "csv", "warc", "parquet")
#: Output kinds (--format).
OUTPUT_FORMATS = ("txt", "jsonl", "parquet")

PARQUET_EXTRA = "parquet support needs pyarrow: pip install 'cleaner[parquet]'"

#: What an extension looks like: up to 5 letters or digits, a letter among them.
_EXTENSION = re.compile(r"\.(?=[a-z0-9]*[a-z])[a-z0-9]{1,5}")

# Python's own table of types, not the machine's /etc/mime.types: the same
# names are refused (or read) on every machine.
_MIME = mimetypes.MimeTypes(filenames=())


class FormatError(Exception):
    """A format the cleaner cannot read or write; the message is one line."""


def require_pyarrow():
    """pyarrow.parquet, or a FormatError naming the extra that installs it."""
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet as pq
    except ImportError:
        raise FormatError(PARQUET_EXTRA) from None
    return pq


def split_compression(name: str) -> tuple[str, str | None]:
    """('x.jsonl', 'gz') for 'x.jsonl.gz'; (name, None) when not compressed by name."""
    lower = name.lower()
    for suffix, fmt in COMPRESSIONS.items():
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], fmt
    return name, None


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def page_stem(name: str) -> str:
    """The name of a page file without its page and compression suffixes
    (its output name): 'a.html.gz' -> 'a', 'index' -> 'index'."""
    base, _ = split_compression(name)
    return base[: -len(_suffix(base))] if _suffix(base) in PAGE_SUFFIXES else base


@dataclass(frozen=True)
class InputKind:
    """What a file name says: `kind` is 'page', one of EXPORT_KINDS, 'sniff'
    (no telling name: look at the content) or 'skip' (`reason` says why)."""

    kind: str
    reason: str = ""  # why it is skipped: "hidden", "not a page", "binary, not a page"
    detail: str = ""  # the suffix of a file skipped as not a page


def kind_of_name(name: str) -> InputKind:
    """What a file is by its name; compression suffixes are looked through.
    Any other extension (.jpg, .pdf, .json, .md) is not a page; a name
    without one (no dot, or a dot that starts no extension) is sniffed."""
    if name.startswith("."):
        return InputKind("skip", "hidden")
    base, _ = split_compression(name)
    suffix = _suffix(base)
    if suffix in PAGE_SUFFIXES:
        return InputKind("page")
    if suffix in EXPORT_SUFFIXES:
        return InputKind(EXPORT_SUFFIXES[suffix])
    if not _EXTENSION.fullmatch(suffix):
        return InputKind("sniff")  # extensionless, or a dot inside a name ('berita.2024', 'index.php?id=3'): look inside
    return InputKind("skip", "not a page", suffix + name[len(base):].lower())


def sniff_content(head: bytes) -> InputKind:
    """What a file is by its first (decompressed) bytes: a WARC archive, a
    JSONL export, a parquet file, a page, or binary (skipped)."""
    if head.startswith(b"WARC/"):
        return InputKind("warc")
    if head.startswith(b"PAR1"):
        return InputKind("parquet")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return InputKind("page")  # UTF-16 text
    if b"\x00" in head:
        return InputKind("skip", BINARY)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{"):
        try:
            if isinstance(json.loads(stripped.split(b"\n", 1)[0]), dict):
                return InputKind("jsonl")
        except ValueError:
            if b"\n" not in stripped and stripped.startswith(b'{"'):
                return InputKind("jsonl")  # a first record longer than the head
    return InputKind("page")


#: InputKind.reason of a file without a telling name whose content is not text.
BINARY = "binary, not a page"
#: Bytes read from the start of standard input to sniff it, and of a file
#: without a telling name found in a folder (read again by the worker that
#: cleans it: kept small).
SNIFF_BYTES = 65536
FILE_SNIFF_BYTES = 8192


def open_input(source: str | Path | BinaryIO) -> BinaryIO:
    """A binary stream of the content, decompressed when it is gzip, zstd,
    bzip2 or xz (by name, else by its first bytes; in this process, never a
    helper program)."""
    from xopen import xopen

    return xopen(source, "rb", threads=0)


def decompress(data: bytes, limit: int) -> bytes:
    """The bytes themselves, or what they decompress to (at most `limit` + 1
    bytes, so that a caller can see it was more). Raises OSError / EOFError
    on damaged data."""
    from xopen import xopen

    with xopen(io.BytesIO(data), "rb", threads=0) as fh:
        if fh.__class__ is io.BytesIO:  # not compressed
            return data
        return fh.read(limit + 1)


def read_head(path: Path, size: int = FILE_SNIFF_BYTES) -> bytes:
    """The first `size` bytes of a file's (decompressed) content."""
    with open_input(path) as fh:
        return fh.read(size)


# -- outputs -------------------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    """Where a run writes. `kind`: 'txt' (a folder of .txt files), 'jsonl',
    'parquet', or 'text' (one page's text, to a file or standard output);
    `path` None is standard output; `compression` one of COMPRESSIONS' values."""

    kind: str
    path: Path | None
    compression: str | None = None

    @property
    def staged(self) -> bool:
        """Written whole at the end of a run (compressed JSONL, parquet), not appended to."""
        return self.path is not None and (self.kind == "parquet" or (self.kind == "jsonl" and self.compression is not None))


WRITABLE = "a folder, a .jsonl file (.jsonl.gz, .jsonl.zst, .jsonl.bz2, .jsonl.xz compressed), a .parquet file, or -"


def resolve_output(output: str | None, fmt: str | None, *, batch: bool) -> Output:
    """The output asked for by `-o` and `--format` (None: by the name); a
    FormatError (one line) for one the cleaner cannot write. `batch`: the
    inputs are several pages (a single page may go to one text file or standard output)."""
    if fmt is not None and fmt not in OUTPUT_FORMATS:
        raise FormatError(f"--format must be one of {', '.join(OUTPUT_FORMATS)}, not {fmt!r}")
    if output is None or output == "-":
        if fmt == "parquet":
            raise FormatError("parquet cannot go to standard output: give -o NAME.parquet")
        if not batch and fmt in (None, "txt"):
            return Output("text", None)
        if fmt == "txt":
            raise FormatError("several pages need -o OUT, a folder (a tree of .txt files cannot go to standard output)")
        if output is None and fmt is None:
            raise FormatError(f"several pages need -o OUT: {WRITABLE} for JSONL on standard output")
        return Output("jsonl", None)
    path = Path(output)
    base, compression = split_compression(path.name)
    suffix = _suffix(base)
    if fmt == "txt":
        return Output("txt", path)
    if fmt == "parquet" or (fmt is None and suffix in (".parquet", ".pq")):
        if compression:
            raise FormatError(f"{output}: parquet compresses its own columns: name it .parquet, without {path.name[len(base):]}")
        return _file_output(Output("parquet", path), output)
    if fmt == "jsonl" or (fmt is None and suffix in (".jsonl", ".ndjson")):
        return _file_output(Output("jsonl", path, compression), output)
    if path.is_dir():
        return Output("txt", path)
    if suffix == ".txt" and not compression and not batch:
        return Output("text", path)
    if compression or (suffix and _MIME.guess_type("x" + suffix, strict=False)[0] is not None):
        if suffix == ".txt":
            what = "several pages into one .txt file"
        elif suffix:
            what = f"{suffix} files" + (f" compressed with {compression}" if compression else "")
        else:
            what = f"a {compression} file without a .jsonl name"
        raise FormatError(f"{output}: cannot write {what}: give {WRITABLE} (or --format txt|jsonl|parquet)")
    return Output("txt", path)  # a folder name, dotted or not


def _file_output(out: Output, output: str) -> Output:
    if out.path is not None and out.path.is_dir():
        raise FormatError(f"{output}: a folder is there, and a {out.kind} output is one file: give another name, or --format txt")
    return out
