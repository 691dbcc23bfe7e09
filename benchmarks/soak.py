#!/usr/bin/env python3
"""Soak run: ``cleaner clean`` on N pages (default 100,000) mixing the corpus
with generated hostile pages; reports failures by kind, crashes (goal 0),
time and peak memory, and checks that the batch kept its promises.

Input. In a fresh folder (``--work DIR``, default the system temp folder;
never inside the repo) it builds, per form (``--form tree|jsonl|both``):

- tree: a folder tree of N page files. The corpus pages (dev/text,
  dev/text-pool, dev/html, dev/html-pool and generic-dev/html: 590 pages)
  are reused cyclically under ``<set>/<site>/<stem>.r<k>.<ext>`` (the site
  folder names the site, as in the corpus); the first copy of a page is a
  real copy, the next ones hard links to it (100k pages would otherwise be
  ~8 GB). A share of the pages (``--hostile-share``, default 0.05) is
  generated from ``--seed``: empty, binary, PNG, gzip, invalid UTF-8,
  UTF-16 with / without / with a broken BOM, truncated HTML (mid-tag,
  mid-entity, mid-character), nested tags (thousands of levels), all
  script/style, lying meta charsets, mixed encodings, huge attributes,
  unclosed comments / CDATA / script, hostile entities, zero-width and
  control characters, RTL / emoji / combining marks, HTML in .txt and text
  in .html, dangling and self-looping symlinks, a folder loop, odd and
  undecodable file names, two pages with one id (x.txt + x.html), a page
  whose output name clashes with another page's output folder, one named
  pipe called x.txt (refused as not a regular file). Half sit in
  the corpus site folders, half under ``hostile/<kind>/``. A few are large
  (``--big``, default 1 per 400 hostile pages, at most 10: 100k nested
  tags, lines of MBs, a 2 MB page, a 1.5 MB attribute, 200k short lines).
- jsonl: the same mix as two JSONL exports (corpus records, then hostile
  records), whose hostile part also has hostile ids and URLs (``../..``,
  absolute paths, NUL, very long ids, ids that collide once made safe,
  exact duplicates, an id that is another id's output folder, lone
  surrogates, non-string ids), and broken records (invalid JSON, not an
  object, no content field). Outputs are a .txt tree, so an unsafe id
  would show as a file written outside the output folder.

``dev-zero`` (a symlink x.txt -> /dev/zero: a read without end that can
exhaust the machine's memory) is left out unless ``--with dev-zero``;
``--without KIND,...`` leaves out kinds (e.g. the ones a known bug turns
into a crash, to measure the rest).

Run. ``cleaner clean INPUT -o OUT --manifest M --jobs 2`` (the working
tree's CLI, as a subprocess, cwd = the work folder), watched by the process
tree sampler of _common.py (VmHWM of the cleaner and every worker); killed
if it runs past ``--timeout`` or appends no manifest line for ``--stall``
seconds. Then the same command again: a rerun that should skip every page
already cleaned.

Checks, after each run (a broken one makes the exit code 1):
crashes: a Python traceback on stderr (an uncaught exception also exits
with 1), an exit code other than 0 or 1 (1 = some pages failed, expected
here), a run killed on timeout or stall,
an input page without a manifest line; invariants: exactly one valid JSON
manifest line per input page (and none for what is not a page), every ok
page's output inside the output folder, complete (UTF-8, the manifest's
chars_out, a final newline), no output left without an ok page, no
temporary file left (cleaner.io.TEMPORARY_NAME), nothing created or
changed in the work folder outside the output folder and the manifest, no
file at the place a hostile id would reach if it were used as is, the
inputs unchanged (content hash of every input file, listing of the tree);
after the rerun, every ok page skipped (manifest line and output file
untouched).

Report: per run, exit code, wall time, pages/s, statuses, crashes, peak
memory (sum of the tree's peaks and the largest single process); failures
by kind (binary file, cannot read, not a regular file, cannot decode, timed out, worker died,
unsafe output name, cannot write, duplicate, bad record, exception <type>,
other; count
and one example each) and the outcome per hostile kind. Printed, and saved
as JSON (``--json``, default soak-<time>.json in the --work folder).

Run from the repo root (about 15 minutes for the default 100k-page tree on
an idle 2-core machine; ``--form both`` doubles it and writes ~8 GB of JSONL):

    python benchmarks/soak.py --pages 2000                  # a quick one
    python benchmarks/soak.py                               # 100k pages, tree form
    python benchmarks/soak.py --form both --json /tmp/soak.json --keep
    python benchmarks/soak.py --without undecodable-name,file-folder-clash
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import re
import shlex
import shutil
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from _common import (DEFAULT_CORPUS, REPO_ROOT, CorpusPage, cleaner_cli_argv, cycle_pages, list_batch_corpus,
                     list_files, mb, print_run_header, read_url_index, read_usage, run_and_watch, write_batch_jsonl,
                     write_json)

from cleaner.batch import MANIFEST_FIELDS  # noqa: E402  (_common put the working tree first on sys.path)
from cleaner.io import TEMPORARY_NAME  # noqa: E402

# --- the corpus --------------------------------------------------------------------


def list_corpus(corpus: Path) -> list[CorpusPage]:
    """The dev pages of the batch benchmarks, then the generic-dev HTML pages."""
    pages = list_batch_corpus(corpus)
    root = corpus / "generic-dev" / "html"
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a directory (see --corpus)")
    urls = read_url_index(root)
    pages += [CorpusPage("generic-dev", rel, path, "html", urls.get(rel)) for rel, path in list_files(root, "*.html")]
    return pages


@dataclass
class Samples:
    """Corpus contents the hostile generators cut up or mislabel."""

    html: list[bytes]
    text: list[str]
    sites: list[str]  # domains of the corpus site folders

    @classmethod
    def load(cls, pages: list[CorpusPage]) -> "Samples":
        html = [p.path.read_bytes()[:600_000] for p in pages if p.kind == "html" and p.set_name != "generic-dev"]
        html += [p.path.read_bytes()[:600_000] for p in pages if p.set_name == "generic-dev"][:20]
        text = [p.path.read_text(encoding="utf-8", errors="replace") for p in pages if p.kind == "text"][:60]
        sites = sorted({site_of(p.rel) for p in pages} - {None})
        return cls(html, text, sites)


def site_of(rel: str) -> str | None:
    """The site a corpus page's folder names ("detik.com/x.txt" -> detik.com), if any."""
    first = rel.split("/", 1)[0]
    return first if "/" in rel and "." in first else None


# --- hostile pages -------------------------------------------------------------------

WORDS = ("berita warga kota pemerintah presiden menteri rapat hujan banjir pasar harga beras sekolah jalan "
         "polisi kendaraan pemilu partai ekonomi rupiah saham gempa desa petani nelayan laut kesehatan rumah "
         "sakit dokter vaksin anak guru kereta bandara pelabuhan").split()


def sentence(rng: random.Random, words: int = 12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(rng.randint(2, 4)))


def plain(rng: random.Random, n: int = 4) -> str:
    return "\n".join(paragraph(rng) for _ in range(n)) + "\n"


def article(rng: random.Random, n: int = 4, head: str = "", inside: str = "", meta: str = '<meta charset="utf-8">') -> str:
    """A small news page; `inside` goes after its first paragraph."""
    ps = [f"<p>{paragraph(rng)}</p>\n" for _ in range(n)]
    ps.insert(1, inside)
    return (f"<!DOCTYPE html><html><head>{meta}<title>{sentence(rng, 6)}</title>{head}</head>"
            f"<body><nav><a href='/'>Beranda</a></nav><article>{''.join(ps)}</article></body></html>")


