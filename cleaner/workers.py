"""Worker processes for a batch, supervised so that no page can stop the run.

A page can misbehave in three ways, each contained here:

- it runs too long in Python code (a slow extraction, a pathological
  regex): the worker's own alarm (`page_time_limit`) ends it after
  ``page_timeout`` seconds, and it is reported as timed out;
- it hangs where the alarm cannot reach (inside C code that never returns
  to the interpreter): each worker publishes the page it is on and since
  when in a shared slot; the parent kills a worker still on one page
  ``HARD_GRACE`` seconds past the limit;
- it kills its worker (a crash, the out-of-memory killer, our own kill):
  the pool breaks and every unfinished chunk fails with it. The pool is
  restarted and the unfinished pages are run again; the pages that were in
  progress when it broke are *suspects*, and each is first run alone, so a
  page that kills its worker again is known for sure and reported, while the
  innocent ones complete.

The parent never waits on a worker without a timeout, so it can also stop
the run when asked (`BatchRun.request_stop`) and kill what is left at once.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

#: Seconds a worker may stay on one page past the page time limit before the
#: parent kills it: the alarm ends a slow page in Python code within
#: milliseconds, so a worker this late is stuck where the alarm cannot reach.
HARD_GRACE = 10.0
#: How often (seconds) the parent looks at the slots while waiting for results.
POLL_SECONDS = 0.5
#: Pool breaks in a row, with no page finished in between, after which the run
#: stops: workers that die on start (no memory, a broken install) would
#: otherwise be restarted forever.
MAX_BARREN_BREAKS = 3

# POSIX only: elsewhere (Windows) pages have no time limit inside the worker
# (the parent's hard limit still holds) and Ctrl-C is not held back.
_HAS_ALARM = hasattr(signal, "setitimer")
_HAS_SIGMASK = hasattr(signal, "pthread_sigmask")

# The fields of a worker's slot in the shared array: its pid, the serial of
# the page it is cleaning, and since when (time.monotonic(); 0 when idle).
_PID, _SERIAL, _SINCE = range(3)
_SLOT_SIZE = 3


class PageTimeout(BaseException):
    """The page time limit passed. A BaseException, like KeyboardInterrupt, so
    that the `except Exception` of a library cannot swallow it."""


#: Seconds a page may take by default (a batch's --page-timeout, the API's
#: Cleaner(page_timeout=...)): pages of tens of MB take tens of seconds; a
#: page still running after this is stuck.
DEFAULT_PAGE_TIMEOUT = 120.0


@contextlib.contextmanager
def page_time_limit(seconds: float | None) -> Iterator[None]:
    """Raise PageTimeout in the block after `seconds` (none: no limit). Signals
    reach only the main thread, so elsewhere (a library user's thread) the
    block runs unbounded. A timer already running (an outer limit, or the
    caller's own) is put back afterwards with the time it has left, and
    still fires when it comes first."""
    if not seconds or not _HAS_ALARM or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise PageTimeout(seconds)

    started = time.monotonic()
    outer_left = signal.getitimer(signal.ITIMER_REAL)[0]
    if outer_left and outer_left <= seconds:
        yield  # the outer timer fires first anyway
        return
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left:
            signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - started), 0.001))


@dataclass(eq=False)
class Task:
    """An item on its way through the pool: `item` goes to a worker, `meta`
    stays with the parent, `serial` names it in the slots."""

    item: Any
    meta: Any
    serial: int


@dataclass
class Failed:
    """What a worker returns for an item whose `work` raised."""

    reason: str


# -- the worker side --------------------------------------------------------------

_WORKER: dict[str, Any] = {}


#: Seconds between a worker's looks at whether its parent is still alive.
PARENT_CHECK_SECONDS = 0.5


def _exit_when_orphaned(parent: int) -> None:
    """A worker whose parent died (kill -9: no chance to stop its pool) exits
    instead of running on: the page in progress is not worth finishing, no
    one would record it. A daemon thread looks every PARENT_CHECK_SECONDS; a
    process whose parent died is re-parented, so its parent id changes. (A
    parent-death signal, prctl's PR_SET_PDEATHSIG, fires when the parent's
    *thread* that started the worker ends, which a pool's own threads do.)"""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _start_worker(work: Callable, slots, next_slot, parent: int | None = None) -> None:
    # Ctrl-C in a terminal reaches the whole process group: the parent alone
    # decides how to stop (finish the pages in progress, or kill the workers).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        _exit_when_orphaned(parent)
    if _HAS_SIGMASK:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked while it started (see _spawning_submit)
    with next_slot.get_lock():
        index = next_slot.value
        next_slot.value += 1
    base = index * _SLOT_SIZE
    slots[base + _PID] = os.getpid()
    _WORKER.update(work=work, slots=slots, base=base)


def _run_chunk(items: list[tuple[int, Any]]) -> list[Any]:
    work, slots, base = _WORKER["work"], _WORKER["slots"], _WORKER["base"]
    results = []
    for serial, item in items:
        slots[base + _SERIAL] = serial
        slots[base + _SINCE] = time.monotonic()
        try:
            results.append(work(item))
        except Exception as exc:  # `work` should not raise; if it does, only this item fails
            results.append(Failed(f"{type(exc).__name__}: {exc}"))
        finally:
            slots[base + _SINCE] = 0.0
    return results


# -- the parent side ----------------------------------------------------------------


class WorkerPool:
    """`jobs` spawned processes that apply `work` (a picklable function of one
    item, which must not raise) to chunks of items. `collect` returns (task,
    result) pairs; a page the workers could not finish gets
    `on_lost(item, reason)` as its result instead."""

    def __init__(self, jobs: int, work: Callable, on_lost: Callable[[Any, str], Any], page_timeout: float | None, chunk_size: int):
        self.jobs = jobs
        self.chunk_size = chunk_size
        self.work = work
        self.on_lost = on_lost
        self.hard_limit = page_timeout + HARD_GRACE if page_timeout else None
        self.stopping = False  # set by the owner: no restarts, no new work
        self._serials = itertools.count()
        self._pending: dict[Future, list[Task]] = {}
        self._killed: dict[int, str] = {}  # serial -> why the parent killed its worker
        self._barren_breaks = 0
        self.gave_up: str | None = None  # why the pool stopped restarting, if it did
        self.workers_lost = False  # a worker died or was killed: it may have left a temporary file
        self.watch: Callable[[], None] | None = None  # called at every poll: may raise to end the wait (see BatchRun)
        self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")  # lean workers, safe beside threads
        self._slots = context.Array("d", self.jobs * _SLOT_SIZE, lock=False)
        next_slot = context.Value("i", 0)
        self._executor = ProcessPoolExecutor(
            self.jobs, mp_context=context, initializer=_start_worker, initargs=(self.work, self._slots, next_slot, os.getpid())
        )

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    def submit(self, chunk: list[tuple[Any, Any]]) -> list[tuple[Task, Any]]:
        """Queue one chunk of (item, meta) pairs; returns results already
        known (none, unless the pool broke and was repaired on the way)."""
        tasks = [Task(item, meta, next(self._serials)) for item, meta in chunk]
        return self._submit(tasks)

    def _submit(self, tasks: list[Task]) -> list[tuple[Task, Any]]:
        try:
            future = self._spawning_submit([(t.serial, t.item) for t in tasks])
        except (BrokenProcessPool, RuntimeError):  # broken before we noticed
            return self._repair(tasks)
        self._pending[future] = tasks
        return []

    def _spawning_submit(self, items: list[tuple[int, Any]]) -> Future:
        """Submit a chunk, with Ctrl-C held back meanwhile: the executor starts
        a worker inside submit when none is idle, and the new process inherits
        the blocked mask until its initializer ignores SIGINT (a Ctrl-C during
        its start would otherwise kill it with a traceback). The parent gets
        a Ctrl-C held back here as soon as submit returns."""
        if not _HAS_SIGMASK:
            return self._executor.submit(_run_chunk, items)
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return self._executor.submit(_run_chunk, items)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    def collect(self, *, all_done: bool = False) -> list[tuple[Task, Any]]:
        """Wait for at least one chunk (or all of them) and return its results."""
        results: list[tuple[Task, Any]] = []
        while self._pending and (all_done or not results):
            finished = self._poll(self._pending)
            lost: list[Task] = []
            for future in finished:
                tasks = self._pending.pop(future)
                try:
                    results.extend(self._results(tasks, future.result()))
                    self._barren_breaks = 0
                except BrokenProcessPool:
                    lost.extend(tasks)
            if lost:
                lost.extend(t for ts in self._pending.values() for t in ts)  # the whole pool went down
                self._pending.clear()
                results.extend(self._repair(lost))
        return results

    def _results(self, tasks: list[Task], results: list[Any]) -> list[tuple[Task, Any]]:
        return [(t, self.on_lost(t.item, r.reason) if isinstance(r, Failed) else r) for t, r in zip(tasks, results)]

    def _poll(self, futures) -> set[Future]:
        """The futures done within POLL_SECONDS; a stuck worker is killed meanwhile."""
        finished, _ = wait(futures, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
        self._kill_overdue()
        if self.watch is not None:
            self.watch()
        return finished

    def _kill_overdue(self) -> None:
        """Kill a worker stuck on one page past the hard limit."""
        if self.hard_limit is None:
            return
        now = time.monotonic()
        for base in range(0, len(self._slots), _SLOT_SIZE):
            since, pid = self._slots[base + _SINCE], int(self._slots[base + _PID])
            if since and now - since > self.hard_limit and pid:
                self._killed[int(self._slots[base + _SERIAL])] = f"timed out: still running {self.hard_limit:g} s after it started (worker stopped)"
                _kill_children({pid})

    def _in_progress(self) -> set[int]:
        """Serials of the pages the workers were on (read after a break)."""
        return {int(self._slots[b + _SERIAL]) for b in range(0, len(self._slots), _SLOT_SIZE) if self._slots[b + _SINCE]}

    def _repair(self, lost: list[Task]) -> list[tuple[Task, Any]]:
        """The pool broke: report the pages the parent killed, run each other
        page that was in progress alone in a fresh pool, then queue the rest
        (pages no worker had started are never at fault)."""
        in_progress = self._in_progress()
        self._shutdown(kill=True)
        if self.stopping:
            return []  # the run ends: unfinished pages are simply redone next run
        killed = [t for t in lost if t.serial in self._killed]
        results = [(t, self.on_lost(t.item, self._killed.pop(t.serial))) for t in killed]
        suspects = [t for t in lost if t.serial in in_progress and t not in killed]
        rest = [t for t in lost if t.serial not in in_progress]
        self._barren_breaks += not killed
        if self._barren_breaks > MAX_BARREN_BREAKS:
            self.gave_up = f"worker processes keep dying ({MAX_BARREN_BREAKS} restarts in a row without finishing a page)"
            self.stopping = True
            return results
        self._start()
        for task in suspects:
            results.extend(self._run_alone(task))
            if self.stopping:
                return results
        for chunk in batched(rest, self.chunk_size):
            results.extend(self._submit(chunk))
        return results

    def _run_alone(self, task: Task) -> list[tuple[Task, Any]]:
        """Clean one suspect with nothing else in flight: if the pool breaks
        now, this page broke it."""
        try:
            future = self._spawning_submit([(task.serial, task.item)])
        except (BrokenProcessPool, RuntimeError):
            return self._repair([task])
        while not self._poll([future]):
            pass
        try:
            results = self._results([task], future.result())
            self._barren_breaks = 0
            return results
        except BrokenProcessPool:
            if task.serial not in self._in_progress():  # the worker died before it took the page
                return self._repair([task])
            reason = self._killed.pop(task.serial, "the worker process died while cleaning it (a crash or out of memory)")
            self._shutdown(kill=True)
            self._barren_breaks = 0  # the cause is known: this page
            if not self.stopping:
                self._start()
            return [(task, self.on_lost(task.item, reason))]

    def _shutdown(self, *, kill: bool) -> None:
        if kill:
            self.workers_lost = True
            _kill_children({int(self._slots[b + _PID]) for b in range(0, len(self._slots), _SLOT_SIZE)})
            _unblock_results(self._executor)
        self._executor.shutdown(wait=True, cancel_futures=True)

    def cancel_queued(self) -> None:
        """Drop the chunks no worker has started (their pages are redone next run)."""
        for future in [f for f in self._pending if f.cancel()]:
            del self._pending[future]

    def close(self, *, now: bool = False) -> None:
        """Let the workers exit (`now`: kill them, e.g. on a second Ctrl-C)."""
        self.stopping = True
        self._pending.clear()
        self._shutdown(kill=now)


def _unblock_results(executor: ProcessPoolExecutor) -> None:
    """After its workers are killed, let the executor's thread see it. A
    worker killed while sending its results leaves half a message in the
    result pipe, and the thread reading it waits for the rest forever (this
    process holds the pipe's writing end too), so `shutdown` never returns:
    a run stopped at once (a second Ctrl-C, `| head`) hung about once in ten
    under load. Closing this process's writing end gives the reader EOF: the
    thread takes the pool as broken and ends. (CPython's ProcessPoolExecutor
    keeps that end as `_result_queue._writer`; if it moves, nothing is done.)"""
    writer = getattr(getattr(executor, "_result_queue", None), "_writer", None)
    if writer is not None:
        with contextlib.suppress(OSError):
            writer.close()


def _kill_children(pids: set[int]) -> None:
    """SIGKILL those of our live child processes whose pid is in `pids` (a
    pid read from a slot may belong to a worker long gone, and be reused)."""
    for child in multiprocessing.active_children():
        if child.pid in pids:
            child.kill()


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Lists of up to `size` consecutive items (itertools.batched from Python 3.12)."""
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
