"""Faults in the middle of a batch: a page that crashes or hangs its worker,
a worker killed from outside, Ctrl-C and SIGTERM, a full disk. After each,
the run (or the next one) ends with every output whole and the manifest
consistent: valid JSON on every line, one line per page, an existing and
complete output for every 'ok' line, no temporary file left.

The misbehaving pages come from tests/faulty.py (a Cleaner that crashes or
hangs on a marker); the signals and the full disk are real: a subprocess
gets them, and the disk is a small tmpfs (or /dev/full)."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import cleaner.workers
from cleaner.workers import WorkerPool
from cleaner.batch import BatchOptions, BatchRun
from cleaner.page import Page
from conftest import ROOT, SAMPLES
from faulty import CRASH, HANG, STUCK, FaultyCleaner, square_but_not_three

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def article(n: int) -> str:
    return f"Isi berita nomor {n} tentang kota.\nBaca Juga: Judul Lain\nKalimat penutup berita {n}.\n"


def pages_with(faults: dict[int, str], n: int = 40) -> list[Page]:
    """n text pages (suara.com, so a rule fires); page i carries faults[i]'s marker."""
    return [Page(article(i) + faults.get(i, ""), id=f"suara.com/p{i:03d}", source=f"test:{i}") for i in range(n)]


def manifest_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assert_consistent(out: Path, manifest: Path) -> list[dict]:
    """The state a run must leave, whatever stopped it."""
    entries = manifest_lines(manifest)  # every line valid JSON
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids)), "a page has two manifest lines"
    for entry in entries:
        if entry["status"] == "ok":
            assert Path(entry["output"]).is_file(), f"ok line without its output: {entry['id']}"
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")], "temporary files left"
    return entries


def run_batch(pages, tmp_path, **options) -> tuple[object, list[dict]]:
    out = tmp_path / "out"
    options = BatchOptions(out_dir=out, manifest=out / "manifest.jsonl", **options)
    summary = BatchRun(FaultyCleaner(), options).run(pages)
    return summary, assert_consistent(out, options.manifest)


# -- pages that crash or hang their worker --------------------------------------------------------


def test_a_page_that_kills_its_worker_is_reported_and_every_other_page_is_cleaned(tmp_path):
    summary, entries = run_batch(pages_with({17: CRASH}), tmp_path, jobs=2)
    assert (summary.done, summary.failed, summary.stopped) == (39, 1, None)
    (failed,) = [e for e in entries if e["status"] == "error"]
    assert failed["id"] == "suara.com/p017"
    assert failed["error"].startswith("test:17: the worker process died while cleaning it")
    assert (tmp_path / "out" / "suara.com" / "p018.txt").read_text() == "Isi berita nomor 18 tentang kota.\nKalimat penutup berita 18.\n"


def test_two_crashing_pages_in_one_chunk_are_both_found(tmp_path):
    summary, entries = run_batch(pages_with({3: CRASH, 5: CRASH}), tmp_path, jobs=2)
    assert (summary.done, summary.failed) == (38, 2)
    assert sorted(e["id"] for e in entries if e["status"] == "error") == ["suara.com/p003", "suara.com/p005"]


@pytest.mark.parametrize("jobs", [0, 2])
def test_a_page_stuck_in_python_code_times_out_and_the_batch_goes_on(tmp_path, jobs):
    summary, entries = run_batch(pages_with({7: HANG}), tmp_path, jobs=jobs, page_timeout=1)
    assert (summary.done, summary.failed) == (39, 1)
    assert [e["error"] for e in entries if e["status"] == "error"] == ["test:7: timed out after 1 s"]


def test_a_page_stuck_where_the_alarm_cannot_reach_is_stopped_by_the_parent(tmp_path, monkeypatch):
    monkeypatch.setattr(cleaner.workers, "HARD_GRACE", 1.0)
    summary, entries = run_batch(pages_with({7: STUCK}), tmp_path, jobs=2, page_timeout=1)
    assert (summary.done, summary.failed) == (39, 1)
    (failed,) = [e for e in entries if e["status"] == "error"]
    assert failed["error"] == "test:7: timed out: still running 2 s after it started (worker stopped)"