@dataclass
class Item:
    """One thing a generator makes. Tree form: a file (``ext`` is appended to
    the item's stem, and may hold a folder: ".txt/inner.txt"), or a symlink,
    or a named pipe; ``name`` (str or bytes) replaces stem + ext; ``page``
    says whether the cleaner's folder walk should pick it up. JSONL form: a
    ``record`` (a dict, dumped as JSON, or a raw line)."""

    ext: str = ".txt"
    data: bytes = b""
    link: str | None = None
    fifo: bool = False
    name: str | bytes | None = None
    page: bool = True
    record: dict | str | None = None


@dataclass
class Gen:
    """What a generator gets: its own random generator, corpus samples, its number."""

    rng: random.Random
    samples: Samples
    i: int
    big: bool
    sandbox: Path  # the work folder: hostile absolute ids point inside it

    def ext(self) -> str:
        return self.rng.choice((".txt", ".html"))

    def page(self, html: bool | None = None) -> tuple[str, str]:
        """(ext, content): a small article page, as HTML or as text."""
        html = self.rng.random() < 0.5 if html is None else html
        return (".html", article(self.rng)) if html else (".txt", plain(self.rng))


def k_empty(g: Gen) -> list[Item]:
    return [Item(g.ext(), b"")]


def k_whitespace(g: Gen) -> list[Item]:
    return [Item(g.ext(), "".join(g.rng.choice((" ", "\n", "\t", "\r\n", "\u00a0", "\u3000")) for _ in range(g.rng.randint(1, 5000))).encode())]


def k_binary(g: Gen) -> list[Item]:
    data = g.rng.randbytes(g.rng.randint(16, 20_000))
    return [Item(g.ext(), data[:8] + b"\x00" + data[8:])]


