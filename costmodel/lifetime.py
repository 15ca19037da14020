"""A process costmodel starts ends when costmodel does, however costmodel ends.

A batch's workers (`costmodel run --jobs`) and the workbook's second process (background.py)
are forked copies of costmodel. Stopped politely, costmodel stops them itself; killed outright
(`kill -9`, the out-of-memory killer) it can do nothing, and they would go on: workers taking
the batch's next files and writing their workbooks for a command that has ended, then waiting
for ever on a queue nobody fills; a copy computing a simulation nobody will read. On Linux the
kernel can send a process a signal when the process that started it ends (prctl's
PR_SET_PDEATHSIG), and this asks for it. Elsewhere nothing is asked for, and such a process
ends only when it finds its work gone.
"""

from __future__ import annotations

import os
import sys

#: prctl(2) option: the signal this process gets when the thread that started it ends.
_PR_SET_PDEATHSIG = 1


def end_with_parent(parent: int, signum: int) -> bool:
    """Have `signum` sent to this process when `parent` ends; False if it has ended already.

    Call it first thing in a process forked by `parent`'s main thread (the signal comes when
    the thread that forked ends, and costmodel forks only from its main thread). The parent
    may have ended before the request was made, when no signal will come: the caller must
    then stop at once, as the signal would have stopped it.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        # Refused (by a sandbox that forbids prctl), it is as elsewhere: nothing was asked for.
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)
    # Asked for after the parent ended, nothing will come; but a process whose parent has ended
    # has been handed to another (init, or a subreaper), so its parent's number is no longer this.
    return os.getppid() == parent
