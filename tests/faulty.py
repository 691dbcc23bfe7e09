"""A Cleaner that misbehaves on purpose, for the fault tests: a page holding
one of the markers below crashes, hangs or gets stuck in its worker. It
lives in its own module so that spawned worker processes can import it."""

import os
import signal
import time

from cleaner import Cleaner

CRASH = "@@crash-the-worker@@"  # the process dies at once, like a segfault or the OOM killer
HANG = "@@hang-in-python@@"  # a long loop in Python code: the page alarm can end it
STUCK = "@@stuck-in-c@@"  # stuck where the alarm cannot reach (alarm blocked, like a long C call)


class FaultyCleaner(Cleaner):
    def __reduce__(self):
        return (FaultyCleaner, (self.rules_dirs,))

    def run(self, page, **kwargs):
        data = page.data or ""
        text = data if isinstance(data, str) else data.decode("utf-8", "replace")
        if CRASH in text:
            os._exit(70)
        if HANG in text:
            time.sleep(600)
        if STUCK in text:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(600)
        return super().run(page, **kwargs)


def square_but_not_three(n: int) -> int:
    """A pool work function that raises on one item (work should not raise; the pool copes)."""
    if n == 3:
        raise ValueError("three")
    return n * n
