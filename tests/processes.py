"""For tests that start, interrupt or kill costmodel processes: waiting on events, never on time.

A test that sleeps for "long enough" fails by chance on a loaded machine. These wait for
something to happen instead: a process opening its scenario (a named pipe's reader arriving),
a line on a pipe, a process ending. Each wait has a generous bound, there only so that a
broken run fails with a message saying what never happened, rather than hanging the suite.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

#: Longer than anything here takes on the slowest, busiest machine: a bound for a broken run, not a wait.
PATIENCE = 120.0


@contextmanager
def interrupts_heard():
    """Ctrl-C reaches this process and the processes it starts, as it does from a terminal.

    A shell starting the suite in the background (`pytest &` in a script, or a CI step run
    beside another) starts it with SIGINT ignored, and every process started from it inherits
    that; costmodel, like any Unix program, then leaves it ignored. A test of what an interrupt
    does would send one that nobody hears. With Python's own handler here, a process started
    from here begins with the default (exec resets a handler, but keeps an "ignore").
    """
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def opened_by_reader(fifo: Path, process: subprocess.Popen, patience: float = PATIENCE) -> int:
    """A descriptor writing to the named pipe `fifo`, once `process` has opened it to read.

    Opening a pipe's writing end without waiting fails (ENXIO) until it has a reader, so each
    try either finds the process reading its input or waits for the process to end, which it
    would do only if it failed before reading.
    """
    descriptor = reading_or_ended(fifo, process, patience)
    if descriptor is None:
        raise AssertionError(f"the process ended (exit {process.returncode}) without opening {fifo}")
    return descriptor


def reading_or_ended(fifo: Path, process: subprocess.Popen, patience: float = PATIENCE) -> int | None:
    """Whichever comes first: `process` opening the named pipe `fifo` to read (a descriptor writing
    to it), or ending (None)."""
    deadline = time.monotonic() + patience
    while True:
        try:
            descriptor = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO:
                raise
        else:
            os.set_blocking(descriptor, True)
            return descriptor
        try:
            process.wait(timeout=0.02)
        except subprocess.TimeoutExpired:
            pass
        else:
            return None
        if time.monotonic() > deadline:
            raise AssertionError(f"the process did not open {fifo} within {patience:.0f} s")


def ended(process: subprocess.Popen, patience: float = PATIENCE) -> int:
    """The exit code of `process`, once it has ended."""
    try:
        return process.wait(timeout=patience)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError(f"the process was still running after {patience:.0f} s") from None


# --------------------------------------------------------------------------- processes that are no children of ours

#: prctl(2) option: orphans of this process's descendants pass to it, not to init.
_PR_SET_CHILD_SUBREAPER = 36


@contextmanager
def adopting_orphans():
    """While in force, a process whose parent dies passes to this one (Linux's "child subreaper"),
    so a test that kills costmodel outright can wait for costmodel's own children and collect
    them, as it can its own. (Passed to init instead, they could only be looked for, and where
    init collects nobody, as in some containers, they would stay as zombies.)"""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) refused")
    try:
        yield
    finally:
        libc.prctl(_PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent, session) of a process, from /proc; None once it has gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2:].split()  # after "pid (name) "
    return fields[0], int(fields[1]), int(fields[3])


def _processes() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def children_of(parent: int) -> list[int]:
    return sorted(pid for pid in _processes() if (_stat(pid) or ("", 0, 0))[1] == parent)


def running_in_session(session: int) -> list[int]:
    """The processes of a session (as `start_new_session=True` makes) that have not ended."""
    return sorted(pid for pid in _processes() if (stat := _stat(pid)) and stat[2] == session and stat[0] != "Z")


def watch(pids: list[int]) -> dict[int, int]:
    """A descriptor for each process (pidfd), readable once it ends; open them while the processes
    are known to be the ones meant (before they can end and their numbers be reused)."""
    return {pid: os.pidfd_open(pid) for pid in pids}


def all_ended(watched: dict[int, int], what: str, patience: float = PATIENCE) -> dict[int, int]:
    """Wait until every watched process, each a child of this process (or adopted by it), has
    ended; collect each and give its wait status. A process still running after `patience` is
    killed and collected, and the wait fails, naming `what` it was."""
    import select

    deadline = time.monotonic() + patience
    waiting = dict(watched)
    statuses = {}
    try:
        while waiting:
            left = deadline - time.monotonic()
            ready = select.select(list(waiting.values()), [], [], max(left, 0))[0] if left > 0 else []
            if not ready:
                for pid, descriptor in waiting.items():
                    signal.pidfd_send_signal(descriptor, signal.SIGKILL)
                    os.waitpid(pid, 0)
                raise AssertionError(f"{what} (process {', '.join(map(str, sorted(waiting)))}) was still running "
                                     f"{patience:.0f} s later")
            for pid, descriptor in list(waiting.items()):
                if descriptor in ready:
                    statuses[pid] = os.waitpid(pid, 0)[1]
                    del waiting[pid]
    finally:
        for descriptor in watched.values():
            os.close(descriptor)
    return statuses
