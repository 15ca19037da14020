"""How costmodel takes Ctrl-C and a polite kill: as Unix programs do, honouring an inherited "ignore".

A shell that starts a command in the background without job control (`costmodel run a.yaml &`
in a script, a CI step run beside another) starts it with Ctrl-C ignored, so that a Ctrl-C
meant for the command in the foreground does not stop it too. Python leaves such a signal
ignored, and so does costmodel: it takes a signal only where whoever started it has not said
to ignore it. Only the standard library here, so `python -m costmodel` can use it before
anything else is loaded.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

INTERRUPTS = (signal.SIGINT, signal.SIGTERM)

#: What Ctrl-C says before any output has been begun.
NOTHING_CHANGED = "interrupted; no output was changed"


def take(signum: int, handler) -> None:
    """Handle `signum` with `handler`, unless this process was started with it ignored."""
    if signal.getsignal(signum) != signal.SIG_IGN:
        signal.signal(signum, handler)


def until_work() -> None:
    """Until work that leaves something to clean up begins, an interrupt ends costmodel at once.

    Python runs a signal's handler between any two steps of the program, also inside an import's
    clean-up callback or a class's `__set_name__`, where an exception it raises is printed as
    "ignored" and lost (the command then goes on, and waits for ever on a pipe nobody writes) or
    turned into another. While costmodel loads and reads, it has written nothing, so it need not
    unwind: it ends there and then, saying so for Ctrl-C.
    """
    for signum in INTERRUPTS:
        take(signum, _at_once)


def at_work() -> None:
    """Work that leaves something to clean up begins (a temporary file, a second process): from
    now on an interrupt unwinds, so the clean-up runs. Only where `until_work` is in force (the
    command line), so a program using costmodel as a library keeps its own handlers."""
    if threading.current_thread() is not threading.main_thread():
        return
    ours = False
    if signal.getsignal(signal.SIGINT) is _at_once:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        ours = True
    if signal.getsignal(signal.SIGTERM) is _at_once:
        signal.signal(signal.SIGTERM, _terminated)
        ours = True
    if ours and hasattr(signal, "setitimer"):
        sys.unraisablehook = _lost_interrupt_raised_again


def _at_once(signum, frame) -> None:
    if signum == signal.SIGINT:
        os.write(2, (NOTHING_CHANGED + "\n").encode())
    os._exit(128 + signum)


def _terminated(signum, frame) -> None:
    # A polite kill becomes a clean exit, so partly written outputs are cleaned up on the way out.
    raise SystemExit(128 + signum)


def _interrupt_raised_as(exception: BaseException | None) -> int | None:
    """The interrupt `exception` was raised for by a handler of ours, if it was."""
    if isinstance(exception, KeyboardInterrupt):
        return signal.SIGINT
    if isinstance(exception, SystemExit) and exception.code == 128 + signal.SIGTERM:
        return signal.SIGTERM
    return None


def _lost_interrupt_raised_again(unraisable) -> None:
    """An interrupt raised where Python cannot pass an exception on is raised again, just after.

    A handler's exception raised inside a weak reference's callback, a `__del__` or the garbage
    collector (an import's clean-up is one) cannot reach the code that would unwind: Python
    prints it as "Exception ignored", with a traceback, and the command goes on as if never
    interrupted. So the interrupt is sent again a moment later, by a timer, by when that callback
    has returned; should it land in another such place, it is sent again from there. The signal
    is sent, not the exception raised, so one that is held for the last steps (`hold`) waits as
    any other does. Anything else lost this way is reported as Python reports it.
    """
    signum = _interrupt_raised_as(unraisable.exc_value)
    if signum is None or threading.current_thread() is not threading.main_thread():
        sys.__unraisablehook__(unraisable)
        return
    signal.signal(signal.SIGALRM, lambda *_: signal.raise_signal(signum))
    signal.setitimer(signal.ITIMER_REAL, _AGAIN_AFTER)


#: Seconds until a lost interrupt is sent again: long enough for a callback to return.
_AGAIN_AFTER = 0.001


def hold() -> None:
    """From now on, interrupts wait (for ever, if the process ends first): for the last steps of a
    command whose outcome is decided, which an interrupt could only garble, never undo."""
    if hasattr(signal, "pthread_sigmask"):  # not on Windows, where nothing blocks them
        signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
