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

    command_line()


if __name__ == "__main__":
    main()
