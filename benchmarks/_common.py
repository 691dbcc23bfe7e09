"""Helpers shared by the benchmark scripts (not part of the cleaner package)."""

from __future__ import annotations

import importlib
import json
import logging
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, TextIO

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
DEFAULT_CORPUS = (REPO_ROOT / ".." / "shared" / "corpus").resolve()
DEFAULT_SEEDS = (REPO_ROOT / ".." / "shared" / "seeds").resolve()

# Measure the working tree's cleaner, not whatever version may be pip-installed.
for _p in (str(BENCH_DIR), str(REPO_ROOT)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

CleanFn = Callable[[str, str], str]  # clean(text, relpath) -> cleaned text
HtmlFn = Callable[[bytes, str, "str | None"], str]  # extract(page_bytes, relpath, url) -> text

#: HTML-mode system names: the cleaner with the shipped rules (site rules
#: where the path/URL names a known site), the cleaner with the global rules
#: only (always its generic trafilatura path), then the peers.
HTML_SYSTEMS = ("cleaner", "cleaner-generic", "trafilatura", "trafilatura-precision", "readability", "justext", "resiliparse")

WCXB_ATTRIBUTION = (
    "generic-dev: WCXB, Web Content eXtraction Benchmark v1.0, Murrough Foley (2026), "
    "CC-BY-4.0 (generic-dev/LICENSE-WCXB); 150 pages of its dev split"
)


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def list_files(root: Path, pattern: str) -> list[tuple[str, Path]]:
    """(posix relpath, path) of every file matching pattern under root, sorted."""
    return [(p.relative_to(root).as_posix(), p) for p in sorted(root.rglob(pattern)) if p.is_file()]


def list_texts(root: Path) -> list[tuple[str, Path]]:
    """(posix relpath, path) of every *.txt under root, sorted."""
    return list_files(root, "*.txt")


def list_pages(root: Path) -> list[tuple[str, Path]]:
    """(posix relpath, path) of every *.html under root, sorted."""
    return list_files(root, "*.html")


def read_url_index(folder: Path) -> dict[str, str]:
    """relpath -> page URL from folder/index.jsonl (entries without a URL left out)."""
    index = folder / "index.jsonl"
    urls: dict[str, str] = {}
    if index.is_file():
        for line in index.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                if rec.get("url"):
                    urls[rec["path"]] = rec["url"]
    return urls


def load_pages(root: Path) -> list[tuple[str, bytes, "str | None"]]:
    """(relpath, page bytes, url or None) for every *.html under root, in memory."""
    urls = read_url_index(root)
    return [(rel, p.read_bytes(), urls.get(rel)) for rel, p in list_pages(root)]


def load_cleaner() -> CleanFn:
    """clean(text, relpath) backed by one ``Cleaner()``, constructed here."""
    from cleaner import Cleaner

    c = Cleaner()

    def clean(text: str, relpath: str) -> str:
        return c.clean(text, path=relpath).text

    return clean


def _ignore_path(fn: Callable[[str], str]) -> CleanFn:
    return lambda text, rel: fn(text)


def _justext_ready(log: TextIO, language: str | None = None) -> bool:
    """Import jusText and load the stoplist before any timing; say why if it fails."""
    import peers

    try:
        import justext  # noqa: F401
    except Exception as exc:
        print(f"justext skipped: import failed: {exc!r} (pip install -e '.[bench]')", file=log)
        return False
    try:
        peers._justext_stoplist(language)  # load the stoplist before timing
    except Exception as exc:
        print(f"justext skipped: {exc!r}", file=log)
        return False
    return True


def generic_rules_dir(dest: Path) -> Path:
    """Copy the working tree's rules/_global.toml (only) into dest; return dest.

    A ``Cleaner([dest], shipped=False)`` then has no site file at all, so
    every page takes the generic path (global node rules, trafilatura, global
    text rules). Copied afresh at every run: rules/ may change between runs.
    """
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO_ROOT / "rules" / "_global.toml", dest / "_global.toml")
    return dest