def test_every_crashing_page_is_found_even_when_all_of_them_crash(tmp_path):
    summary, entries = run_batch([Page(CRASH, id=f"p{i}", source=f"test:{i}") for i in range(6)], tmp_path, jobs=2)
    assert (summary.done, summary.failed, summary.stopped) == (0, 6, None)
    assert {e["error"].split(": ", 1)[1] for e in entries} == {"the worker process died while cleaning it (a crash or out of memory)"}


class DeadOnArrival(FaultyCleaner):
    """Workers die while starting (as with no memory left, or a broken install)."""

    def __reduce__(self):
        return (os._exit, (71,))


def test_workers_that_die_on_start_stop_the_run_instead_of_restarting_forever(tmp_path):
    out = tmp_path / "out"
    run = BatchRun(DeadOnArrival(), BatchOptions(out_dir=out, manifest=out / "manifest.jsonl", jobs=2))
    summary = run.run(pages_with({}))
    assert summary.stopped == "worker processes keep dying (3 restarts in a row without finishing a page)"
    assert (summary.done, summary.failed) == (0, 0)  # no page is blamed: the next run tries them all
    assert_consistent(out, out / "manifest.jsonl")


def test_an_item_whose_work_raises_fails_alone():
    pool = WorkerPool(1, square_but_not_three, lambda item, reason: f"lost {item}: {reason}", None, chunk_size=8)
    try:
        results = pool.submit([(n, None) for n in range(6)]) + pool.collect(all_done=True)
    finally:
        pool.close()
    assert [r for _, r in results] == [0, 1, 4, "lost 3: ValueError: three", 16, 25]


# -- a real run, interrupted from outside -------------------------------------------------------


def make_input(root: Path, n_pages: int = 400) -> Path:
    samples = sorted((SAMPLES / "raw").rglob("*.txt"))
    for i in range(n_pages):
        sample = samples[i % len(samples)]
        target = root / sample.parent.name / f"{i:04d}_{sample.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(sample, target)
    return root


