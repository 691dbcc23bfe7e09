"""Batch cleaning: stream pages through worker processes, write outputs
atomically, keep a manifest, and resume where a killed run stopped.

Work is split so that the parent stays light and the workers do the heavy
part: the parent streams the inputs (page files are only stat-ed), decides
what is up to date, and appends the manifest; a worker reads a page file,
cleans it, writes its .txt output atomically, or serialises its JSONL record
for the parent to append. A page whose output exists and whose manifest line
records the same input and rules fingerprint is skipped on a rerun (unless
`force`). The manifest line of a page is appended after its output is in
place. The workers run under `workers.WorkerPool`, which contains pages
that crash or hang their worker (see there).

A run stops early, recording what is finished and leaving the rest for the
next run, when asked (`request_stop`: Ctrl-C or SIGTERM, through the CLI),
when the disk is full (every later write would fail too), or when worker
processes keep dying on start.

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

import contextlib
import errno
import hashlib
import json
import os
import select
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO, Any

from .api import Cleaner
from .formats import Output
from .io import TEMPORARY_NAME, as_output, open_temporary, temporary_prefix, write_atomic
from .outputs import json_default, merge, output_ids, pending_path
from .page import DUPLICATE, ERROR, GENERIC_LAYOUT, OK, Page, PageOutcome, failed
from .sources import fingerprint, load
from .workers import DEFAULT_PAGE_TIMEOUT, PageTimeout, WorkerPool, batched, page_time_limit  # noqa: F401 (DEFAULT_PAGE_TIMEOUT: for the CLI)

#: Pages sent to a worker in one task: one round trip per page costs as much
#: as cleaning a short text, so pages travel in small chunks.
CHUNK_PAGES = 16
#: Chunks submitted ahead of the results per worker: keeps workers busy while
#: memory stays bounded whatever the input size.
IN_FLIGHT_PER_WORKER = 3

#: The keys of every manifest line, in this order (None where they do not apply).
MANIFEST_FIELDS = (
    "id", "input", "output", "url", "status", "site", "site_source", "extractor", "layout", "reason", "layouts_tried",
    "confidence", "title", "date", "fired", "chars_in", "chars_out", "error", "fingerprint",
)

#: The drift alarm (BatchSummary.drift): a layout's share of its site's HTML
#: pages in this run is compared with its share in the manifest's earlier
#: lines once both count this many pages...
DRIFT_MIN_PAGES = 10
#: ... and a fall of this much (0.25: from 90% of the pages to under 65%) is reported.
DRIFT_SHARE_DROP = 0.25


@dataclass
class BatchOptions:
    out_dir: Path | None = None  # mirrored .txt tree
    # The records file (None with out_dir; Path("-") = stdout): JSONL, compressed
    # by `compression` ("gz", "zst", "bz2", "xz"), or parquet (records_format).
    jsonl: Path | None = None
    records_format: str = "jsonl"  # "jsonl" or "parquet"
    compression: str | None = None
    manifest: Path | None = None
    jobs: int = 1  # worker processes; 0 cleans in this process (no isolation, no hard time limit)
    force: bool = False
    page_timeout: float | None = None  # seconds per page (None: no limit)
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
    stopped: str | None = None  # why the run stopped before the end of its input
    stdout_closed: bool = False  # the reader of the records on standard output went away
    # files a folder walk passed over, by reason ("not a page", "hidden", ...): count, and the suffixes seen
    skipped_files: Counter = field(default_factory=Counter)
    skipped_examples: dict[str, list[str]] = field(default_factory=dict)
    # HTML pages of sites with layouts, per site: pages per layout id ("generic": none matched)
    layouts: dict[str, Counter] = field(default_factory=dict)
    earlier_layouts: dict[str, Counter] = field(default_factory=dict)  # the same, from the manifest before this run

    def add(self, outcome: PageOutcome) -> None:
        if outcome.status == OK:
            self.done += 1
            self.sites[outcome.site or "(generic)"] += 1
            self.extractors[outcome.extractor] += 1
            self.fired.update(outcome.fired)
            count_layout(self.layouts, outcome.site, outcome.layout, bool(outcome.layouts_tried))
        elif outcome.status == DUPLICATE:
            self.duplicates += 1
        else:
            self.failed += 1
            self.failures.append(outcome.error)


    def skip_file(self, path: Path, kind) -> None:
        """A file of the inputs that is not a page (sources.OnSkip)."""
        self.skipped_files[kind.reason] += 1
        examples = self.skipped_examples.setdefault(kind.reason, [])
        if kind.detail and kind.detail not in examples and len(examples) < 5:
            examples.append(kind.detail)

    def skipped_line(self) -> str | None:
        """'skipped 3 file(s): 2 not a page (.jpg, .pdf), 1 hidden', or None."""
        if not self.skipped_files:
            return None
        parts = []
        for reason, n in self.skipped_files.most_common():
            examples = self.skipped_examples.get(reason)
            parts.append(f"{n} {reason}" + (f" ({', '.join(examples)}{', ...' if len(examples) == 5 else ''})" if examples else ""))
        return f"skipped {sum(self.skipped_files.values())} file(s): " + ", ".join(parts)

    def drift(self) -> list[str]:
        """One warning per site whose layouts stopped matching: pages that fell
        to the generic path, or a layout whose share of the site's pages fell
        against the manifest's earlier lines (DRIFT_MIN_PAGES, DRIFT_SHARE_DROP)."""
        warnings = []
        for site, counts in sorted(self.layouts.items()):
            total = sum(counts.values())
            generic = counts.get(GENERIC_LAYOUT, 0)
            if generic:
                warnings.append(f"{site}: {generic} of {total} HTML pages matched no layout and were cleaned by the "
                                f"generic path; the site may have changed: see `cleaner explain PAGE`")
            before = self.earlier_layouts.get(site, Counter())
            if total < DRIFT_MIN_PAGES or sum(before.values()) < DRIFT_MIN_PAGES:
                continue
            for layout, n in before.most_common():
                if layout == GENERIC_LAYOUT:
                    continue
                was, now = n / sum(before.values()), counts.get(layout, 0) / total
                if was - now >= DRIFT_SHARE_DROP:
                    warnings.append(f"{site}: layout {layout} cleaned {now:.0%} of the site's HTML pages this run "
                                    f"against {was:.0%} before: the site may have changed")
        return warnings


