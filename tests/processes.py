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
            raise AssertionError(f"the process ended (exit {process.returncode}) without opening {fifo}")
        if time.monotonic() > deadline:
            raise AssertionError(f"the process did not open {fifo} within {patience:.0f} s")


def ended(process: subprocess.Popen, patience: float = PATIENCE) -> int:
    """The exit code of `process`, once it has ended."""
    try:
        return process.wait(timeout=patience)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError(f"the process was still running after {patience:.0f} s") from None