def txt_outputs(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.txt"))}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """400 sample pages and their outputs from one uninterrupted run."""
    root = tmp_path_factory.mktemp("corpus")
    src = make_input(root / "in")
    reference = root / "reference"
    subprocess.run(cleaner_command(src, reference, "--jobs", "0"), env=ENV, check=True, capture_output=True)
    return src, txt_outputs(reference)


def cleaner_command(src: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "cleaner.cli", "clean", str(src), "-o", str(out), "-q", *extra]


def start(command: list[str]) -> subprocess.Popen:
    return subprocess.Popen(command, env=ENV, start_new_session=True, stderr=subprocess.PIPE, text=True)


def wait_for_lines(manifest: Path, proc: subprocess.Popen, count: int) -> None:
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if manifest.exists() and manifest.read_bytes().count(b"\n") >= count:
            return
        time.sleep(0.001)
    raise AssertionError(f"the run ended or stalled before {count} pages (rc {proc.returncode})")


def worker_pids(parent: int) -> list[int]:
    """The cleaning workers among a process's children (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return [int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]


def assert_rerun_completes(src: Path, out: Path, reference: dict[str, str]) -> None:
    rerun = subprocess.run(cleaner_command(src, out, "--jobs", "2"), env=ENV, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert txt_outputs(out) == reference
    entries = assert_consistent(out, out / ".cleaner-manifest.jsonl")
    assert len(entries) == len(reference) and {e["status"] for e in entries} == {"ok"}


@pytest.mark.parametrize("how", ["SIGINT to the group (Ctrl-C)", "SIGTERM to the run", "SIGINT twice"])
def test_an_interrupted_run_stops_cleanly_and_the_rerun_completes(tmp_path, corpus, how):
    src, reference = corpus
    out = tmp_path / "out"
    proc = start(cleaner_command(src, out, "--jobs", "2"))
    wait_for_lines(out / ".cleaner-manifest.jsonl", proc, 100)
    if how.startswith("SIGINT"):
        os.killpg(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the workers too
        if how.endswith("twice"):
            time.sleep(0.02)
            os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGTERM)
    stderr = proc.communicate(timeout=60)[1]
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "stopped: interrupted by SIG" in stderr and "run the same command again to resume" in stderr
    entries = assert_consistent(out, out / ".cleaner-manifest.jsonl")
    assert 100 <= len(entries) < len(reference)
    assert all(txt_outputs(out)[name] == reference[name] for name in txt_outputs(out))  # every output whole
    assert_rerun_completes(src, out, reference)


def test_a_worker_killed_from_outside_loses_no_page(tmp_path, corpus):
    src, reference = corpus
    out = tmp_path / "out"
    proc = start(cleaner_command(src, out, "--jobs", "2"))
    wait_for_lines(out / ".cleaner-manifest.jsonl", proc, 100)
    os.kill(worker_pids(proc.pid)[0], signal.SIGKILL)  # the out-of-memory killer's way
    stderr = proc.communicate(timeout=60)[1]
    assert proc.returncode == 0, stderr
    assert txt_outputs(out) == reference
    entries = assert_consistent(out, out / ".cleaner-manifest.jsonl")
    assert len(entries) == len(reference) and {e["status"] for e in entries} == {"ok"}


def test_workers_end_when_their_parent_is_killed(tmp_path, corpus):
    src, reference = corpus
    out = tmp_path / "out"
    proc = start(cleaner_command(src, out, "--jobs", "2"))
    wait_for_lines(out / ".cleaner-manifest.jsonl", proc, 50)
    workers = worker_pids(proc.pid)
    assert workers
    os.kill(proc.pid, signal.SIGKILL)  # kill -9: the parent cannot stop its pool
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() and b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
              for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"]
    assert not alive, f"workers still running after their parent died: {alive}"
    assert_rerun_completes(src, out, reference)  # and the run resumes as after any kill


# -- a full disk ---------------------------------------------------------------------------------------


def test_a_manifest_on_a_full_disk_stops_the_run_with_one_error_line(tmp_path, corpus):
    src, _ = corpus
    result = subprocess.run(
        cleaner_command(src, tmp_path / "out", "--manifest", "/dev/full", "--jobs", "1"), env=ENV, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 4, result.stderr
    assert "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("stopped:")]
    assert "No space left on device" in line and "run the same command again to resume" in line


def test_a_jsonl_output_on_a_full_disk_stops_the_run(tmp_path, corpus):
    src, _ = corpus
    command = cleaner_command(src, Path("/dev/full"), "--format", "jsonl", "--manifest", str(tmp_path / "m.jsonl"), "--jobs", "1")
    result = subprocess.run(command, env=ENV, capture_output=True, text=True, timeout=60)
    assert result.returncode == 4, result.stderr
    assert "Traceback" not in result.stderr and "No space left on device" in result.stderr
    assert {e["status"] for e in manifest_lines(tmp_path / "m.jsonl")} <= {"ok", "error"}  # no line claims a lost record
    assert not [e for e in manifest_lines(tmp_path / "m.jsonl") if e["status"] == "ok"]


@pytest.fixture
def small_disk(tmp_path):
    """A 64 KB tmpfs (needs root and mount rights; skipped elsewhere)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_full_disk_stops_the_run_and_after_freeing_space_the_rerun_completes(small_disk, corpus):
    src, reference = corpus
    out = small_disk / "out"
    result = subprocess.run(cleaner_command(src, out, "--jobs", "2"), env=ENV, capture_output=True, text=True, timeout=120)
    assert result.returncode == 4, result.stderr
    assert "Traceback" not in result.stderr and "No space left on device" in result.stderr
    written = txt_outputs(out)
    assert 0 < len(written) < len(reference)
    assert all(written[name] == reference[name] for name in written)  # no output cut short
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    subprocess.run(["mount", "-o", "remount,size=16m", str(small_disk)], check=True)
    assert_rerun_completes(src, out, reference)