def count_layout(counts: dict[str, Counter], site: str | None, layout: str | None, tried: bool) -> None:
    """Count an HTML page of a site with layouts: by the layout that cleaned
    it, or as generic when its site's layouts were tried and none matched."""
    if site and layout and (layout != GENERIC_LAYOUT or tried):
        counts.setdefault(site, Counter())[layout] += 1


# -- cleaning one page -------------------------------------------------------------

#: BatchSummary.stopped when the reader of standard output went away.
STDOUT_CLOSED = "standard output closed"
#: Errors of the storage that every later write would hit as well: the run
#: stops instead of failing each remaining page.
STORAGE_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


def clean_one(cleaner: Cleaner, page: Page, timeout: float | None = None) -> PageOutcome:
    """Read (if need be) and clean one page; never raises: a failure is an
    outcome with status 'error'. `timeout`: seconds before the page is given
    up (main thread only)."""
    page = load(page)
    try:
        with page_time_limit(timeout):
            return cleaner.run(page)
    except PageTimeout:
        return failed(page, f"{page.source}: timed out after {timeout:g} s", "timeout")
    except Exception as exc:  # a bug or a pathological page must not stop the batch
        return failed(page, f"{page.source}: {type(exc).__name__}: {exc}", "internal")


def clean_and_store(cleaner: Cleaner, options: BatchOptions, page: Page) -> PageOutcome:
    """Clean a page and, for a .txt tree, write its output (atomically). A
    full disk is a failure of kind 'storage_full', for the run to stop."""
    page = page.replace(site=options.site, url=page.url or options.url)
    outcome = clean_one(cleaner, page, options.page_timeout)
    if outcome.status == OK and options.out_dir is not None:
        out = options.out_dir / f"{outcome.id}.txt"
        try:
            write_atomic(out, as_output(outcome.text))
        except OSError as exc:  # e.g. a page named like another page's folder
            failure = "storage_full" if exc.errno in STORAGE_FULL else "write"
            return outcome.replace(status=ERROR, error=f"{outcome.source}: cannot write {out}: {exc.strerror or exc}", failure=failure)
    return outcome