def load_systems(names: Iterable[str], log: TextIO) -> dict[str, CleanFn]:
    """Map each ``--systems`` name to a clean(text, relpath) callable, in order.

    Names are "cleaner" or a key of ``peers.PEERS``. Everything costly is done
    here, before any timing: the Cleaner is constructed and jusText's stoplist
    is loaded. jusText is an optional extra; if it cannot be loaded it is
    skipped with a message on ``log`` (one line per system is printed there).
    """
    import peers

    fns: dict[str, CleanFn] = {}
    for name in names:
        if name == "cleaner":
            fns[name] = load_cleaner()
            print("cleaner: working tree at " + str(REPO_ROOT / "cleaner"), file=log)
        elif name == "justext":
            if not _justext_ready(log):
                continue
            print(f"justext: stoplist {peers.justext_stoplist_name()!r}, default parameters", file=log)
            fns[name] = _ignore_path(peers.justext_text)
        else:
            fns[name] = _ignore_path(peers.PEERS[name])
    return fns


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


_PEER_DISTS = {"trafilatura": "trafilatura", "trafilatura-precision": "trafilatura", "readability": "readability-lxml",
               "justext": "jusText", "resiliparse": "resiliparse"}


def load_html_systems(names: Iterable[str], log: TextIO, *, justext_language: str,
                      scratch: Path) -> dict[str, HtmlFn]:
    """Map each HTML system name (see ``HTML_SYSTEMS``) to extract(page, relpath, url).

    Everything costly happens here, before any timing: each Cleaner is
    constructed (``cleaner``: ``Cleaner()``, shipped rules, called with
    ``path=relpath``; ``cleaner-generic``: ``Cleaner([scratch/genonly],
    shipped=False)`` over a fresh copy of rules/_global.toml), jusText's
    stoplist (``justext_language``) is loaded, and each peer module is
    imported. A peer whose package is missing is skipped with a message on
    ``log``; one line per system is printed there.
    """
    import peers
    from cleaner import Cleaner

    fns: dict[str, HtmlFn] = {}
    for name in names:
        if name == "cleaner":
            full = Cleaner()
            fns[name] = lambda page, rel, url, c=full: c.clean_html(page, path=rel, url=url).text
            print(f"cleaner: working tree at {REPO_ROOT / 'cleaner'}, shipped rules "
                  f"({len(full.rules.sites)} site files), path=<relpath>", file=log)
        elif name == "cleaner-generic":
            gen = Cleaner([generic_rules_dir(scratch / "genonly_html")], shipped=False)
            fns[name] = lambda page, rel, url, c=gen: c.clean_html(page, path=rel, url=url).text
            print("cleaner-generic: Cleaner([<tmp copy of rules/_global.toml>], shipped=False): "
                  "global rules + trafilatura only", file=log)
        elif name in peers.HTML_PEERS:
            try:
                importlib.import_module(peers.HTML_PEER_MODULES[name])
            except Exception as exc:
                print(f"{name} skipped: import failed: {exc!r} (pip install -e '.[bench]')", file=log)
                continue
            fn = peers.HTML_PEERS[name]
            detail = "favor_precision=True, other options at their defaults" if name == "trafilatura-precision" else "default options"
            if name == "readability":
                # readability logs a full traceback for every page it fails
                # on before raising; the failure is reported by the caller.
                logging.getLogger("readability.readability").setLevel(logging.CRITICAL)
            if name == "justext":
                if not _justext_ready(log, justext_language):
                    continue
                fn = fn(justext_language)
                detail = f"stoplist {justext_language!r}, default parameters"
            fns[name] = lambda page, rel, url, f=fn: f(page, url)
            print(f"{name} {_version(_PEER_DISTS[name])}: {detail}", file=log)
        else:
            raise ValueError(f"unknown HTML system {name!r}")
    return fns


# --- reporting ---------------------------------------------------------------


