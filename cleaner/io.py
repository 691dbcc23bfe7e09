"""Reading inputs and writing outputs safely.

Inputs are only ever read. Outputs are written to a temporary file in the
destination folder and moved into place with os.replace, so a killed run
never leaves a half-written output behind.
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from pathlib import Path

from charset_normalizer import from_bytes


class InputError(Exception):
    """A page that cannot be used; the message names the file and the problem."""


def decode(data: bytes, source: str) -> str:
    """Bytes to text: BOM / UTF-8 first, then charset detection."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:  # a UTF-16 BOM on bytes that are not UTF-16
            raise InputError(f"{source}: cannot decode as UTF-16: {exc.reason}") from exc
    if b"\x00" in data[:4096]:  # text has no NUL bytes, even when it decodes as UTF-8
        raise InputError(f"{source}: binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    return decode_legacy(data)


#: Encodings a detector's guess is taken from without a second look.
COMMON_ENCODINGS = frozenset({"utf_8", "cp1252", "latin_1", "iso8859_15", "ascii"})
#: Share of a text's letters outside the Latin scripts above which a
#: decoding is taken to be of another script (Cyrillic, Greek, CJK...).
OTHER_SCRIPT_SHARE = 0.05


def decode_legacy(data: bytes) -> str:
    """Bytes that are not UTF-8: the detector's guess (charset-normalizer),
    except that a Latin-script guess of a rare code page (cp1250, cp775,
    cp850, mac_roman...) gives way to windows-1252, the web's own fallback
    for Latin-script pages (WHATWG): detectors score these code pages close
    together on short Latin text and often pick the wrong one (an NBSP read
    as 'Ā'). Non-Latin guesses (cp1251, shift_jis, gbk...) are kept."""
    best = from_bytes(data).best()
    if best is None:  # mixed encodings (a page pasted together): keep it, bad bytes shown as U+FFFD
        return data.decode("utf-8", "replace")
    text = str(best)
    if best.encoding not in COMMON_ENCODINGS and latin_script(text):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:  # a byte windows-1252 leaves undefined: not a windows-1252 page
            pass
    return text


def latin_script(text: str) -> bool:
    """Are (nearly) all the letters of the text in the Latin scripts?"""
    letters = [ch for ch in text if ch.isalpha()]
    other = sum(1 for ch in letters if ord(ch) > 0x24F)
    return not letters or other <= OTHER_SCRIPT_SHARE * len(letters)


#: Larger page files are reported, not read: a page is a few MB at most, and
#: cleaning one takes several times its size in memory.
MAX_PAGE_BYTES = 200 * 1024 * 1024


def read_page_file(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_PAGE_BYTES; InputError
    otherwise. Opened without blocking, so that a named pipe or a device
    among the pages (or a symlink to one) is refused instead of waiting for
    a writer or reading forever."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise InputError(f"{path}: not a regular file (a named pipe, a device or a socket)")
            if st.st_size > MAX_PAGE_BYTES:
                raise InputError(f"{path}: too large to be a page ({st.st_size:,} bytes; the limit is {MAX_PAGE_BYTES:,})")
            data = fh.read(MAX_PAGE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if len(data) > MAX_PAGE_BYTES:  # it grew while being read
        raise InputError(f"{path}: too large to be a page (over the limit of {MAX_PAGE_BYTES:,} bytes)")
    return data


_tmp_counter = itertools.count()


#: Bytes of the output name kept in a temporary name: with the dot, pid,
#: counter and suffix it stays under the 255 bytes a file name may have.
_TMP_NAME_BYTES = 200


def temporary_prefix(path: Path) -> str:
    """The start of every temporary name made for `path`."""
    name = path.name.encode("utf-8", "surrogateescape")[:_TMP_NAME_BYTES].decode("utf-8", "ignore")
    return f".{name}."


def temporary_name(path: Path) -> Path:
    """A temporary file beside `path`, unique to this process and call.
    (tempfile.mkstemp costs ten times the rest of a small write.)"""
    return path.with_name(f"{temporary_prefix(path)}{os.getpid()}-{next(_tmp_counter)}.tmp")


#: What temporary_name makes, to find the ones a killed run left behind.
TEMPORARY_NAME = re.compile(r"^\..+\.\d+-\d+\.tmp$")


def open_temporary(path: Path, binary: bool = False):
    """Create and open a new temporary file beside `path`; returns (file, its path)."""
    tmp = temporary_name(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    if binary:
        return os.fdopen(fd, "wb"), tmp
    return os.fdopen(fd, "w", encoding="utf-8", newline="\n"), tmp


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that readers see either the old file or the whole new one."""
    try:
        fh, tmp = open_temporary(path)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh, tmp = open_temporary(path)
    try:
        with fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def as_output(text: str) -> str:
    """The file form of a cleaned text: a final newline unless empty."""
    return text + "\n" if text else ""
