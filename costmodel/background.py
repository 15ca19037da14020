"""Work done in a second process while this one goes on: the workbook's simulation beside its writing.

`costmodel run` spends a third of its time on the Risk sheet's 10,000-draw simulation, which
needs nothing from the rest of the workbook. Where the machine has a second processor free,
the simulation runs in a forked copy of this process while this one writes the other sheets,
and its result comes back through a pipe. The arithmetic is the same either way, so the
workbook is the same to the byte; only the time it takes changes.

A copy is made only where that is safe and worth it: on Linux (where fork is the platform's
own way, and the copy starts with everything loaded), with more than one processor to run
on, with no other Python thread running (a copy of a process holds only the thread that
made it), and not inside a batch's worker (`costmodel run --jobs`), whose batch keeps the
processors busy already. Anything that goes wrong in the copy, however it ends, means the
work is done here instead, as if no copy had been made.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import warnings
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

#: Switched off in a batch's workers, whose batch uses the processors already.
enabled = True


def worth_a_second_process() -> bool:
    if not enabled or not sys.platform.startswith("linux") or threading.active_count() > 1:
        return False
    return len(os.sched_getaffinity(0)) > 1


class Pending(Generic[T]):
    """`work` under way, in a forked process where that helps; `result()` gives its value."""

    def __init__(self, work: Callable[[], T]):
        self.work = work
        self.pid: int | None = None
        self._pipe: int | None = None
        if worth_a_second_process():
            self._start()

    def _start(self) -> None:
        read, write = os.pipe()
        try:
            with warnings.catch_warnings():
                # Python 3.12 and later warn about forking beside native threads (numpy's BLAS pool);
                # the copy only does numpy arithmetic on its own arrays and leaves through _exit.
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:  # no memory or process slots for a copy: do the work here
            os.close(read)
            os.close(write)
            return
        if pid == 0:
            self._child(read, write)
        os.close(write)
        self.pid, self._pipe = pid, read

    def _child(self, read: int, write: int) -> None:
        """In the copy: do the work, send its result, and leave without running anything of the parent's."""
        status = 1
        try:
            os.close(read)
            data = pickle.dumps(self.work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            # Whatever happened (an error, an interrupt), nothing of the parent's may run here: no
            # exception handler, no exit handler, no clean-up of its temporary files, and no flushing
            # of output it had buffered, which the parent writes itself.
            os._exit(status)

    def result(self) -> T:
        if self.pid is None:
            return self.work()
        pipe, self._pipe = os.fdopen(self._pipe, "rb"), None  # the file object closes it now
        with pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if status == 0 and data:
            return pickle.loads(data)
        return self.work()  # the copy failed or was killed: the same work, here

    def cancel(self) -> None:
        """Stop the copy if the result is no longer wanted (the caller failed before asking for it)."""
        if self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass  # gone already
        if self._pipe is not None:
            os.close(self._pipe)
        self.pid = self._pipe = None