def fmt(x: float) -> str:
    return f"{x:.3f}"


def print_site_table(reports: dict[str, dict], names: list[str], *, label: str,
                     out: TextIO | None = None) -> None:
    """Per-site token F1 / line F1, the systems side by side, then the MACRO row.

    ``reports[name]`` is a ``cleaner.score.Report.to_dict()``. MACRO is the
    mean over all files, as cleaner.score defines it. A last line gives the
    exact-match counts (``label`` names the file set).
    """
    out = out or sys.stdout
    sites = sorted({s for name in names for s in reports[name]["sites"]})
    site_w = max([len("site"), len("MACRO")] + [len(s) for s in sites])
    col_w = 15  # "tokF1  lineF1" per system
    head1 = f"{'':<{site_w}} {'':>3}  " + "  ".join(f"{n:^{col_w}}" for n in names)
    head2 = f"{'site':<{site_w}} {'n':>3}  " + "  ".join(f"{'tokF1':>7}{'lineF1':>8}" for _ in names)
    rule = "-" * len(head2)
    print(head1, file=out)
    print(head2, file=out)
    print(rule, file=out)

    def row(row_label: str, key) -> str:
        first = reports[names[0]]
        agg0 = first["macro"] if key is None else first["sites"].get(key, {})
        cells = []
        for n in names:
            d = reports[n]
            agg = d["macro"] if key is None else d["sites"].get(key)
            cells.append(f"{fmt(agg['token_f1']):>7}{fmt(agg['line_f1']):>8}" if agg else f"{'-':>7}{'-':>8}")
        return f"{row_label:<{site_w}} {agg0.get('n', 0):>3}  " + "  ".join(cells)

    for s in sites:
        print(row(s, s), file=out)
    print(rule, file=out)
    print(row("MACRO", None), file=out)
    exact = "  ".join(f"{n} {reports[n]['macro']['exact']}/{reports[n]['macro']['n']}" for n in names)
    print(f"exact match ({label}): {exact}", file=out)


def print_macro_table(reports: dict[str, dict], names: list[str], *, out: TextIO | None = None) -> None:
    """One row per system: macro token P/R/F1, line P/R/F1 and exact matches."""
    out = out or sys.stdout
    name_w = max([len("system")] + [len(n) for n in names])
    cols = ("token_p", "token_r", "token_f1", "line_p", "line_r", "line_f1")
    heads = ("tokP", "tokR", "tokF1", "lineP", "lineR", "lineF1")
    head = f"{'system':<{name_w}} " + "".join(f"{h:>8}" for h in heads) + f"{'exact':>8}"
    print(head, file=out)
    print("-" * len(head), file=out)
    for n in names:
        m = reports[n]["macro"]
        print(f"{n:<{name_w}} " + "".join(f"{fmt(m[c]):>8}" for c in cols)
              + f"{str(m['exact']) + '/' + str(m['n']):>8}", file=out)


# --- timing ------------------------------------------------------------------


def pin_one_core() -> str:
    """Pin the process to one core: the first of those it may run on (so that
    ``taskset -c 1 python ...`` keeps it on core 1)."""
    if hasattr(os, "sched_setaffinity"):
        try:
            core = min(os.sched_getaffinity(0))
            os.sched_setaffinity(0, {core})
            return f"pinned to core {core} (os.sched_setaffinity(0, {{{core}}}))"
        except OSError as exc:
            return f"not pinned: sched_setaffinity failed: {exc}"
    return "not pinned: os.sched_setaffinity unavailable on this platform"


