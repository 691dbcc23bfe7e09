"""Batch cleaning: stream pages through worker processes, write outputs
atomically, keep a manifest, and resume where a killed run stopped.

Outputs are written by this (parent) process only, so a mirrored tree and a
single JSONL file are handled alike. A page whose output exists and whose
manifest line records the same input and rules fingerprint is skipped on a
rerun (unless `force`). The manifest is appended one line per page, after
its output is in place.

What a kill (even SIGKILL) can leave, and how the next run repairs it:
a temporary file of an output being written (removed on start), a partial
last line in the manifest or the JSONL output (dropped on start), an output
without its manifest line (the page is redone), a page recorded twice in the
manifest or the JSONL output (compacted on start to its latest line). So the
manifest is *consistent* at the start and at the end of every run: every
line is valid JSON and each page (id) has exactly one line, its latest
state; during a run, a page redone is appended again and the run compacts
the manifest (and the JSONL output) when it ends.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from .api import Cleaner
from .io import InputError, as_output, write_atomic
from .sources import Page

#: Pages submitted ahead of the results per worker: keeps workers busy while
#: memory stays bounded whatever the input size.
IN_FLIGHT_PER_WORKER = 8

#: The keys of every manifest line, in this order (None where they do not apply).
MANIFEST_FIELDS = (
    "id", "input", "output", "url", "status", "site", "site_source", "extractor",
    "fired", "chars_in", "chars_out", "error", "fingerprint",
)


@dataclass
class BatchOptions:
    out_dir: Path | None = None  # mirrored .txt tree
    jsonl: Path | None = None  # JSONL output file (None with out_dir; Path("-") = stdout)
    manifest: Path | None = None
    jobs: int = 1
    force: bool = False
    site: str | None = None
    url: str | None = None


@dataclass
class BatchSummary:
    done: int = 0
    skipped: int = 0
    failed: int = 0
    duplicates: int = 0
    sites: Counter = field(default_factory=Counter)
    extractors: Counter = field(default_factory=Counter)
    fired: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def add(self, entry: dict) -> None:
        status = entry["status"]
        if status == "ok":
            self.done += 1
            self.sites[entry["site"] or "(generic)"] += 1
            self.extractors[entry["extractor"]] += 1
            self.fired.update(entry["fired"])
        elif status == "duplicate":
            self.duplicates += 1
        else:
            self.failed += 1
            self.failures.append(entry["error"])


# -- the worker side --------------------------------------------------------

_WORKER_CLEANER: Cleaner | None = None


def _init_worker(cleaner: Cleaner) -> None:
    global _WORKER_CLEANER
    _WORKER_CLEANER = cleaner


def clean_one(cleaner: Cleaner, page: Page, site: str | None = None, url: str | None = None) -> dict:
    """Clean one page; never raises: a failure becomes an entry with status 'error'."""
    entry: dict[str, Any] = {"id": page.id, "input": page.source, "url": page.url or url}
    chars_in = len(page.data)
    try:
        if page.error:
            raise InputError(page.error)
        result = cleaner.clean_page(
            page.data, kind=page.kind, source=page.source, site=site, url=page.url or url, path=page.relpath
        )
    except InputError as exc:
        return {**entry, "status": "error", "error": str(exc), "chars_in": chars_in}
    except Exception as exc:  # a bug or a pathological page must not stop the batch
        return {**entry, "status": "error", "error": f"{page.source}: {type(exc).__name__}: {exc}", "chars_in": chars_in}
    return {
        **entry,
        "url": result.url,
        "status": "ok",
        "site": result.site,
        "site_source": result.site_source,
        "extractor": result.extractor,
        "fired": result.fired,
        "removed": [{"rule": r.rule_id, "text": r.text} for r in result.removed],
        "chars_in": chars_in,
        "chars_out": len(result.text),
        "text": result.text,
    }


def _clean_in_worker(page: Page, site: str | None, url: str | None) -> dict:
    return clean_one(_WORKER_CLEANER, page, site, url)


# -- resume state -------------------------------------------------------------


def manifest_key(entry: dict) -> str:
    """The page a manifest line is about: its id (a 'duplicate' line is about
    the later input that clashed with that id)."""
    if entry.get("status") == "duplicate":
        return f"{entry.get('id')}\0{entry.get('input')}"
    return str(entry.get("id"))


def read_manifest(path: Path) -> tuple[dict[str, str], set[str]]:
    """Compact the manifest and read it: (id -> fingerprint of the pages whose
    latest line is ok, every page key in it). Compacting keeps the latest
    line of each page and drops lines that are not JSON objects (a kill
    mid-write); the file is rewritten (atomically) only when that changes it."""
    if not path.is_file():
        return {}, set()
    done: dict[str, str] = {}
    latest: dict[str, str] = {}  # key -> line, in the order of each page's latest line
    rewrite = False
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                entry = None
            if not isinstance(entry, dict) or "id" not in entry:
                rewrite = True
                continue
            if not line.endswith("\n"):  # complete JSON, but the next line appended would be glued to it
                line += "\n"
                rewrite = True
            key = manifest_key(entry)
            if key in latest:
                del latest[key]
                rewrite = True
            latest[key] = line
            if entry.get("status") == "ok" and entry.get("fingerprint"):
                done[entry["id"]] = entry["fingerprint"]
            elif entry.get("status") != "duplicate":
                done.pop(entry["id"], None)
    if rewrite:
        write_atomic(path, "".join(latest.values()))
    return done, set(latest)


def repair_jsonl_output(path: Path) -> set[str]:
    """Ids already in a JSONL output; a partial last line is cut off, and a
    page recorded twice (a rerun after a kill) keeps only its latest record."""
    if not path.is_file():
        return set()
    ids, good, twice = set(), 0, False
    with open(path, "rb") as fh:
        for line in fh:
            if not line.endswith(b"\n"):
                break
            try:
                page_id = json.loads(line)["id"]
            except (json.JSONDecodeError, KeyError, TypeError):
                break
            twice = twice or page_id in ids
            ids.add(page_id)
            good += len(line)
    with open(path, "rb+") as fh:
        fh.truncate(good)
    if twice:
        compact_jsonl_output(path)
    return ids


def compact_jsonl_output(path: Path, drop: set[str] = frozenset()) -> None:
    """Rewrite a JSONL output (atomically, streamed) with the latest record of
    each id, and none for the ids in `drop` (pages that failed since)."""
    last: dict[str, int] = {}
    with open(path, "rb") as fh:
        for number, line in enumerate(fh):
            last[json.loads(line)["id"]] = number
    keep = {number for page_id, number in last.items() if page_id not in drop}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out, open(path, "rb") as fh:
            for number, line in enumerate(fh):
                if number in keep:
                    out.write(line)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


#: The temporary files of `write_atomic` (mkstemp: ".NAME." + 8 random characters + ".tmp").
_TMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def remove_stale_tmp(folder: Path, *, recursive: bool, prefix: str = ".") -> None:
    """Remove the temporary files a killed run left while writing an output."""
    if not folder.is_dir():
        return
    for root, dirs, files in os.walk(folder) if recursive else [(str(folder), [], os.listdir(folder))]:
        for name in files:
            if name.startswith(prefix) and _TMP_NAME.match(name):
                Path(root, name).unlink(missing_ok=True)


def is_safe_id(page_id: str) -> bool:
    """An id that names a file inside the output folder (sources.safe_id makes
    ids of exports so; this guards every other source)."""
    path = PurePosixPath(page_id)
    return bool(page_id) and "\0" not in page_id and not path.is_absolute() and ".." not in path.parts


# -- the run --------------------------------------------------------------------


class BatchRun:
    """One batch: pages in, outputs + manifest out, a summary at the end."""

    def __init__(self, cleaner: Cleaner, options: BatchOptions, on_page: Callable[[dict], None] | None = None):
        self.cleaner = cleaner
        self.options = options
        self.on_page = on_page or (lambda entry: None)
        self.summary = BatchSummary()
        # what else decides a page's output: the rules, and the options every page gets
        options_fp = hashlib.blake2b(f"{options.site}\0{options.url}".encode(), digest_size=4).hexdigest()
        self.rules_fp = f"{cleaner.fingerprint()}{options_fp}"
        self._manifest: IO[str] | None = None
        self._jsonl: IO[str] | None = None
        self._done: dict[str, str] = {}
        self._manifest_keys: set[str] = set()  # pages the manifest had lines for when the run started
        self._jsonl_ids: set[str] = set()
        self._jsonl_failed: set[str] = set()  # pages of the JSONL output that failed this time
        self._compact_manifest = self._compact_jsonl = False
        self._seen: set[str] = set()

    def output_path(self, page_id: str) -> Path | None:
        if self.options.out_dir is None:
            return None
        return self.options.out_dir / f"{page_id}.txt"

    def _open(self) -> None:
        """Repair what a killed run left (see the module docstring), read the resume state."""
        o = self.options
        if o.out_dir is not None:
            remove_stale_tmp(o.out_dir, recursive=True)
        if o.manifest is not None:
            o.manifest.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_tmp(o.manifest.parent, recursive=False, prefix=f".{o.manifest.name}.")
            done, self._manifest_keys = read_manifest(o.manifest)
            self._done = {} if o.force else done
            self._manifest = open(o.manifest, "a", encoding="utf-8")
        if o.jsonl is not None:
            if str(o.jsonl) == "-":
                self._jsonl = sys.stdout
            else:
                o.jsonl.parent.mkdir(parents=True, exist_ok=True)
                remove_stale_tmp(o.jsonl.parent, recursive=False, prefix=f".{o.jsonl.name}.")
                if o.force:
                    o.jsonl.write_text("")
                self._jsonl_ids = repair_jsonl_output(o.jsonl)
                self._jsonl = open(o.jsonl, "a", encoding="utf-8")

    def _close(self) -> None:
        """Close the files; a page redone this run has an older line to compact away."""
        for fh in (self._manifest, self._jsonl):
            if fh is not None and fh is not sys.stdout:
                fh.close()
        if self._compact_manifest:
            read_manifest(self.options.manifest)
        if self._compact_jsonl:
            compact_jsonl_output(self.options.jsonl, self._jsonl_failed)

    def _forget_output(self, page_id: str) -> None:
        """A page that fails now keeps no output of an earlier run."""
        if not is_safe_id(page_id):
            return
        out = self.output_path(page_id)
        if out is not None:
            out.unlink(missing_ok=True)
        if page_id in self._jsonl_ids:
            self._jsonl_failed.add(page_id)
            self._compact_jsonl = True

    def _up_to_date(self, page: Page, fp: str) -> bool:
        if self.options.force or self._done.get(page.id) != fp:
            return False
        out = self.output_path(page.id)
        return (out is not None and out.is_file()) or page.id in self._jsonl_ids

    def _write(self, entry: dict, fp: str) -> None:
        """Output first, then the manifest line: a kill between them only redoes the page."""
        text = entry.pop("text", None)
        removed = entry.pop("removed", [])
        entry = {k: entry.get(k) for k in MANIFEST_FIELDS}
        if entry["status"] == "ok":
            out = self.output_path(entry["id"])
            if out is not None:
                try:
                    write_atomic(out, as_output(text))
                    entry["output"] = str(out)
                except OSError as exc:  # e.g. a page named like another page's folder
                    entry.update(status="error", error=f"{entry['input']}: cannot write {out}: {exc.strerror or exc}")
        if entry["status"] == "ok":
            if self._jsonl is not None:
                record = {k: entry.get(k) for k in ("id", "url", "site")}
                record.update(text=text, removed=removed, fired=entry["fired"])
                self._jsonl.write(json.dumps(record, ensure_ascii=False) + "\n")
                self._jsonl.flush()
                entry["output"] = "<stdout>" if self._jsonl is sys.stdout else str(self.options.jsonl)
                self._compact_jsonl = self._compact_jsonl or entry["id"] in self._jsonl_ids
            entry["fingerprint"] = fp
        elif entry["status"] == "error":
            self._forget_output(entry["id"])
        if self._manifest is not None:
            self._manifest.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self._manifest.flush()
            self._compact_manifest = self._compact_manifest or manifest_key(entry) in self._manifest_keys
        self.summary.add(entry)
        self.on_page(entry)

    def _todo(self, pages: Iterable[Page]) -> Iterator[tuple[Page, str]]:
        """Pages still to clean, with their fingerprints; skips and duplicates are recorded."""
        for page in pages:
            fp = f"{page.fingerprint()}:{self.rules_fp}"
            if page.id in self._seen:
                self._write({"id": page.id, "input": page.source, "status": "duplicate", "error": f"{page.source}: duplicate of an earlier input with id {page.id}"}, fp)
                continue
            self._seen.add(page.id)
            if not is_safe_id(page.id):
                self._write({"id": page.id, "input": page.source, "status": "error", "error": f"{page.source}: unsafe output name {page.id!r}"}, fp)
                continue
            if not page.error and self._up_to_date(page, fp):
                self.summary.skipped += 1
                self.on_page({"id": page.id, "status": "skipped"})
                continue
            yield page, fp

    def run(self, pages: Iterable[Page]) -> BatchSummary:
        self._open()
        try:
            if self.options.jobs <= 1:
                for page, fp in self._todo(pages):
                    self._write(clean_one(self.cleaner, page, self.options.site, self.options.url), fp)
            else:
                self._run_parallel(pages)
        finally:
            self._close()
        return self.summary

    def _run_parallel(self, pages: Iterable[Page]) -> None:
        o = self.options
        limit = o.jobs * IN_FLIGHT_PER_WORKER
        with ProcessPoolExecutor(max_workers=o.jobs, initializer=_init_worker, initargs=(self.cleaner,)) as pool:
            pending: dict[Future, tuple[Page, str]] = {}
            for page, fp in self._todo(pages):
                page_ref = Page(page.id, b"", page.source)  # what a failure report needs, not the content
                pending[pool.submit(_clean_in_worker, page, o.site, o.url)] = (page_ref, fp)
                if len(pending) >= limit:
                    self._collect(pending, FIRST_COMPLETED)
            self._collect(pending, None)

    def _collect(self, pending: dict[Future, tuple[Page, str]], until: str | None) -> None:
        done, _ = wait(pending, return_when=until or ALL_COMPLETED)
        for future in done:
            page, fp = pending.pop(future)
            try:
                entry = future.result()
            except Exception as exc:  # the worker process died (killed, out of memory)
                error = f"{page.source}: worker failed: {type(exc).__name__}: {exc}"
                entry = {"id": page.id, "input": page.source, "status": "error", "error": error}
            self._write(entry, fp)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
