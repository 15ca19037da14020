import signal
import sys

from .interrupts import take

# Ctrl-C while Python is still loading costmodel: stop quietly (nothing is being written yet).
take(signal.SIGINT, lambda signum, frame: sys.exit(130))

from .cli import main  # noqa: E402

main()
