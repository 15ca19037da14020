"""Work done in a second process while this one goes on: the workbook's simulation beside its writing.

`costmodel run` spends a third of its time on the Risk sheet's 10,000-draw simulation, which
needs nothing from the rest of the workbook. Where the machine has a second processor free,
the simulation runs in a forked copy of this process while this one writes the other sheets,
and its result comes back through a pipe. The arithmetic is the same either way, so the
workbook is the same to the byte; only the time it takes changes.

A copy is made only where that is safe and worth it: on Linux (where fork is the platform's
own way, and the copy starts with everything loaded), with more than one processor to run
on, with no other Python thread running (a copy of a process holds only the thread that
made it), with finished children left for us to collect (SIGCHLD neither ignored nor handled
elsewhere, so the copy's number cannot be reused before we are done with it), and not inside a batch's
worker (`costmodel run --jobs`), whose batch keeps the processors busy already. Anything
that goes wrong in the copy, however it ends, means the work is done here instead, as if no
copy had been made.

Interrupts (Ctrl-C, SIGTERM) are held back while the copy is made, so that neither process
is interrupted half-way: the copy takes the default action for them (it simply stops), and
this process meets them only once it holds the copy's number and pipe, to stop it. Should this
process be killed outright (kill -9), which it cannot answer, the copy is killed as it ends
(costmodel/lifetime.py).
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from .interrupts import INTERRUPTS, at_work, take
from .lifetime import end_with_parent

T = TypeVar("T")

#: Switched off in a batch's workers, whose batch uses the processors already.
enabled = True

#: The copy sends the length of its result first, so a result cut short is known for one.
_LENGTH = struct.Struct("<Q")


@contextmanager
def _interrupts_held() -> Iterator:
    """Hold Ctrl-C and SIGTERM back for a step that must not stop half-way; one that came
    meanwhile is raised as the step ends."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
    try:
        yield held
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def worth_a_second_process() -> bool:
    if not enabled or not sys.platform.startswith("linux") or threading.active_count() > 1:
        return False
    if threading.current_thread() is not threading.main_thread():
        return False  # only the main thread may change signal handling
    if signal.getsignal(signal.SIGCHLD) != signal.SIG_DFL:
        # Ignored or handled elsewhere: the copy could be collected, and its number reused, behind our back.
        return False
    return len(os.sched_getaffinity(0)) > 1


class Pending(Generic[T]):
    """`work` under way, in a forked process where that helps; `result()` gives its value.

    Call `cancel()` when done (in a `finally`): it stops a copy whose result was never asked for.
    """

    def __init__(self, work: Callable[[], T]):
        self.work = work
        self.pid: int | None = None
        self._pipe: int | None = None
        self._parent = os.getpid()
        if worth_a_second_process():
            self._start()

    def _start(self) -> None:
        at_work()  # a second process from here on: an interrupt must unwind, to stop it
        try:
            with _interrupts_held() as held:
                read, write = os.pipe()
                try:
                    with warnings.catch_warnings():
                        # Python 3.12 and later warn about forking beside native threads (numpy's
                        # BLAS pool); the copy only does numpy arithmetic on its own arrays.
                        warnings.simplefilter("ignore", DeprecationWarning)
                        pid = os.fork()
                        if pid == 0:
                            self._child(read, write, held)  # never returns
                except OSError:  # no memory or process slots for a copy: do the work here
                    os.close(read)
                    os.close(write)
                    return
                os.close(write)
                self.pid, self._pipe = pid, read
        except BaseException:
            self.cancel()  # an interrupt came while the copy was made: stop it
            raise

    def _child(self, read: int, write: int, held) -> None:
        """In the copy: do the work, send its result, and leave without running anything of the parent's."""
        status = 1
        try:
            # Killed outright, the parent cannot stop its copy: the copy is killed as the parent ends
            # (it holds nothing to clean up), and does nothing if the parent ended as it was made.
            if not end_with_parent(self._parent, signal.SIGKILL):
                return
            # An interrupt stops the copy outright, running nothing; the parent handles it for both.
            # One the parent ignores (started in the background), the copy ignores too.
            for number in INTERRUPTS:
                take(number, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            os.close(read)
            data = pickle.dumps(self.work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(_LENGTH.pack(len(data)))
                pipe.write(data)
            status = 0
        finally:
            # Whatever happened, nothing of the parent's may run here: no exception handler, no
            # exit handler, no clean-up of its temporary files, and no flushing of output it had
            # buffered, which the parent writes itself.
            os._exit(status)

    def result(self) -> T:
        if self.pid is None:
            return self.work()
        chunks = []
        while chunk := os.read(self._pipe, 1 << 20):
            chunks.append(chunk)
        with _interrupts_held():
            self._collect()
        data = b"".join(chunks)
        if len(data) >= _LENGTH.size and _LENGTH.unpack_from(data)[0] == len(data) - _LENGTH.size:
            return pickle.loads(data[_LENGTH.size:])
        return self.work()  # the copy failed or was stopped: the same work, here

    def cancel(self) -> None:
        """Stop the copy if its result was not taken (the caller failed, or was interrupted, first)."""
        with _interrupts_held():  # a second Ctrl-C must not leave the copy half stopped
            if self.pid is not None:
                try:
                    # Safe from reuse: the copy's number stays ours until _collect waits for it.
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self._collect()

    def __del__(self) -> None:
        # Dropped without cancel(): an interrupt struck between its making and the caller's `try`.
        if self.pid is not None and os.getpid() == self._parent:  # never from inside a copy
            try:
                self.cancel()
            except BaseException:  # noqa: BLE001 - a second interrupt here could only be printed and lost
                pass

    def _collect(self) -> None:
        """Close the pipe and wait for the copy to end, once."""
        pipe, self._pipe = self._pipe, None
        if pipe is not None:
            os.close(pipe)
        pid, self.pid = self.pid, None
        if pid is not None:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass  # collected already
