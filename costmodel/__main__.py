"""`python -m costmodel`, and the `costmodel` command: Ctrl-C is taken before anything else loads.

Loading the command line (click, and through it much of the standard library) takes a tenth of
a second or more, and Python's own Ctrl-C would show a traceback from whatever it interrupted.
So the first thing costmodel does is take Ctrl-C itself, to stop quietly while nothing is being
written yet, and only then load the rest; the command line takes over once it can report an
interrupt properly. This module is the console script's entry point too, so that the script
loads nothing of costmodel's before it.

What remains is Python's own start-up, before this module's first line: the interpreter,
`site` (and any `.pth` files it runs), and the few imports of `-m` or of the console script.
An interrupt there is Python's to handle, with a traceback; nothing of costmodel has run.
"""

import os

try:  # the C module; the `signal` module first loads enum, a moment's more start-up
    import _signal as signal
except ImportError:  # pragma: no cover - another Python
    import signal


def _quietly(signum, frame):
    # Not sys.exit: raised inside an import, an exception can be lost or turned into another
    # (costmodel/interrupts.py, until_work); nothing has been written.
    os._exit(130)


def main() -> None:
    # Left ignored where whoever started costmodel ignored it (costmodel.interrupts.take, without its import).
    if signal.getsignal(signal.SIGINT) != signal.SIG_IGN:
        signal.signal(signal.SIGINT, _quietly)
    from .cli import main as command_line

    try:
        command_line()
    except SystemExit as ending:
        if not ending.code:
            # A command done (exit 0): Python's ending frees every module, class and function one cycle at
            # a time, a collection of everything costmodel and its libraries loaded, 50 to 70 ms for memory
            # the operating system takes back at once. Frozen, the collector leaves them be; the rest of the
            # ending is as it was: output flushed, exit handlers run (weakref.finalize's among them), exit 0.
            # Every file a command writes is closed before it returns, and every second process it started
            # has ended. After a failure or an interrupt, the ending is Python's own, finalisers and all
            # (background.Pending stops a second process a Ctrl-C left behind).
            import gc

            gc.freeze()
        raise


if __name__ == "__main__":
    main()