def k_png(g: Gen) -> list[Item]:
    return [Item(".html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + g.rng.randbytes(g.rng.randint(100, 50_000)))]


def k_gzip(g: Gen) -> list[Item]:
    return [Item(".html", gzip.compress(article(g.rng).encode(), mtime=0))]


BAD_UTF8 = (b"\xff", b"\xfe", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\x80\x81", b"\xf8\x88\x80\x80\x80", b"\xe9t\xe9")


def k_invalid_utf8(g: Gen) -> list[Item]:
    ext, content = g.page()
    data = content.encode()
    for _ in range(g.rng.randint(1, 30)):
        at = g.rng.randrange(len(data))
        data = data[:at] + g.rng.choice(BAD_UTF8) + data[at:]
    return [Item(ext, data)]


def k_utf16_bom(g: Gen) -> list[Item]:
    ext, content = g.page()
    data = content.encode("utf-16") if g.rng.random() < 0.5 else b"\xfe\xff" + content.encode("utf-16-be")
    return [Item(ext, data)]


def k_utf16_nobom(g: Gen) -> list[Item]:
    ext, content = g.page()
    return [Item(ext, content.encode(g.rng.choice(("utf-16-le", "utf-16-be"))))]


def k_utf16_broken(g: Gen) -> list[Item]:
    ext, content = g.page()
    body = content.encode("utf-16-le")
    data = b"\xff\xfe" + (body[:-1] if g.rng.random() < 0.5 else body[:20] + b"\x00\xd8" + body[20:])
    return [Item(ext, data)]


def k_truncated_html(g: Gen) -> list[Item]:
    """A corpus page cut mid-tag, mid-entity, mid-character or anywhere."""
    data = g.rng.choice(g.samples.html)
    start = g.rng.randrange(len(data) // 2, len(data))
    how = g.rng.choice(("tag", "entity", "char", "anywhere"))
    marks = {"tag": b"<", "entity": b"&", "char": None, "anywhere": None}
    cut = start
    if marks[how] is not None:
        found = data.find(marks[how], start)
        cut = found + g.rng.randint(1, 4) if found >= 0 else start
    elif how == "char":
        cut = next((j + 1 for j in range(start, len(data)) if data[j] >= 0xC0), start)
    return [Item(".html", data[:cut])]


NEST_TAGS = ("div", "span", "b", "blockquote", "font", "section")


def k_nested(g: Gen) -> list[Item]:
    depth = 100_000 if g.big else g.rng.randint(1000, 5000)
    rng = g.rng
    tag = "div" if g.big else rng.choice(NEST_TAGS + ("table", "ul"))
    opening = {"table": "<table><tr><td>", "ul": "<ul><li>"}.get(tag, f"<{tag}>")
    closing = {"table": "</td></tr></table>", "ul": "</li></ul>"}.get(tag, f"</{tag}>")
    closed = g.big or rng.random() < 0.7
    body = opening * depth + f"<p>{paragraph(rng)}</p>" + (closing * depth if closed else "")
    return [Item(".html", f"<html><body>{body}</body></html>".encode())]


def k_all_script(g: Gen) -> list[Item]:
    rng = g.rng
    js = "".join(f"<script>var x{j} = {j}; document.write('{rng.choice(WORDS)}');</script>" for j in range(rng.randint(1, 300)))
    css = "<style>" + "p { color: red }\n" * rng.randint(1, 500) + "</style>"
    ld = '<script type="application/ld+json">' + json.dumps({"@type": "NewsArticle", "articleBody": paragraph(rng)}) + "</script>"
    return [Item(".html", f"<html><head>{css}{ld}</head><body>{js}<noscript></noscript></body></html>".encode())]


LYING_CHARSETS = ("shift_jis", "utf-16", "iso-2022-jp", "windows-1252", "koi8-r", "bogus-charset", "utf-7", "x-user-defined", "")
ACCENTED = "Café résumé naïve — “kutipan” sebesar €5, déjà vu, façade. "


def k_lying_charset(g: Gen) -> list[Item]:
    rng = g.rng
    declared = rng.choice(LYING_CHARSETS + ("utf-8",))
    meta = rng.choice((f'<meta charset="{declared}">', f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">'))
    page = article(rng, inside=f"<p>{ACCENTED * rng.randint(1, 20)}</p>", meta=meta)
    if rng.random() < 0.3:
        page = f'<?xml version="1.0" encoding="{declared or "UTF-16"}"?>' + page
    # declared utf-8 (or nothing): the bytes are cp1252; declared anything else: the bytes are utf-8
    data = page.encode("cp1252", "replace") if declared in ("utf-8", "") else page.encode()
    return [Item(".html", data)]


MIXED = (("utf-8", ACCENTED), ("latin-1", "Crème brûlée à la française. "), ("cp1252", "Les “guillemets” – tiret. "),
         ("shift_jis", "日本語のニュース記事です。"), ("koi8-r", "Новости дня из города. "), ("gb2312", "中文新闻报道。"))


def k_mixed_encoding(g: Gen) -> list[Item]:
    rng = g.rng
    parts = []
    for _ in range(rng.randint(2, 12)):
        codec, words = rng.choice(MIXED)
        parts.append((sentence(rng) + " " + words * rng.randint(1, 5)).encode(codec, "replace") + b"\n")
    data = b"".join(parts)
    if rng.random() < 0.5:
        return [Item(".html", b"<html><body><article><p>" + data.replace(b"\n", b"</p><p>") + b"</p></article></body></html>")]
    return [Item(".txt", data)]


def k_huge_attr(g: Gen) -> list[Item]:
    rng = g.rng
    size = 1_500_000 if g.big else rng.randint(20_000, 200_000)
    value = rng.choice(("A", "x y ", "&quot;", "%20", "\u00e9")) * (size // 4)
    attr = rng.choice(("data-x", "class", "style", "href", "title", "srcset"))
    if rng.random() < 0.2 and not g.big:  # never closed: the rest of the page is the attribute
        inside = f'<a {attr}="{value}'
    else:
        inside = f'<div {attr}="{value}">{sentence(rng)}</div>'
    return [Item(".html", article(rng, inside=inside).encode())]


UNCLOSED = ("<!--", "<![CDATA[", "<script>", "<textarea>", "<title>", "<style>", "<xmp>", "<plaintext>", "<!DOCTYPE", "<?xml", "<" + "a" * 1000)


def k_unclosed(g: Gen) -> list[Item]:
    rng = g.rng
    opener = "<!--" if g.big else rng.choice(UNCLOSED)
    filler = ("komentar " * 125_000) if g.big else ""
    return [Item(".html", article(rng, inside=opener + filler).encode())]


ENTITIES = ("&#xD800;", "&#xDFFF;", "&#0;", "&#x110000;", "&#99999999999999;", "&nosuch;", "&amp", "&#x;", "&#;",
            "&", "&&&&", "&#65", "&lt;script&gt;alert(1)&lt;/script&gt;", "&nbsp;" * 1000, "&#x202E;", "&#128512;")


def k_entities(g: Gen) -> list[Item]:
    rng = g.rng
    bits = " ".join(rng.choice(ENTITIES) + " " + rng.choice(WORDS) for _ in range(rng.randint(5, 60)))
    if rng.random() < 0.25:
        return [Item(".txt", (plain(rng) + bits + "\n").encode())]
    return [Item(".html", article(rng, inside=f"<p>{bits}</p>").encode())]


CONTROLS = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\x01", "\x02", "\x07", "\x08", "\x0b", "\x0c",
            "\x1b[31m", "\x7f", "\x85", "\u2028", "\u2029", "\r", "\x1c", "\x1e", "\ufffe", "\uffff")


def k_control_chars(g: Gen) -> list[Item]:
    rng = g.rng
    ext, content = g.page()
    chars = list(content)
    for _ in range(rng.randint(5, 200)):
        chars.insert(rng.randrange(len(chars)), rng.choice(CONTROLS))
    text = "".join(chars)
    if rng.random() < 0.2:
        text = text.replace("\n", rng.choice(("\r", "\r\n")))
    data = text.encode()
    if rng.random() < 0.2:  # a NUL past the first 4 KB, where the binary sniff does not look
        data = data + b" " * 5000 + b"\x00" + plain(rng).encode()
    return [Item(ext, data)]


RTL = ("هذا خبر عاجل من المدينة اليوم.", "זוהי ידיעה חשובה מהעיר.", "\u202eoverride\u202c teks", "\u200fمرحبا\u200e abc")
EMOJI = "😀😃🎉🔥💥🇮🇩👨‍👩‍👧‍👦🏳️‍🌈✊🏽🫠"


def zalgo(rng: random.Random, word: str) -> str:
    return "".join(ch + "".join(chr(rng.randint(0x300, 0x36F)) for _ in range(rng.randint(1, 30))) for ch in word)


def k_rtl_emoji(g: Gen) -> list[Item]:
    rng = g.rng
    lines = []
    for _ in range(rng.randint(1, 40)):
        pick = rng.random()
        if pick < 0.4:
            lines.append(rng.choice(RTL) * rng.randint(1, 5))
        elif pick < 0.8:
            lines.append("".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 80))))
        else:
            lines.append(zalgo(rng, rng.choice(WORDS)))
    if rng.random() < 0.5:
        return [Item(".txt", ("\n".join(lines) + "\n").encode())]
    return [Item(".html", ('<html dir="rtl"><body><article>' + "".join(f"<p>{x}</p>" for x in lines) + "</article></body></html>").encode())]


def k_html_in_txt(g: Gen) -> list[Item]:
    return [Item(".txt", g.rng.choice(g.samples.html))]


def k_text_in_html(g: Gen) -> list[Item]:
    rng = g.rng
    text = rng.choice(g.samples.text) if rng.random() < 0.7 else "<3 cinta\nJika a < b dan c > d maka " + plain(rng)
    return [Item(".html", text.encode())]


def k_long_line(g: Gen) -> list[Item]:
    rng = g.rng
    form = g.i % 3
    if form == 0:
        return [Item(".txt", ("Kata " * 600_000).encode())]  # 3 MB, one line
    if form == 1:
        return [Item(".txt", ("a" * 1_000_000).encode())]  # one 1 MB word
    return [Item(".html", article(rng, inside="<p>" + (sentence(rng) + " ") * 20_000 + "</p>").encode())]  # ~2 MB line


def k_big_html(g: Gen) -> list[Item]:
    return [Item(".html", article(g.rng, n=4000).encode())]  # ~2 MB of paragraphs


def k_many_lines(g: Gen) -> list[Item]:
    return [Item(g.ext(), "".join(f"baris {j}\n" for j in range(200_000)).encode())]


# tree-only kinds: what only a folder can hold


def k_dangling_symlink(g: Gen) -> list[Item]:
    return [Item(g.ext(), link=f"missing-target-{g.i}")]


def k_symlink_loop(g: Gen) -> list[Item]:
    return [Item(".txt", link="<self>")]


def k_same_stem(g: Gen) -> list[Item]:
    return [Item(".txt", plain(g.rng).encode()), Item(".html", article(g.rng).encode())]


def k_file_folder_clash(g: Gen) -> list[Item]:
    """x.html (output x.txt) beside a folder x.txt/ holding a page (output x.txt/inner.txt)."""
    return [Item(".html", article(g.rng).encode()), Item(".txt/inner.txt", plain(g.rng).encode())]


def k_dir_named_page(g: Gen) -> list[Item]:
    return [Item(".html/inner.html", article(g.rng).encode())]


def k_folder_loop(g: Gen) -> list[Item]:
    return [Item("-loop", link="..", page=False)]


def k_not_a_page(g: Gen) -> list[Item]:
    rng = g.rng
    name = rng.choice((".hidden-{}.txt", "{}.json", "{}.md", "{}.txt~", "{}.txt.bak", "{}"))
    return [Item(name=name.format(g.i), data=plain(rng).encode(), page=False)]


ODD_NAMES = ("{} with spaces.txt", "{}-ünïcödé.txt", "NFD", "-{}.txt", "{}.TXT", "{}.HTML", "{}.htm",
             "{}'\"#%&;$(x).txt", "{}\nnewline.txt", "{}\ttab.txt", "LONG", "LONG2", "{}..txt", "{}.txt.html",
             "{}\u202eLRO.txt", "{}-😀.txt", "{}\\backslash.txt", "{} .txt", "{}:colon.txt")


def k_odd_name(g: Gen) -> list[Item]:
    stem = f"odd-{g.i:05d}"
    pattern = g.rng.choice(ODD_NAMES)
    if pattern == "NFD":
        name = unicodedata.normalize("NFD", f"{stem}-café.txt")
    elif pattern == "LONG":
        name = f"{stem}-" + "x" * (250 - len(stem) - 5) + ".txt"  # 250 bytes
    elif pattern == "LONG2":
        name = f"{stem}-" + "é" * ((250 - len(stem) - 5) // 2) + ".htm"  # ~250 bytes, output name as long
    else:
        name = pattern.format(stem)
    ext, content = g.page(html=name.lower().endswith((".html", ".htm")))
    return [Item(name=name, data=content.encode())]


def k_undecodable_name(g: Gen) -> list[Item]:
    return [Item(name=b"undecodable-%05d-\xff\xfe.txt" % g.i, data=plain(g.rng).encode())]


def k_fifo(g: Gen) -> list[Item]:
    return [Item(".txt", fifo=True)]


def k_dev_zero(g: Gen) -> list[Item]:
    return [Item(".txt", link="/dev/zero")]


# jsonl-only kinds: hostile ids, URLs and records


def record(page_id, g: Gen, **fields) -> Item:
    """A record with this id (any JSON value) and a short text unless `fields` give the content."""
    if not ({"text", "html"} & fields.keys()):
        fields["text"] = plain(g.rng, 2)
    return Item(record={"id": page_id, **fields})


def escape_name(g: Gen) -> str:
    return f"soak-escape-{g.sandbox.name}-{g.i:05d}"


def k_id_traversal(g: Gen) -> list[Item]:
    name = escape_name(g)
    ids = ("../../" + name, "../" * 12 + name, "a/../../../" + name, "..\\..\\" + name, "./../" + name, "x/./../../" + name)
    return [record(g.rng.choice(ids), g)]


def k_id_absolute(g: Gen) -> list[Item]:
    target = g.sandbox / "abs-escape" / escape_name(g)
    return [record(g.rng.choice((str(target), "//" + str(target).lstrip("/"), "C:\\soak\\" + escape_name(g))), g)]


def k_id_nul(g: Gen) -> list[Item]:
    return [record(g.rng.choice(("a\x00b", "\x00", f"nul-{g.i}\x00.txt")), g)]


def k_id_long(g: Gen) -> list[Item]:
    choice = g.rng.randrange(4)
    ids = ("x" * 10_000, "\u0e01" * 120, "/".join(["y" * 120] * 10), "é" * 130)
    return [record(ids[choice], g)]


def k_id_collision(g: Gen) -> list[Item]:
    """Three ids that safe_id makes one: two of them are duplicates."""
    base = f"coll-{g.i}"
    return [record(f"{base}/x", g), record(f"{base}//x", g), record(f"./{base}/x/", g)]


def k_id_duplicate(g: Gen) -> list[Item]:
    return [record(f"dup-{g.i}", g), record(f"dup-{g.i}", g)]


def k_id_file_folder(g: Gen) -> list[Item]:
    """An id whose output (k.txt) is the folder of another id's output (k.txt/x.txt)."""
    return [record(f"clash-{g.i}", g), record(f"clash-{g.i}.txt/x", g)]


def k_id_types(g: Gen) -> list[Item]:
    return [record(g.rng.choice((123, None, [], {}, True, "", 1.5e300, ["a", "b"])), g)]


def k_id_dots(g: Gen) -> list[Item]:
    return [record(g.rng.choice((".", "..", "...", ".hidden", "-rf", "~", "CON", "nul", "aux.txt", "a:b", "a*b?", "/")), g)]


def k_id_surrogate(g: Gen) -> list[Item]:
    return [record(f"sur-{g.i}-\ud800-x", g)]


HOSTILE_URLS = ("javascript:alert(1)", "http://", "http://../../x", "https://[::1", "file:///etc/passwd",
                "https://detik.com/\x00x", 12345, ["https://detik.com/"], "https://DETIK.COM./x",
                "https://xn--dtik-bpa.com/x", "https://détik.com/x", "//detik.com/x", "https://u:p@detik.com:99999/x",
                "https://" + "a" * 100_000 + ".com/", "http://kompas.com:80@evil.example/", " https://detik.com/ ")


def k_url_hostile(g: Gen) -> list[Item]:
    return [record(f"url-{g.i}", g, url=g.rng.choice(HOSTILE_URLS))]


def k_url_surrogate(g: Gen) -> list[Item]:
    return [record(f"urlsur-{g.i}", g, url="https://detik.com/read/\ud800")]


def k_text_surrogate(g: Gen) -> list[Item]:
    return [record(f"textsur-{g.i}", g, text=sentence(g.rng) + " \udc80 " + sentence(g.rng))]


BAD_RECORDS = ('{"id": "broken", "text": "Isi', "[]", "42", "null", '"just a string"', '{"id": "x"} trailing',
               "\ufeff{\"id\": \"bom\", \"text\": \"Isi berita.\"}", "{'id': 'single-quotes'}", "{")


def k_record_bad(g: Gen) -> list[Item]:
    rng = g.rng
    if rng.random() < 0.5:
        return [Item(record=rng.choice(BAD_RECORDS))]
    fields = rng.choice(({}, {"text": 123}, {"text": ["a", "b"]}, {"html": {"a": 1}}, {"html": "", "text": "Isi berita."},
                         {"text": None}, {"text": ""}, {"html": None, "text": "   "}))
    return [Item(record={"id": f"rec-{g.i}", **fields})]


@dataclass(frozen=True)
class Kind:
    fn: Callable[[Gen], list[Item]]
    weight: float  # share in the draw (0: only as a big page)
    forms: tuple[str, ...] = ("tree", "jsonl")
    big: bool = False  # has a big variant, placed at the --big positions
    once: bool = False  # costly (a page time limit each): placed once, not drawn
    optional: bool = False  # exhausts memory: only with --with


KINDS: dict[str, Kind] = {
    "empty": Kind(k_empty, 3),
    "whitespace": Kind(k_whitespace, 2),
    "binary": Kind(k_binary, 3),
    "png": Kind(k_png, 2),
    "gzip": Kind(k_gzip, 1),
    "invalid-utf8": Kind(k_invalid_utf8, 4),
    "utf16-bom": Kind(k_utf16_bom, 3),
    "utf16-nobom": Kind(k_utf16_nobom, 2),
    "utf16-broken": Kind(k_utf16_broken, 2),
    "truncated-html": Kind(k_truncated_html, 5),
    "nested": Kind(k_nested, 2, big=True),
    "all-script": Kind(k_all_script, 3),
    "lying-charset": Kind(k_lying_charset, 4),
    "mixed-encoding": Kind(k_mixed_encoding, 4),
    "huge-attr": Kind(k_huge_attr, 2, big=True),
    "unclosed": Kind(k_unclosed, 4, big=True),
    "entities": Kind(k_entities, 4),
    "control-chars": Kind(k_control_chars, 5),
    "rtl-emoji": Kind(k_rtl_emoji, 4),
    "html-in-txt": Kind(k_html_in_txt, 3),
    "text-in-html": Kind(k_text_in_html, 3),
    "long-line": Kind(k_long_line, 0, big=True),
    "big-html": Kind(k_big_html, 0, big=True),
    "many-lines": Kind(k_many_lines, 0, big=True),
    # tree only
    "dangling-symlink": Kind(k_dangling_symlink, 2, ("tree",)),
    "symlink-loop": Kind(k_symlink_loop, 1, ("tree",)),
    "same-stem": Kind(k_same_stem, 2, ("tree",)),
    "file-folder-clash": Kind(k_file_folder_clash, 1, ("tree",)),
    "dir-named-page": Kind(k_dir_named_page, 1, ("tree",)),
    "folder-loop": Kind(k_folder_loop, 0.2, ("tree",)),
    "not-a-page": Kind(k_not_a_page, 1, ("tree",)),
    "odd-name": Kind(k_odd_name, 3, ("tree",)),
    "undecodable-name": Kind(k_undecodable_name, 1, ("tree",)),
    "fifo": Kind(k_fifo, 0, ("tree",), once=True),
    "dev-zero": Kind(k_dev_zero, 0, ("tree",), once=True, optional=True),
    # jsonl only
    "id-traversal": Kind(k_id_traversal, 3, ("jsonl",)),
    "id-absolute": Kind(k_id_absolute, 2, ("jsonl",)),
    "id-nul": Kind(k_id_nul, 1, ("jsonl",)),
    "id-long": Kind(k_id_long, 2, ("jsonl",)),
    "id-collision": Kind(k_id_collision, 1, ("jsonl",)),
    "id-duplicate": Kind(k_id_duplicate, 1, ("jsonl",)),
    "id-file-folder": Kind(k_id_file_folder, 1, ("jsonl",)),
    "id-types": Kind(k_id_types, 2, ("jsonl",)),
    "id-dots": Kind(k_id_dots, 2, ("jsonl",)),
    "id-surrogate": Kind(k_id_surrogate, 1, ("jsonl",)),
    "url-hostile": Kind(k_url_hostile, 3, ("jsonl",)),
    "url-surrogate": Kind(k_url_surrogate, 1, ("jsonl",)),
    "text-surrogate": Kind(k_text_surrogate, 1, ("jsonl",)),
    "record-bad": Kind(k_record_bad, 3, ("jsonl",)),
}
BIG_KINDS = [name for name, kind in KINDS.items() if kind.big]


def hostile_plan(form: str, n_hostile: int, big: int, seed: int, enabled: set[str]) -> list[tuple[str, bool]]:
    """(kind, big) of every hostile generator call, in order: the big ones
    and one of each "once" kind at fixed places, the rest drawn by weight. Calls may make 0-3 pages, so the list is long enough; the
    builder stops at n_hostile pages."""
    names = [n for n, k in KINDS.items() if form in k.forms and n in enabled and k.weight > 0]
    weights = [KINDS[n].weight for n in names]
    rng = random.Random(f"{seed}:{form}:plan")
    plan = [(rng.choices(names, weights)[0], False) for _ in range(2 * n_hostile + 10)] if names else []
    # spread over the first 80 %: calls that make 2-3 pages end the plan early
    bigs = [n for n in BIG_KINDS if n in enabled and form in KINDS[n].forms]
    big = min(big, n_hostile) if bigs else 0
    for j in range(big):
        plan[int((j + 0.5) * 0.8 * n_hostile / big)] = (bigs[j % len(bigs)], True)
    once = [n for n, k in KINDS.items() if k.once and n in enabled and form in k.forms]
    for j, name in enumerate(once):
        plan[int((j + 1) * 0.8 * n_hostile / (len(once) + 1)) + 1] = (name, False)
    return plan


def generate(form: str, n_hostile: int, big: int, seed: int, enabled: set[str], samples: Samples, sandbox: Path):
    """Yield (kind, number, items) until the items hold n_hostile pages."""
    pages = 0
    for i, (kind, is_big) in enumerate(hostile_plan(form, n_hostile, big, seed, enabled)):
        if pages >= n_hostile:
            return
        items = KINDS[kind].fn(Gen(random.Random(f"{seed}:{form}:{i}"), samples, i, is_big, sandbox))
        pages += sum(item.page for item in items)
        yield kind, i, items


# --- building the inputs -----------------------------------------------------------------


@dataclass
class Inputs:
    """What a run is given and what the checks expect of it."""

    args: list[str]  # the input arguments of `cleaner clean`
    expected: dict[str, str] = field(default_factory=dict)  # manifest "input" of each page -> its kind
    files: list[Path] = field(default_factory=list)  # every input file whose content must not change
    escapes: list[str] = field(default_factory=list)  # where a hostile id used as is would write
    bytes: int = 0
    hostile: int = 0
    big: int = 0


def corpus_kind(page: CorpusPage) -> str:
    return f"corpus {page.set_name}"


def place_corpus_tree(root: Path, pages: list[CorpusPage], n: int, inputs: Inputs) -> None:
    """n corpus pages: the first copy of each a real copy, the next ones hard links to it."""
    first: dict[CorpusPage, Path] = {}
    for page, rep in cycle_pages(pages, n):
        target = root / page.file_name(rep)
        target.parent.mkdir(parents=True, exist_ok=True)
        if page in first:
            try:
                os.link(first[page], target)
            except OSError:
                shutil.copyfile(first[page], target)
        else:
            shutil.copyfile(page.path, target)
            first[page] = target
            inputs.files.append(target)
            inputs.bytes += target.stat().st_size
        inputs.expected[str(target)] = corpus_kind(page)


def place_item(folder: Path, stem: str, item: Item, kind: str, inputs: Inputs) -> None:
    """Write one tree item (file, symlink, named pipe) and record what the run should see."""
    if isinstance(item.name, bytes):
        path = Path(os.fsdecode(os.fsencode(folder) + b"/" + item.name))
    else:
        path = folder / (item.name if item.name is not None else stem + item.ext)
    path.parent.mkdir(parents=True, exist_ok=True)
    if item.link is not None:
        os.symlink(path.name if item.link == "<self>" else item.link, path)
    elif item.fifo:
        os.mkfifo(path)
    else:
        path.write_bytes(item.data)
        inputs.files.append(path)
        inputs.bytes += len(item.data)
    if item.page:
        inputs.expected[str(path)] = kind


def build_tree(work: Path, n: int, n_hostile: int, args, corpus: list[CorpusPage], samples: Samples) -> Inputs:
    root = work / "input"
    inputs = Inputs([str(root)])
    rng = random.Random(f"{args.seed}:tree:folders")
    site_dirs = sorted({str(Path(p.file_name(0)).parent) for p in corpus if site_of(p.rel)})
    for kind, i, items in generate("tree", n_hostile, args.big, args.seed, args.kinds, samples, work.parent):
        folder = root / (rng.choice(site_dirs) if rng.random() < 0.5 else f"hostile/{kind}")
        for j, item in enumerate(items):
            place_item(folder, f"hostile-{kind}-{i:05d}" + (f"-{j}" if j and item.ext == items[0].ext else ""), item, kind, inputs)
        inputs.big += any(len(item.data) >= 1_000_000 for item in items)
    inputs.hostile = len(inputs.expected)
    place_corpus_tree(root, corpus, n - inputs.hostile, inputs)
    return inputs


def dump_record(rec: dict | str) -> str:
    if isinstance(rec, str):
        return rec
    line = json.dumps(rec, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: only an escaped one can be written
        line = json.dumps(rec)
    return line


def content_record(kind: str, i: int, item: Item, rng: random.Random, samples: Samples) -> dict:
    """A tree-form content item as an export record (its bytes decoded as an export would hold them)."""
    rec: dict = {"id": f"hostile/{kind}/{i:05d}" + item.ext.replace(".", "-")}
    if rng.random() < 0.5:
        rec["url"] = f"https://www.{rng.choice(samples.sites)}/read/{kind}-{i}"
    rec["html" if item.ext in (".html", ".htm") else "text"] = item.data.decode("utf-8", "replace")
    return rec


def escape_target(out: Path, page_id) -> str | None:
    """Where an output named by this id would land if the id were used as is
    (None when that is inside the output folder or the id cannot name a file)."""
    if not isinstance(page_id, str) or "\0" in page_id or not page_id:
        return None
    target = os.path.normpath(os.path.join(out, page_id.replace("\\", "/") + ".txt"))
    return None if target.startswith(str(out) + os.sep) else target


def build_jsonl(work: Path, n: int, n_hostile: int, args, corpus: list[CorpusPage], samples: Samples) -> Inputs:
    pages_file, hostile_file = work / "pages.jsonl", work / "hostile.jsonl"
    out = work / "out"
    inputs = Inputs([str(pages_file), str(hostile_file)], files=[pages_file, hostile_file])
    rng = random.Random(f"{args.seed}:jsonl:records")
    number = 0
    with open(hostile_file, "w", encoding="utf-8", newline="\n") as fh:
        for kind, i, items in generate("jsonl", n_hostile, args.big, args.seed, args.kinds, samples, work.parent):
            for item in items:
                if not item.page or item.link or item.fifo or item.name is not None:
                    continue
                rec = item.record if item.record is not None else content_record(kind, i, item, rng, samples)
                if rng.random() < 0.02:
                    fh.write(rng.choice(("\n", "   \n", "\t\n")))  # blank lines: not records
                    number += 1
                fh.write(dump_record(rec) + "\n")
                number += 1
                inputs.expected[f"{hostile_file}:{number}"] = kind
                inputs.big += len(item.data) >= 1_000_000
                if isinstance(rec, dict) and (target := escape_target(out, rec.get("id"))):
                    inputs.escapes.append(target)
    inputs.hostile = len(inputs.expected)
    n_corpus = n - inputs.hostile
    write_batch_jsonl(pages_file, corpus, n_corpus)
    kinds = [corpus_kind(page) for page, _ in cycle_pages(corpus, min(n_corpus, len(corpus)))]
    for number in range(1, n_corpus + 1):
        inputs.expected[f"{pages_file}:{number}"] = kinds[(number - 1) % len(corpus)]
    inputs.bytes = pages_file.stat().st_size + hostile_file.stat().st_size
    return inputs


# --- snapshots: listing, input hashes --------------------------------------------------


def listing(root: Path, skip: set[Path]) -> dict[str, tuple]:
    """Every entry under root (symlinks not followed) but the `skip` folders:
    relative path -> (type, size, mtime_ns, inode) or ("link", target)."""
    found: dict[str, tuple] = {}
    skip_s = {str(p) for p in skip}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if os.path.join(folder, d) not in skip_s]
        for name in dirs + files:
            path = os.path.join(folder, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            rel = os.path.relpath(path, root)
            if os.path.islink(path):
                found[rel] = ("link", os.readlink(path))
            elif os.path.isdir(path):
                found[rel] = ("dir",)
            else:
                found[rel] = ("file", st.st_size, st.st_mtime_ns, st.st_ino)
    return found


def hash_files(paths: list[Path]) -> dict[str, str]:
    """blake2b of each file's content (hard links hashed once)."""
    by_inode: dict[tuple[int, int], str] = {}
    result = {}
    for path in paths:
        st = path.stat()
        key = (st.st_dev, st.st_ino)
        if key not in by_inode:
            digest = hashlib.blake2b(digest_size=16)
            with open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    digest.update(chunk)
            by_inode[key] = digest.hexdigest()
        result[str(path)] = by_inode[key]
    return result


def compare_listings(before: dict, after: dict, allowed: set[str]) -> list[str]:
    problems = []
    for rel in sorted(after.keys() - before.keys() - allowed):
        problems.append(f"created {rel!r}")
    for rel in sorted(before.keys() - after.keys()):
        problems.append(f"removed {rel!r}")
    for rel in sorted(before.keys() & after.keys() - allowed):
        if before[rel] != after[rel] and before[rel][0] != "dir":
            problems.append(f"changed {rel!r}: {before[rel]} -> {after[rel]}")
    return problems


# --- reading the results -----------------------------------------------------------------

#: (kind, pattern) for the error message of a failed page, the first match wins.
ERROR_KINDS = (
    ("binary file", r"binary file"),
    ("cannot read", r"cannot read"),
    ("not a regular file", r"not a regular file"),
    ("cannot decode", r"cannot decode|cannot detect the text encoding"),
    ("timed out", r"timed out|time ?out"),
    ("worker died", r"worker failed|worker died|process died|keep dying|BrokenProcessPool|terminated abruptly"),
    ("unsafe output name", r"unsafe output name"),
    ("cannot write", r"cannot write"),
    ("too large", r"too large|too big|too long"),
    ("bad record", r"invalid JSON|a JSON object was expected|no content field|empty content field"),
)
EXCEPTION = re.compile(r"\b([A-Z]\w*(?:Error|Exception|Exit|Interrupt))\b")
#: Failure kinds that point at a bug in the cleaner rather than at the page.
SUSPICIOUS = ("worker died", "exception", "other")


def classify(entry: dict) -> str:
    """The kind of a manifest line's outcome: ok, duplicate, or the kind of its error."""
    status = entry.get("status")
    if status in ("ok", "duplicate"):
        return status
    message = str(entry.get("error") or "").replace(str(entry.get("input")), "<input>")
    for kind, pattern in ERROR_KINDS:
        if re.search(pattern, message, re.IGNORECASE):
            return kind
    if found := EXCEPTION.search(message):
        return f"exception {found.group(1)}"
    return "other"


@dataclass
class PageState:
    """What the checks keep of a page's manifest line (not the whole line: 100k of them)."""

    status: str
    outcome: str
    output: str | None
    chars_out: int | None
    line_hash: str
    error: str | None


@dataclass
class RunCheck:
    """Crashes and broken invariants found in one run."""

    crashes: list[str] = field(default_factory=list)
    broken: dict[str, list[str]] = field(default_factory=dict)

    def breaks(self, invariant: str, problems: list[str]) -> None:
        if problems:
            self.broken.setdefault(invariant, []).extend(problems)


def read_manifest(path: Path, check: RunCheck) -> dict[str, list[PageState]]:
    """input -> its manifest lines; invalid lines are reported."""
    lines: dict[str, list[PageState]] = {}
    bad = []
    if not path.is_file():
        check.breaks("manifest lines are valid JSON", [f"no manifest at {path}"])
        return lines
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        bad.append("the last line has no newline")
    for number, raw in enumerate(data.splitlines(), 1):
        try:
            entry = json.loads(raw)
            if not isinstance(entry, dict) or set(MANIFEST_FIELDS) - entry.keys():
                raise ValueError(f"not an object with the fields {', '.join(MANIFEST_FIELDS)}")
        except ValueError as exc:
            bad.append(f"line {number}: {exc}: {raw[:120]!r}")
            continue
        state = PageState(entry["status"], classify(entry), entry.get("output"), entry.get("chars_out"),
                          hashlib.blake2b(raw, digest_size=12).hexdigest(), entry.get("error"))
        lines.setdefault(str(entry.get("input")), []).append(state)
    check.breaks("manifest lines are valid JSON", bad)
    return lines


def check_manifest(lines: dict[str, list[PageState]], inputs: Inputs, check: RunCheck) -> None:
    missing = [src for src in inputs.expected if src not in lines]
    if missing:
        check.crashes.append(f"{len(missing)} page(s) missing from the manifest, e.g. {missing[:3]}")
    check.breaks("one manifest line per input page", [f"{len(v)} lines for {k!r}" for k, v in lines.items() if len(v) > 1][:20])
    check.breaks("no manifest line for what is not a page", [f"{k!r}" for k in lines if k not in inputs.expected][:20])


def check_outputs(lines: dict[str, list[PageState]], out: Path) -> tuple[list[str], set[str]]:
    """Every ok page's output: inside `out`, UTF-8, as long as the manifest says, final newline."""
    problems, referenced = [], set()
    root = str(out.resolve()) + os.sep
    for source, states in lines.items():
        state = states[-1]
        if state.status != "ok":
            continue
        path = Path(state.output or "")
        if not str(path.resolve()).startswith(root):
            problems.append(f"{source}: output {state.output!r} is not inside {out}")
            continue
        referenced.add(str(path.resolve()))
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{source}: output {state.output!r}: {exc}")
            continue
        expected = state.chars_out + (1 if state.chars_out else 0) if state.chars_out is not None else None
        if len(text) != expected or (text and not text.endswith("\n")):
            problems.append(f"{source}: output has {len(text)} chars, the manifest says {state.chars_out} (+ newline)")
    return problems, referenced


def stray_outputs(out: Path, referenced: set[str], manifest: Path) -> list[str]:
    stray = []
    for folder, _, files in os.walk(out):
        for name in files:
            path = os.path.realpath(os.path.join(folder, name))
            if path not in referenced and path != str(manifest.resolve()) and not TEMPORARY_NAME.match(name):
                stray.append(os.path.relpath(path, out))
    return stray


def temporaries(root: Path) -> list[str]:
    return [os.path.join(folder, name) for folder, _, files in os.walk(root) for name in files if TEMPORARY_NAME.match(name)]


def outputs_stat(lines: dict[str, list[PageState]]) -> dict[str, tuple]:
    stats = {}
    for source, states in lines.items():
        if states[-1].status == "ok":
            try:
                st = os.stat(states[-1].output)
                stats[source] = (st.st_ino, st.st_mtime_ns, st.st_size)
            except OSError:
                stats[source] = None
    return stats


SUMMARY = re.compile(r"cleaned (\d+) page\(s\).*?skipped (\d+) up to date; (\d+) failed; (\d+) duplicate")


# --- one run -------------------------------------------------------------------------------


def run_cleaner(label: str, form: str, inputs: Inputs, work: Path, logs: Path, args, n: int, log) -> dict:
    out, manifest = work / "out", work / "manifest.jsonl"
    cli = ["clean", *inputs.args, "-o", str(out), "--manifest", str(manifest), "--jobs", str(args.jobs)]
    if args.page_timeout is not None:
        cli += ["--page-timeout", f"{args.page_timeout:g}"]
    usage_file, stderr_file = logs / f"usage-{form}-{label}.json", logs / f"stderr-{form}-{label}.txt"
    print(f"\n[{form} {label}] cleaner {shlex.join(cli)}", file=log, flush=True)
    skip = manifest.stat().st_size if manifest.is_file() else 0
    res = run_and_watch(cleaner_cli_argv(cli, usage_file), manifest, n, args.interval, args.progress, True,
                        stderr_file, log, skip_bytes=skip, timeout=args.timeout, stall=args.stall, cwd=work)
    res["stderr"] = stderr_file.read_text(encoding="utf-8", errors="replace")
    res["usage"] = read_usage(usage_file)
    return res


def memory(res: dict) -> dict:
    """Peaks in KB: the parent (its VmHWM at exit, else the last sampled), each worker, their sum and max."""
    parent = [p["hwm"] for p in res["peaks"].values() if p["role"] == "parent"]
    parent_kb = (res["usage"] or {}).get("parent_maxrss_kb") or (parent[0] if parent else 0)
    workers = [p["hwm"] for p in res["peaks"].values() if p["role"] == "worker"]
    return {"parent_kb": parent_kb, "workers_kb": workers, "sum_of_peaks_kb": parent_kb + sum(workers),
            "largest_kb": max([parent_kb, *workers]), "peak_sampled_pss_kb": res["max_sum_pss_kb"]}


def check_run(res: dict, check: RunCheck) -> None:
    if res["stopped"]:
        check.crashes.append(res["stopped"])
    elif res["returncode"] not in (0, 1):
        check.crashes.append(f"exit code {res['returncode']}")
    if "Traceback (most recent call last)" in res["stderr"]:
        tail = res["stderr"][res["stderr"].rindex("Traceback"):].strip().splitlines()
        check.crashes.append(f"traceback on stderr, ending: {tail[-1][:300] if tail else ''}")


def summarize(label: str, res: dict, lines: dict[str, list[PageState]], inputs: Inputs, n: int, check: RunCheck) -> dict:
    outcomes = Counter(states[-1].outcome for states in lines.values())
    examples: dict[str, str] = {}
    hostile: dict[str, Counter] = {}
    for source, states in lines.items():
        state = states[-1]
        if state.outcome not in ("ok",) and state.outcome not in examples:
            examples[state.outcome] = str(state.error)
        kind = inputs.expected.get(source, "(not a page)")
        if not kind.startswith("corpus"):
            hostile.setdefault(kind, Counter())[state.outcome] += 1
    corpus_failed = Counter(states[-1].outcome for src, states in lines.items()
                            if inputs.expected.get(src, "").startswith("corpus") and states[-1].status != "ok")
    found = SUMMARY.search(res["stderr"])
    return {
        "run": label, "exit": res["returncode"], "stopped": res["stopped"], "wall_s": round(res["wall_s"], 2),
        "pages": n, "pages_per_s": round(n / res["wall_s"], 1) if res["wall_s"] else None,
        "manifest_lines_appended": res["pages_done"], "outcomes": dict(outcomes),
        "failures": {k: {"count": outcomes[k], "example": examples.get(k)} for k in sorted(outcomes) if k != "ok"},
        "corpus_failures": dict(corpus_failed),
        "hostile": {k: dict(v) for k, v in sorted(hostile.items())},
        "cli_summary": dict(zip(("cleaned", "skipped", "failed", "duplicates"), map(int, found.groups()))) if found else None,
        "memory": memory(res), "cpu": res["usage"],
        "crashes": check.crashes, "broken": check.broken,
    }


def soak_form(form: str, args, sandbox: Path, corpus: list[CorpusPage], samples: Samples, log) -> dict:
    """Build one form's inputs, run the cleaner twice, check everything."""
    work, logs = sandbox / form, sandbox / "logs"
    work.mkdir()
    logs.mkdir(exist_ok=True)
    n_hostile = round(args.pages * args.hostile_share)
    t0 = time.perf_counter()
    build = build_tree if form == "tree" else build_jsonl
    inputs = build(work, args.pages, n_hostile, args, corpus, samples)
    n = len(inputs.expected)
    print(f"[{form}] built {n} pages ({inputs.hostile} hostile, {inputs.big} of >= 1 MB; "
          f"{inputs.bytes / 1e6:.0f} MB written) in {time.perf_counter() - t0:.0f}s under {work}", file=log, flush=True)
    out, manifest = work / "out", work / "manifest.jsonl"
    skip = {out, logs} | {sandbox / other for other in ("tree", "jsonl") if other != form}  # a form done before
    before = listing(sandbox, skip)
    hashes = hash_files(inputs.files)
    runs, first_lines, first_stats = [], None, None
    for label in ("first", "rerun"):
        res = run_cleaner(label, form, inputs, work, logs, args, n, log)
        check = RunCheck()
        check_run(res, check)
        lines = read_manifest(manifest, check)
        check_manifest(lines, inputs, check)
        problems, referenced = check_outputs(lines, out)
        check.breaks("every ok page's output is whole and inside the output folder", problems[:20])
        check.breaks("no output without an ok page", stray_outputs(out, referenced, manifest)[:20])
        check.breaks("no temporary file left", temporaries(sandbox)[:20])
        allowed = {os.path.relpath(manifest, sandbox)}
        check.breaks("nothing created or changed outside the output folder", compare_listings(before, listing(sandbox, skip), allowed)[:20])
        check.breaks("no file where a hostile id would escape to", [t for t in inputs.escapes if os.path.lexists(t)][:20])
        check.breaks("inputs unchanged", [p for p, h in hash_files(inputs.files).items() if hashes.get(p) != h][:20])
        stats = outputs_stat(lines)
        if label == "rerun":
            touched = [src for src, st in first_stats.items() if stats.get(src) != st]
            changed = [src for src, states in first_lines.items()
                       if states[-1].status == "ok" and (lines.get(src) or [None])[-1] is not None
                       and lines[src][-1].line_hash != states[-1].line_hash]
            check.breaks("rerun skips every ok page (output untouched)", touched[:20])
            check.breaks("rerun skips every ok page (manifest line unchanged)", changed[:20])
        runs.append(summarize(label, res, lines, inputs, n, check))
        print_run(form, runs[-1], log)
        first_lines, first_stats = lines, stats
        if res["stopped"]:
            break  # a hung run: a rerun would hang the same way
    return {"form": form, "pages": n, "hostile": inputs.hostile, "big_pages": inputs.big, "input_bytes": inputs.bytes,
            "work": str(work), "runs": runs}


# --- the report ----------------------------------------------------------------------------


def printable(obj):
    """The report with every lone surrogate (undecodable file names) as a \\udcxx escape."""
    if isinstance(obj, str):
        return obj.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(obj, dict):
        return {printable(k): printable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [printable(v) for v in obj]
    return obj


def short(text: str | None, width: int = 150) -> str:
    text = " ".join(printable(str(text)).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def print_run(form: str, run: dict, log) -> None:
    m = run["memory"]
    print(f"  exit {run['exit']}{' (' + run['stopped'] + ')' if run['stopped'] else ''}, {run['wall_s']:.1f}s, "
          f"{run['pages_per_s']} pages/s; peak memory: sum of the tree's peaks {mb(m['sum_of_peaks_kb'])}, largest "
          f"process {mb(m['largest_kb'])}; cli summary {run['cli_summary']}", file=log)
    for crash in run["crashes"]:
        print(f"  CRASH: {short(crash, 300)}", file=log)
    for invariant, problems in run["broken"].items():
        print(f"  BROKEN: {invariant}: {len(problems)}{'+' if len(problems) >= 20 else ''}, e.g. {short(problems[0], 300)}", file=log)


def print_report(report: dict, log) -> None:
    print("\n== soak report ==", file=log)
    head = f"{'form':<6}{'run':<7}{'exit':>5}{'wall s':>9}{'pages':>8}{'pages/s':>9}{'ok':>8}{'failed':>8}{'dup':>6}" \
           f"{'crashes':>9}{'broken':>8}{'tree peaks':>12}{'largest':>10}"
    print(head, file=log)
    print("-" * len(head), file=log)
    for form in report["forms"].values():
        for run in form["runs"]:
            o, m = run["outcomes"], run["memory"]
            failed = sum(v for k, v in o.items() if k not in ("ok", "duplicate"))
            print(f"{form['form']:<6}{run['run']:<7}{run['exit']:>5}{run['wall_s']:>9.1f}{run['pages']:>8}"
                  f"{run['pages_per_s'] or 0:>9.0f}{o.get('ok', 0):>8}{failed:>8}{o.get('duplicate', 0):>6}"
                  f"{len(run['crashes']):>9}{len(run['broken']):>8}{mb(m['sum_of_peaks_kb']):>12}{mb(m['largest_kb']):>10}",
                  file=log)
    for form in report["forms"].values():
        first = form["runs"][0]
        print(f"\n[{form['form']}] failures by kind (first run; {form['hostile']} hostile pages of {form['pages']}):", file=log)
        for kind, info in sorted(first["failures"].items(), key=lambda kv: -kv[1]["count"]):
            mark = "(!)" if kind.startswith(SUSPICIOUS) else ""
            print(f"  {kind:<22}{info['count']:>7}{mark:>4} e.g. {short(info['example'], 130)}", file=log)
        if first["corpus_failures"]:
            print(f"  corpus pages that failed: {first['corpus_failures']}", file=log)
        print(f"[{form['form']}] outcome per hostile kind (first run):", file=log)
        for kind, outcomes in first["hostile"].items():
            print(f"  {kind:<20}" + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items(), key=lambda kv: -kv[1])), file=log)
    crashes = sum(len(r["crashes"]) for f in report["forms"].values() for r in f["runs"])
    broken = sum(len(r["broken"]) for f in report["forms"].values() for r in f["runs"])
    print(f"\ncrashes: {crashes} (goal 0); broken invariants: {broken}; (!) = a failure kind that points at a bug", file=log)
    for form in report["forms"].values():
        for run in form["runs"]:
            for crash in run["crashes"]:
                print(f"  CRASH [{form['form']} {run['run']}]: {short(crash, 300)}", file=log)
            for invariant, problems in run["broken"].items():
                print(f"  BROKEN [{form['form']} {run['run']}] {invariant}: {short(problems[0], 300)}", file=log)


# --- main ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", "-N", type=int, default=100_000, help="pages per form (default: 100000)")
    ap.add_argument("--hostile-share", type=float, default=0.05, help="share of generated hostile pages (default: 0.05)")
    ap.add_argument("--big", type=int, default=None, help="hostile pages of >= 1 MB (default: 1 per 400 hostile pages, at most 10)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the hostile pages (default: 0)")
    ap.add_argument("--form", choices=("tree", "jsonl", "both"), default="tree", help="input form (default: tree)")
    ap.add_argument("--with", dest="with_kinds", default="", help=f"also these optional kinds: {', '.join(n for n, k in KINDS.items() if k.optional)}")
    ap.add_argument("--without", default="", help="leave out these hostile kinds (comma-separated)")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="cleaner --jobs (default: 2)")
    ap.add_argument("--page-timeout", type=float, default=None,
                    help="cleaner --page-timeout (default: the cleaner's; the named pipe costs that much per run)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus root (default: %(default)s)")
    ap.add_argument("--work", type=Path, default=None, help="folder to make the work folder in (default: the system temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (inputs, outputs, manifests, stderr)")
    ap.add_argument("--timeout", type=float, default=7200, help="kill a run after this many seconds (default: 7200)")
    ap.add_argument("--stall", type=float, default=600, help="kill a run when no page is done for this many seconds (default: 600)")
    ap.add_argument("--interval", type=float, default=0.5, help="seconds between /proc polls (default: 0.5)")
    ap.add_argument("--progress", type=float, default=30.0, help="seconds between progress lines (default: 30)")
    ap.add_argument("--json", metavar="PATH", help="write the results there ('-' = stdout; default: soak-<time>.json in the --work folder)")
    args = ap.parse_args(argv)
    if args.pages < 1 or args.jobs < 1 or not 0 <= args.hostile_share <= 1:
        ap.error("--pages and --jobs must be >= 1, --hostile-share within 0..1")
    unknown = {k for k in (args.with_kinds + "," + args.without).split(",") if k} - KINDS.keys()
    if unknown:
        ap.error(f"unknown kind(s): {', '.join(sorted(unknown))}; kinds: {', '.join(KINDS)}")
    args.kinds = ({n for n, k in KINDS.items() if not k.optional} | set(filter(None, args.with_kinds.split(",")))) \
        - set(args.without.split(","))
    if args.big is None:
        args.big = min(10, round(args.pages * args.hostile_share) // 400)
    base = (args.work or Path(tempfile.gettempdir())).resolve()
    if base == REPO_ROOT or REPO_ROOT in base.parents:
        ap.error(f"--work must be outside the repo ({REPO_ROOT})")
    args.work = base
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    log = sys.stderr if args.json == "-" else sys.stdout
    print_run_header(log, f"seed {args.seed}", f"hostile kinds: {len(args.kinds)} ({', '.join(sorted(set(KINDS) - args.kinds)) or 'none'} left out)")
    try:
        corpus = list_corpus(args.corpus)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    samples = Samples.load(corpus)
    args.work.mkdir(parents=True, exist_ok=True)
    sandbox = Path(tempfile.mkdtemp(prefix="soak_", dir=args.work))
    json_path = args.json or str(args.work / f"soak-{time.strftime('%Y%m%d-%H%M%S')}.json")
    report = {"command": sys.argv, "pages": args.pages, "hostile_share": args.hostile_share, "seed": args.seed,
              "jobs": args.jobs, "kinds": sorted(args.kinds), "forms": {}}
    try:
        for form in (("tree", "jsonl") if args.form == "both" else (args.form,)):
            report["forms"][form] = soak_form(form, args, sandbox, corpus, samples, log)
        report = printable(report)
        print_report(report, log)
        write_json(report, json_path, log)
    finally:
        if args.keep:
            print(f"kept: {sandbox}", file=log)
        else:
            shutil.rmtree(sandbox, ignore_errors=True)
    bad = any(r["crashes"] or r["broken"] for f in report["forms"].values() for r in f["runs"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