def time_runs(fn, docs: list[tuple[str, str]], runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        for rel, text in docs:
            fn(text, rel)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for rel, text in docs:
            fn(text, rel)
        times.append(time.perf_counter() - t0)
    return times


# --- batch inputs (batch_speed.py, batch_memory.py) --------------------------

#: The dev folders a batch benchmark cycles through: scraped texts and saved
#: HTML pages, labelled and unlabelled (34 + 337 + 22 + 47 = 440 pages).
BATCH_SETS = ("dev/text", "dev/text-pool", "dev/html", "dev/html-pool")


@dataclass(frozen=True)
class CorpusPage:
    """One page of a BATCH_SETS folder: where it is and what is known of it."""

    set_name: str  # "text", "text-pool", "html", "html-pool"
    rel: str  # posix path under the set folder, e.g. "detik.com/x.txt"
    path: Path
    kind: str  # "text" or "html"
    url: str | None

    def page_id(self, rep: int) -> str:
        """The id of copy ``rep``: ``<set>/<site>/<stem>.r<rep>`` (the first
        domain-like folder still names the site, and copies never collide)."""
        stem = self.rel.rsplit(".", 1)[0]
        return f"{self.set_name}/{stem}.r{rep:04d}"

    def file_name(self, rep: int) -> str:
        """The relative file name of copy ``rep`` in a folder tree; the
        cleaner's folder walk gives it the id ``page_id(rep)``."""
        return self.page_id(rep) + self.path.suffix


def list_batch_corpus(corpus: Path) -> list[CorpusPage]:
    """Every *.txt / *.html page of the BATCH_SETS folders, sorted, with the
    URL from each folder's index.jsonl where one is recorded."""
    pages: list[CorpusPage] = []
    for folder in BATCH_SETS:
        root = corpus / folder
        if not root.is_dir():
            raise FileNotFoundError(f"{root} is not a directory (see --corpus)")
        urls = read_url_index(root)
        set_name = folder.split("/", 1)[1]
        for rel, path in list_files(root, "*"):
            if path.suffix in (".txt", ".html"):
                kind = "html" if path.suffix == ".html" else "text"
                pages.append(CorpusPage(set_name, rel, path, kind, urls.get(rel)))
    return pages


def cycle_pages(pages: list[CorpusPage], n: int) -> Iterator[tuple[CorpusPage, int]]:
    """(page, repetition) for n pages: the corpus in order, again and again."""
    for i in range(n):
        yield pages[i % len(pages)], i // len(pages)


def write_batch_jsonl(dest: Path, pages: list[CorpusPage], n: int,
                      progress: Callable[[int], None] | None = None) -> int:
    """Write n pages as one JSONL export, streamed: one record per line,
    ``{"id", "url", "html"}`` or ``{"id", "url", "text"}`` (the field a real
    export of that kind would have; url null where the corpus has none).
    Only the corpus itself (~18 MB) is held in memory, each page encoded
    once. Returns the bytes written; ``progress(i)`` is called every 10,000
    records."""
    encoded = {}
    for p in pages:
        content = p.path.read_text(encoding="utf-8", errors="replace")
        encoded[p] = f', "url": {json.dumps(p.url)}, "{p.kind}": {json.dumps(content, ensure_ascii=False)}}}\n'
    written = 0
    with open(dest, "w", encoding="utf-8") as fh:
        for i, (page, rep) in enumerate(cycle_pages(pages, n)):
            line = '{"id": ' + json.dumps(page.page_id(rep)) + encoded[page]
            written += fh.write(line)
            if progress is not None and i and i % 10_000 == 0:
                progress(i)
    return written


def write_batch_tree(dest: Path, pages: list[CorpusPage], n: int) -> int:
    """Write n pages as a folder tree (``<set>/<site>/<stem>.r<rep>.<ext>``,
    byte copies of the corpus files). Returns the bytes written."""
    written = 0
    for page, rep in cycle_pages(pages, n):
        target = dest / page.file_name(rep)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page.path, target)
        written += target.stat().st_size
    return written