def manifest_line(outcome: PageOutcome, output: str | None, fingerprint: str | None) -> dict:
    """A page's manifest line (MANIFEST_FIELDS; None where they do not apply)."""
    ok = outcome.status == OK
    return {
        "id": outcome.id, "input": outcome.source, "output": output, "url": outcome.url, "status": outcome.status,
        "site": outcome.site, "site_source": outcome.site_source, "extractor": outcome.extractor if ok else None,
        "layout": outcome.layout if ok else None, "reason": (outcome.reason or None) if ok else None,
        "layouts_tried": list(outcome.layouts_tried) if ok and outcome.layouts_tried else None,
        "confidence": rounded(outcome.confidence) if ok else None,
        # an HTML page's title and date tell a person which page a line is about
        "title": outcome.metadata.title if ok and outcome.metadata is not None else None,
        "date": outcome.metadata.date if ok and outcome.metadata is not None else None,
        "fired": outcome.fired if ok else None, "chars_in": outcome.chars_in if outcome.status != DUPLICATE else None,
        "chars_out": outcome.chars_out if ok else None, "error": outcome.error, "fingerprint": fingerprint,
    }


def jsonl_record(outcome: PageOutcome, fields: dict | None = None) -> dict:
    """A page's record in a JSONL or parquet output: the cleaner's keys, then
    the input record's other fields (`fields`, else the outcome's) under
    their own names. A field named like one of the cleaner's keys is carried
    as `input_<name>`, unless it holds the same value (the cleaner's wins).
    An HTML page's `metadata` (title, authors, date, ...) is one nested
    object; a text page has none of its own, so an export's `metadata`
    field is carried as it is."""
    record = {
        "id": outcome.id, "url": outcome.url, "site": outcome.site, "layout": outcome.layout,
        "confidence": rounded(outcome.confidence), "text": outcome.text,
        "removed": [{"rule": r.rule_id, "text": r.text} for r in outcome.removed], "fired": outcome.fired,
    }
    if outcome.metadata is not None:
        record["metadata"] = outcome.metadata.as_dict()
    return with_fields(record, fields if fields is not None else outcome.fields)


def with_fields(record: dict, fields: dict | None) -> dict:
    """`record` with the input's `fields` added (see jsonl_record for clashes)."""
    for name, value in (fields or {}).items():
        if name in record:
            if record[name] == value:
                continue
            name = f"input_{name}"
            while name in record:
                name = f"input_{name}"
        record[name] = value
    return record


def rounded(confidence: float | None) -> float | None:
    """A confidence as records carry it: three decimals are all it means."""
    return round(confidence, 3) if confidence is not None else None


def json_line(record: dict) -> str:
    """One JSON line, readable UTF-8; ASCII-escaped when it holds a lone
    surrogate (a file name that is not UTF-8), which UTF-8 cannot encode."""
    line = json.dumps(record, ensure_ascii=False, default=json_default)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(record, default=json_default)
    return line + "\n"


def storage_full_reason(exc: OSError) -> str:
    where = f" {exc.filename}" if exc.filename else " the manifest or the JSONL output"
    return f"cannot write{where}: {exc.strerror}"


def lost_page(page: Page, reason: str) -> PageOutcome:
    """The outcome of a page its worker process could not finish."""
    failure = "timeout" if reason.startswith("timed out") else "crashed"
    return failed(page, f"{page.source}: {reason}", failure)


# -- resume state -------------------------------------------------------------


