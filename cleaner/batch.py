"""Batch cleaning: stream pages through worker processes, write outputs
atomically, keep a manifest, and resume where a killed run stopped.

Outputs are written by this (parent) process only, so a mirrored tree and a
single JSONL file are handled alike. A page whose output exists and whose
manifest line records the same input and rules fingerprint is skipped on a
rerun (unless `force`). The manifest is appended one line per page, after
its output is in place; a partial last line left by a kill is dropped when
the next run starts.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .api import Cleaner
from .io import InputError, as_output, write_atomic
from .sources import Page

#: Pages submitted ahead of the results per worker: keeps workers busy while
#: memory stays bounded whatever the input size.
IN_FLIGHT_PER_WORKER = 8


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


def read_manifest(path: Path) -> dict[str, str]:
    """id -> fingerprint of the pages the manifest records as done; the file is
    rewritten without a partial last line (a kill mid-write)."""
    if not path.is_file():
        return {}
    done: dict[str, str] = {}
    good_lines: list[str] = []
    damaged = False
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                damaged = True
                continue
            good_lines.append(line if line.endswith("\n") else line + "\n")
            if entry.get("status") == "ok" and entry.get("fingerprint"):
                done[entry["id"]] = entry["fingerprint"]
    if damaged:
        write_atomic(path, "".join(good_lines))
    return done


def repair_jsonl_output(path: Path) -> set[str]:
    """Ids already in a JSONL output; a partial last line is cut off."""
    if not path.is_file():
        return set()
    ids, good = set(), 0
    with open(path, "rb") as fh:
        for line in fh:
            try:
                ids.add(json.loads(line)["id"])
                good += len(line) if line.endswith(b"\n") else 0
            except (json.JSONDecodeError, KeyError, TypeError):
                break
    with open(path, "rb+") as fh:
        fh.truncate(good)
    return ids


# -- the run --------------------------------------------------------------------


class BatchRun:
    """One batch: pages in, outputs + manifest out, a summary at the end."""

    def __init__(self, cleaner: Cleaner, options: BatchOptions, on_page: Callable[[dict], None] | None = None):
        self.cleaner = cleaner
        self.options = options
        self.on_page = on_page or (lambda entry: None)
        self.summary = BatchSummary()
        self.rules_fp = cleaner.fingerprint()
        self._manifest: IO[str] | None = None
        self._jsonl: IO[str] | None = None
        self._done: dict[str, str] = {}
        self._jsonl_ids: set[str] = set()
        self._seen: set[str] = set()

    def output_path(self, page_id: str) -> Path | None:
        if self.options.out_dir is None:
            return None
        return self.options.out_dir / f"{page_id}.txt"

    def _open(self) -> None:
        o = self.options
        if o.manifest is not None:
            o.manifest.parent.mkdir(parents=True, exist_ok=True)
            self._done = {} if o.force else read_manifest(o.manifest)
            self._manifest = open(o.manifest, "a", encoding="utf-8")
        if o.jsonl is not None:
            if str(o.jsonl) == "-":
                self._jsonl = sys.stdout
            else:
                o.jsonl.parent.mkdir(parents=True, exist_ok=True)
                if o.force:
                    o.jsonl.write_text("")
                self._jsonl_ids = repair_jsonl_output(o.jsonl)
                self._jsonl = open(o.jsonl, "a", encoding="utf-8")

    def _close(self) -> None:
        for fh in (self._manifest, self._jsonl):
            if fh is not None and fh is not sys.stdout:
                fh.close()

    def _up_to_date(self, page: Page, fp: str) -> bool:
        if self.options.force or self._done.get(page.id) != fp:
            return False
        out = self.output_path(page.id)
        return (out is not None and out.is_file()) or page.id in self._jsonl_ids

    def _write(self, entry: dict, fp: str) -> None:
        """Output first, then the manifest line: a kill between them only redoes the page."""
        text = entry.pop("text", None)
        removed = entry.pop("removed", [])
        if entry["status"] == "ok":
            out = self.output_path(entry["id"])
            if out is not None:
                write_atomic(out, as_output(text))
                entry["output"] = str(out)
            if self._jsonl is not None:
                record = {k: entry.get(k) for k in ("id", "url", "site")}
                record.update(text=text, removed=removed, fired=entry["fired"])
                self._jsonl.write(json.dumps(record, ensure_ascii=False) + "\n")
                self._jsonl.flush()
            entry["fingerprint"] = fp
        if self._manifest is not None:
            self._manifest.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self._manifest.flush()
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
