"""How costmodel takes Ctrl-C and a polite kill: as Unix programs do, honouring an inherited "ignore".

A shell that starts a command in the background without job control (`costmodel run a.yaml &`
in a script, a CI step run beside another) starts it with Ctrl-C ignored, so that a Ctrl-C
meant for the command in the foreground does not stop it too. Python leaves such a signal
ignored, and so does costmodel: it takes a signal only where whoever started it has not said
to ignore it. Only the standard library here, so `python -m costmodel` can use it before
anything else is loaded.
"""

from __future__ import annotations

import signal

INTERRUPTS = (signal.SIGINT, signal.SIGTERM)


def take(signum: int, handler) -> None:
    """Handle `signum` with `handler`, unless this process was started with it ignored."""
    if signal.getsignal(signum) != signal.SIG_IGN:
        signal.signal(signum, handler)


def hold() -> None:
    """From now on, interrupts wait (for ever, if the process ends first): for the last steps of a
    command whose outcome is decided, which an interrupt could only garble, never undo."""
    if hasattr(signal, "pthread_sigmask"):  # not on Windows, where nothing blocks them
        signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