# The parent's peak is VmHWM, not getrusage's ru_maxrss: Linux carries
# ru_maxrss over an exec from the process that forked it, so a benchmark
# holding 300 MB would show its own size as the cleaner's peak.
_USAGE_HOOK = """
import atexit, json, resource
def _peak_kb():
    try:
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
def _report_usage(path={path!r}):
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(path, "w") as fh:
        json.dump({{"parent_cpu_s": me.ru_utime + me.ru_stime, "workers_cpu_s": kids.ru_utime + kids.ru_stime,
                   "parent_maxrss_kb": _peak_kb(), "workers_maxrss_kb": kids.ru_maxrss}}, fh)
atexit.register(_report_usage)
"""


def cleaner_cli_argv(args: list[str], usage_file: Path | None = None) -> list[str]:
    """argv that runs ``cleaner <args>`` from the working tree (not an
    installed copy): this interpreter, the repo root first on sys.path.

    With ``usage_file``, the process writes there at exit (atexit, so after
    its worker pool is shut down) a JSON object read by ``read_usage``: its
    own CPU seconds and peak RSS (getrusage RUSAGE_SELF) and those of its
    reaped children, the workers (RUSAGE_CHILDREN: CPU summed, ru_maxrss the
    largest single worker).
    """
    hook = _USAGE_HOOK.format(path=str(usage_file)) if usage_file is not None else ""
    boot = (f"import sys; sys.path.insert(0, {str(REPO_ROOT)!r}); sys.argv[0] = 'cleaner'\n{hook}\n"
            "from cleaner.cli import main; main()")
    return [sys.executable, "-c", boot, *args]


def read_usage(usage_file: Path) -> dict | None:
    """What ``cleaner_cli_argv(..., usage_file)`` wrote (None if the process died first)."""
    try:
        return json.loads(usage_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json(payload: dict, dest: str, log=None) -> None:
    """Write a benchmark's results as JSON to a file, or to stdout for '-'."""
    text = json.dumps(payload, indent=2, ensure_ascii=False)
    if dest == "-":
        print(text)
    else:
        Path(dest).write_text(text + "\n", encoding="utf-8")
        print(f"json written to {dest}", file=log or sys.stdout)


# --- process tree memory (batch_memory.py, soak.py) ------------------------------

MB = 1024 * 1024


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(name))
    return kids


def descendants(pid: int) -> list[int]:
    kids = _children_map()
    found, todo = [], [pid]
    while todo:
        for child in kids.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def read_mem(pid: int, pss: bool) -> dict | None:
    """VmRSS / VmHWM (KB) of a process, and Pss (KB) if asked; None once it is gone."""
    mem: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith((b"VmRSS:", b"VmHWM:")):
                    mem[line[:5].decode()] = int(line.split()[1])
        if pss:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                for line in fh:
                    if line.startswith(b"Pss:"):
                        mem["Pss"] = int(line.split()[1])
                        break
    except (OSError, ValueError):
        return None
    return mem if "VmRSS" in mem else None


class ManifestCounter:
    """Counts the lines appended to the manifest (one per page) without rereading it."""

    def __init__(self, path: Path, offset: int = 0):
        self.path, self.offset, self.lines = path, offset, 0

    def poll(self) -> int:
        try:
            with open(self.path, "rb") as fh:
                fh.seek(self.offset)
                while chunk := fh.read(1 << 20):
                    self.lines += chunk.count(b"\n")
                    self.offset += len(chunk)
        except OSError:
            pass
        return self.lines


def mb(kb: float | None) -> str:
    return "-" if kb is None else f"{kb / 1024:.1f} MB"


def kill_tree(proc: subprocess.Popen) -> None:
    """Kill a process this script started and every descendant of it (by pid)."""
    pids = descendants(proc.pid)
    proc.kill()
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    proc.wait()