def key_of(text: str) -> int:
    """A compact stand-in for a page id in the resume state: 8 bytes of hash
    instead of the string, so the state of a large batch stays small."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def manifest_key(entry: dict) -> str:
    """The page a manifest line is about: its id (a 'duplicate' line is about
    the later input that clashed with that id)."""
    if entry.get("status") == "duplicate":
        return f"{entry.get('id')}\0{entry.get('input')}"
    return str(entry.get("id"))


def read_manifest(path: Path, *, state: bool = True,
                  layouts: dict[str, Counter] | None = None) -> tuple[dict[int, int], set[int]]:
    """Compact the manifest and read it: (id key -> key of the fingerprint of
    the pages whose latest line is ok, the keys of every page in it; both
    empty without `state`, when only compacting). Keys are 8-byte hashes: a
    string per page would make the state of a large batch weigh hundreds of
    MB in the parent. Compacting keeps
    the latest line of each page, in the order of those lines, and drops lines
    that are not JSON objects (a kill mid-write); the file is rewritten
    (atomically, streamed) only when that changes it."""
    if not path.is_file():
        return {}, set()
    done: dict[int, int] = {}
    latest: dict[int, int] = {}  # page key -> number of its latest line
    rewrite = False
    with open(path, encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh):
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                entry = None
            if not isinstance(entry, dict) or "id" not in entry:
                rewrite = True
                continue
            # complete JSON without its newline: the next line appended would be glued to it
            rewrite = rewrite or not line.endswith("\n")
            key = key_of(manifest_key(entry))
            rewrite = rewrite or key in latest
            latest[key] = number
            if not state:
                continue
            if entry.get("status") == "ok" and entry.get("fingerprint"):
                done[key_of(entry["id"])] = key_of(entry["fingerprint"])
                if layouts is not None:
                    count_layout(layouts, entry.get("site"), entry.get("layout"), bool(entry.get("layouts_tried")))
            elif entry.get("status") != "duplicate":
                done.pop(key_of(str(entry["id"])), None)
    if rewrite:
        keep = set(latest.values())
        rewrite_lines(path, lambda number, line: number in keep, text=True)
    return done, set(latest) if state else set()


def rewrite_lines(path: Path, keep: Callable[[int, Any], bool], *, text: bool = False) -> None:
    """Rewrite a file (atomically, streamed) with the lines `keep(number, line)` accepts."""
    out, tmp = open_temporary(path, binary=not text)
    try:
        with out, open(path, "r" if text else "rb", **({"encoding": "utf-8", "errors": "replace"} if text else {})) as fh:
            for number, line in enumerate(fh):
                if keep(number, line):
                    out.write(line if not text or line.endswith("\n") else line + "\n")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def repair_jsonl_output(path: Path) -> set[int]:
    """Id keys already in a JSONL output; a partial last line is cut off, and
    a page recorded twice (a rerun after a kill) keeps only its latest record."""
    if not path.is_file():
        return set()
    ids: set[int] = set()
    good, twice = 0, False
    with open(path, "rb") as fh:
        for line in fh:
            if not line.endswith(b"\n"):
                break
            try:
                key = key_of(json.loads(line)["id"])
            except (json.JSONDecodeError, KeyError, TypeError):
                break
            twice = twice or key in ids
            ids.add(key)
            good += len(line)
    with open(path, "rb+") as fh:
        fh.truncate(good)
    if twice:
        compact_jsonl_output(path)
    return ids


def compact_jsonl_output(path: Path, drop: set[int] = frozenset()) -> None:
    """Rewrite a JSONL output with the latest record of each id, and none for
    the id keys in `drop` (pages that failed since)."""
    last: dict[int, int] = {}
    with open(path, "rb") as fh:
        for number, line in enumerate(fh):
            last[key_of(json.loads(line)["id"])] = number
    keep = {number for key, number in last.items() if key not in drop}
    rewrite_lines(path, lambda number, line: number in keep)




def remove_stale_tmp(folder: Path, *, recursive: bool, prefix: str = ".") -> None:
    """Remove the temporary files a killed run left while writing an output."""
    if not folder.is_dir():
        return
    for root, dirs, files in os.walk(folder) if recursive else [(str(folder), [], os.listdir(folder))]:
        for name in files:
            if name.startswith(prefix) and TEMPORARY_NAME.match(name):
                Path(root, name).unlink(missing_ok=True)


def is_safe_id(page_id: str) -> bool:
    """An id that names a file inside the output folder (sources.safe_id makes
    ids of exports so; this guards every other source)."""
    path = PurePosixPath(page_id)
    return bool(page_id) and "\0" not in page_id and not path.is_absolute() and ".." not in path.parts


# -- the run --------------------------------------------------------------------


class OutputError(Exception):
    """An output the run cannot use (one line, naming it); nothing was written."""


class BatchRun:
    """One batch: pages in, outputs + manifest out, a summary at the end."""

    def __init__(self, cleaner: Cleaner, options: BatchOptions,
                 on_page: Callable[[PageOutcome | None], None] | None = None):
        self.cleaner = cleaner
        self.options = options
        self.on_page = on_page or (lambda outcome: None)  # called once a page is recorded (None: skipped)
        self.summary = BatchSummary()
        # what else decides a page's output: the rules, and the options every page gets
        options_fp = hashlib.blake2b(f"{options.site}\0{options.url}".encode(), digest_size=4).hexdigest()
        self.rules_fp = f"{cleaner.fingerprint()}{options_fp}"
        self._manifest: IO[str] | None = None
        self._jsonl: IO[str] | None = None
        # resume state, keyed by key_of(page id) to stay small on large batches
        self._done: dict[int, int] = {}  # id key -> fingerprint key (see read_manifest)
        self._manifest_keys: set[int] = set()  # pages the manifest had lines for when the run started
        self._jsonl_ids: set[int] = set()
        self._jsonl_failed: set[int] = set()  # pages of the JSONL output that failed this time
        self._compact_manifest = self._compact_jsonl = False
        self._staged: Output | None = None  # a compressed or parquet output, merged from its pending file at the end
        self._seen: set[int] = set()
        self._pool: WorkerPool | None = None

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
            remove_stale_tmp(o.manifest.parent, recursive=False, prefix=temporary_prefix(o.manifest))
            done, self._manifest_keys = read_manifest(o.manifest, layouts=self.summary.earlier_layouts)
            self._done = {} if o.force else done
            self._manifest = open(o.manifest, "a", encoding="utf-8")
        if o.jsonl is not None:
            if str(o.jsonl) == "-":
                self._jsonl = sys.stdout
            elif o.records_format == "parquet" or o.compression:
                self._open_staged(Output(o.records_format, o.jsonl, o.compression))
            else:
                o.jsonl.parent.mkdir(parents=True, exist_ok=True)
                remove_stale_tmp(o.jsonl.parent, recursive=False, prefix=temporary_prefix(o.jsonl))
                if o.force:
                    o.jsonl.write_text("")
                self._jsonl_ids = repair_jsonl_output(o.jsonl)
                self._jsonl = open(o.jsonl, "a", encoding="utf-8")

    def _open_staged(self, output: Output) -> None:
        """A compressed or parquet output (outputs.py): this run's records go
        to its pending file (with those a killed run left there), merged into
        it when the run ends. The pages of both count as written."""
        self._staged = output
        pending = pending_path(output.path)
        output.path.parent.mkdir(parents=True, exist_ok=True)
        for name in (output.path, pending):
            remove_stale_tmp(output.path.parent, recursive=False, prefix=temporary_prefix(name))
        if self.options.force:
            pending.unlink(missing_ok=True)
            self._jsonl_ids = set()
        else:
            try:
                self._jsonl_ids = {key_of(i) for i in output_ids(output)}
            except Exception as exc:  # noqa: BLE001 - any reader error of a damaged output
                raise OutputError(f"{output.path}: cannot read the existing output ({type(exc).__name__}: {exc}); "
                                  "move it away, or --force to write it anew") from exc
        self._jsonl_ids |= repair_jsonl_output(pending)
        self._jsonl = open(pending, "a", encoding="utf-8")

    def _close(self) -> None:
        """Close the files; a page redone this run has an older line to compact
        away. On a full disk the compaction is left to the next run's start."""
        self._done, self._seen, self._manifest_keys = {}, set(), set()  # no longer needed: room for compacting
        try:
            for fh in (self._manifest, self._jsonl):
                if fh is not None and fh is not sys.stdout:
                    fh.close()
            if self._compact_manifest:
                read_manifest(self.options.manifest, state=False)
            if self._staged is not None:
                self._merge_staged()
            elif self._compact_jsonl:
                compact_jsonl_output(self.options.jsonl, self._jsonl_failed)
        except OSError as exc:
            if exc.errno not in STORAGE_FULL:
                raise
            self.request_stop(storage_full_reason(exc))

    def _merge_staged(self) -> None:
        """Write the compressed or parquet output anew from its previous
        records and this run's (outputs.merge), when there is anything new."""
        pending = pending_path(self._staged.path)
        written = pending.is_file() and pending.stat().st_size > 0
        if written or self._jsonl_failed or self.options.force or not self._staged.path.exists():
            merge(self._staged, pending, keep_old=not self.options.force, drop=self._jsonl_failed, key=key_of)
        else:
            pending.unlink(missing_ok=True)

    def _forget_output(self, page_id: str) -> None:
        """A page that fails now keeps no output of an earlier run."""
        if not is_safe_id(page_id):
            return
        out = self.output_path(page_id)
        if out is not None:
            with contextlib.suppress(FileNotFoundError, NotADirectoryError, IsADirectoryError):  # nothing there to forget
                out.unlink()
        if key_of(page_id) in self._jsonl_ids:
            self._jsonl_failed.add(key_of(page_id))
            self._compact_jsonl = True

    def _up_to_date(self, page: Page, fp: str) -> bool:
        key = key_of(page.id)
        if self.options.force or self._done.get(key) != key_of(fp):
            return False
        out = self.output_path(page.id)
        return (out is not None and out.is_file()) or key in self._jsonl_ids

    def _write(self, outcome: PageOutcome, fp: str) -> None:
        """Record a page: its JSONL record (if any) first, then the manifest
        line; the worker wrote a .txt output already. A kill between the two
        only redoes the page."""
        output, fingerprint = None, None
        if outcome.status == OK:
            if self._jsonl is not None:
                self._jsonl.write(json_line(jsonl_record(outcome)))
                self._jsonl.flush()
                output = "<stdout>" if self._jsonl is sys.stdout else str(self.options.jsonl)
                self._compact_jsonl = self._compact_jsonl or key_of(outcome.id) in self._jsonl_ids
            else:
                output = str(self.output_path(outcome.id))
            fingerprint = fp
        elif outcome.status == ERROR:
            self._forget_output(outcome.id)
        if self._manifest is not None:
            line = manifest_line(outcome, output, fingerprint)
            self._manifest.write(json_line(line))
            self._manifest.flush()
            self._compact_manifest = self._compact_manifest or key_of(manifest_key(line)) in self._manifest_keys
        self.summary.add(outcome)
        self.on_page(outcome)

    def _check_stdout(self) -> None:
        """Raise BrokenPipeError once the reader of standard output has gone
        (a pipe whose reader closed reports POLLERR), without writing to it."""
        if reader_gone(sys.stdout):
            raise BrokenPipeError(errno.EPIPE, "standard output closed")

    def request_stop(self, reason: str) -> None:
        """Stop taking new pages (e.g. on Ctrl-C): the pages in progress are
        finished and recorded, the rest are left for the next run."""
        if self.summary.stopped is None:
            self.summary.stopped = reason
        if self._pool is not None:
            self._pool.stopping = True  # a worker lost from now on is not replaced

    def run(self, pages: Iterable[Page]) -> BatchSummary:
        self._open()
        try:
            if self.options.jobs <= 0:
                self._run_here(pages)
            else:
                self._run_workers(pages)
        except OSError as exc:  # writing the manifest or the JSONL output
            if exc.errno == errno.EPIPE and self._jsonl is sys.stdout:
                # the reader of standard output is gone (`| head`): the workers were killed, stop at once
                self.summary.stdout_closed = True
                self.request_stop(STDOUT_CLOSED)
            elif exc.errno not in STORAGE_FULL:
                raise
            else:
                self.request_stop(storage_full_reason(exc))
        finally:
            self._close()
        return self.summary

    def _record(self, outcome: PageOutcome, fp: str) -> None:
        if outcome.failure == "storage_full":
            self.request_stop(outcome.error)
        self._write(outcome, fp)

    def _run_here(self, pages: Iterable[Page]) -> None:
        for page, fp in self._todo(pages):
            self._record(clean_and_store(self.cleaner, self.options, page), fp)

    def _run_workers(self, pages: Iterable[Page]) -> None:
        o = self.options
        worker_options = replace(o, manifest=None, jsonl=o.jsonl and Path("-"))  # workers only need to know the mode
        work = partial(clean_and_store, self.cleaner, worker_options)
        pool = self._pool = WorkerPool(o.jobs, work, lost_page, o.page_timeout, CHUNK_PAGES)
        if self._jsonl is sys.stdout:
            pool.watch = self._check_stdout  # `| head` ends the run at once, even while pages are slow
        try:
            self._feed(pool, pages)
        except BaseException:  # a second Ctrl-C, a full disk: the workers go at once
            pool.close(now=True)
            raise
        else:
            pool.close()
        finally:
            self._pool = None
            if pool.workers_lost and o.out_dir is not None:  # a killed worker's half-written output
                remove_stale_tmp(o.out_dir, recursive=True)

    def _feed(self, pool: WorkerPool, pages: Iterable[Page]) -> None:
        """Keep the workers busy until the pages run out or the run is asked to stop."""
        limit = self.options.jobs * IN_FLIGHT_PER_WORKER
        for chunk in batched(self._todo(pages), CHUNK_PAGES):
            # a record's other fields stay here: the worker does not need them
            chunk = [(page.replace(fields=None), (fp, page.fields)) if page.fields else (page, (fp, None)) for page, fp in chunk]
            self._record_all(pool, pool.submit(chunk))
            while pool.in_flight >= limit:
                self._record_all(pool, pool.collect())
        if self.summary.stopped:
            pool.cancel_queued()
        self._record_all(pool, pool.collect(all_done=True))

    def _record_all(self, pool: WorkerPool, results: list) -> None:
        for task, outcome in results:
            fp, fields = task.meta
            self._record(outcome if fields is None else outcome.replace(fields=fields), fp)
        if pool.gave_up:
            self.request_stop(pool.gave_up)

    def _todo(self, pages: Iterable[Page]) -> Iterator[tuple[Page, str]]:
        """Pages still to clean, with their fingerprints; skips and duplicates
        are recorded. Ends early when the run is asked to stop."""
        for page in pages:
            if self.summary.stopped:
                return
            fp = f"{fingerprint(page)}:{self.rules_fp}"
            key = key_of(page.id)
            if key in self._seen:
                error = f"{page.source}: duplicate of an earlier input with id {page.id}"
                self._write(PageOutcome(status=DUPLICATE, id=page.id, source=page.source, error=error), fp)
                continue
            self._seen.add(key)
            if not is_safe_id(page.id):
                self._write(failed(page, f"{page.source}: unsafe output name {page.id!r}", "unsafe_id"), fp)
                continue
            if not page.error and self._up_to_date(page, fp):
                self.summary.skipped += 1
                self.on_page(None)
                continue
            yield page, fp


def reader_gone(stream) -> bool:
    """True when `stream` is a pipe whose reading end is closed (POSIX poll; False elsewhere or for files)."""
    if not hasattr(select, "poll"):
        return False
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # replaced by a test harness, or closed
        return False
    poller = select.poll()
    poller.register(fd, 0)  # no events asked for: errors and hang-ups are always reported
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
