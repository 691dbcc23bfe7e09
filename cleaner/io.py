"""Reading inputs and writing outputs safely.

Inputs are only ever read. Outputs are written to a temporary file in the
destination folder and moved into place with os.replace, so a killed run
never leaves a half-written output behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from charset_normalizer import from_bytes


class InputError(Exception):
    """A page that cannot be used; the message names the file and the problem."""


def decode(data: bytes, source: str) -> str:
    """Bytes to text: BOM / UTF-8 first, then charset detection."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:  # text has no NUL bytes, even when it decodes as UTF-8
        raise InputError(f"{source}: binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{source}: cannot detect the text encoding")
    return str(best)


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def read_text(path: Path) -> str:
    return decode(read_bytes(path), str(path))


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that readers see either the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def as_output(text: str) -> str:
    """The file form of a cleaned text: a final newline unless empty."""
    return text + "\n" if text else ""