def run_and_watch(argv: list[str], manifest: Path, pages_total: int, interval: float, progress_every: float,
                  pss: bool, stderr_path: Path, log, skip_bytes: int = 0, *, timeout: float | None = None,
                  stall: float | None = None, cwd: Path | None = None) -> dict:
    """Run argv (a ``cleaner clean`` writing ``manifest``), polling /proc
    every ``interval`` seconds for the memory of the process and all its
    descendants, and counting the manifest lines appended (pages done).

    The process tree is killed (SIGKILL) after ``timeout`` seconds, or when
    no manifest line was appended for ``stall`` seconds (a hang); the result's
    ``stopped`` then says why (None when the process exited by itself).
    Returns the exit code, wall seconds, pages done, the samples, each
    process's peaks ("role" parent/worker, "hwm" = VmHWM, "rss_max") and the
    peaks of the sampled sums of VmRSS and Pss (KB).
    """
    counter = ManifestCounter(manifest, skip_bytes)
    stopped = None
    samples: list[dict] = []
    peaks: dict[int, dict] = {}  # pid -> {"role", "hwm", "rss_max"}
    max_sum_rss = max_sum_pss = 0
    with open(stderr_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, cwd=cwd)
        last_print = last_page = t0
        last_count = 0
        try:
            while True:
                finished = proc.poll() is not None
                now = time.perf_counter()
                tree = [(proc.pid, "parent")] + [(p, "worker") for p in descendants(proc.pid)]
                sample = {"t": now - t0, "pages": counter.poll(), "parent_rss": None, "workers_rss": [], "pss": 0}
                sum_rss = 0
                for pid, role in tree:
                    m = read_mem(pid, pss)
                    if m is None:
                        continue
                    rec = peaks.setdefault(pid, {"role": role, "hwm": 0, "rss_max": 0})
                    rec["hwm"] = max(rec["hwm"], m.get("VmHWM", 0))
                    rec["rss_max"] = max(rec["rss_max"], m["VmRSS"])
                    sum_rss += m["VmRSS"]
                    sample["pss"] += m.get("Pss", 0)
                    if role == "parent":
                        sample["parent_rss"] = m["VmRSS"]
                    else:
                        sample["workers_rss"].append(m["VmRSS"])
                max_sum_rss = max(max_sum_rss, sum_rss)
                max_sum_pss = max(max_sum_pss, sample["pss"])
                if sample["parent_rss"] is not None:
                    samples.append(sample)
                if now - last_print >= progress_every and sample["parent_rss"] is not None:
                    last_print = now
                    done = sample["pages"]
                    rate = done / sample["t"] if sample["t"] else 0
                    eta = f"~{(pages_total - done) / rate:.0f}s left" if rate else "none cleaned yet"
                    print(f"  {sample['t']:7.0f}s {done:>7}/{pages_total} pages ({rate:5.0f}/s, {eta}); "
                          f"RSS parent {mb(sample['parent_rss'])}, workers "
                          f"{', '.join(mb(w) for w in sample['workers_rss']) or '-'}"
                          + (f"; Pss total {mb(sample['pss'])}" if pss else ""), file=log, flush=True)
                if finished:
                    break
                if sample["pages"] != last_count:
                    last_count, last_page = sample["pages"], now
                if timeout is not None and now - t0 > timeout:
                    stopped = f"timed out after {timeout:.0f}s"
                elif stall is not None and now - last_page > stall:
                    stopped = f"stalled: no page done for {stall:.0f}s"
                if stopped:
                    print(f"  {stopped}: killing the cleaner's process tree", file=log, flush=True)
                    kill_tree(proc)
                    break
                time.sleep(interval)
        except BaseException:
            kill_tree(proc)  # only the processes this script started
            raise
    wall = time.perf_counter() - t0
    counter.poll()
    return {"returncode": proc.returncode, "wall_s": wall, "pages_done": counter.lines, "samples": samples,
            "peaks": peaks, "max_sum_rss_kb": max_sum_rss, "max_sum_pss_kb": max_sum_pss if pss else None,
            "stopped": stopped}


def print_run_header(log, *details: str) -> None:
    """The first lines of a benchmark's log: the command, and the machine it ran on."""
    print(f"command: python {shlex.join(sys.argv)}", file=log)
    machine = f"python {platform.python_version()} ({sys.executable}); {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}"
    print("; ".join((machine, *details)), file=log)
