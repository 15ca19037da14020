"""A process costmodel forks ends when costmodel ends, even when costmodel is killed outright.

costmodel/lifetime.py asks Linux for a signal when the parent ends. The parent may end before
the child has asked, when no signal will ever come: the child is then told so, to stop itself.
Each case here is set up by events (a pipe closing as a process ends), not by timing.
"""

import os
import signal
import subprocess
import sys

import pytest

from conftest import ROOT
from processes import adopting_orphans, all_ended, watch

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the kernel says when a parent ends on Linux only")

#: A parent forks a child that asks to be killed when the parent ends, at the moment the test names.
SCRIPT = """
import os, signal, sys
from costmodel.lifetime import end_with_parent
parent = os.getpid()
gone, going = os.pipe()      # end of file at `gone` once the parent has ended
asked, ask = os.pipe()       # a byte at `asked` once the child has asked
never, _ = os.pipe()
if os.fork() == 0:
    os.close(going)
    os.close(asked)
    if sys.argv[1] == "after the parent ended":
        os.read(gone, 1)
    told = end_with_parent(parent, signal.SIGKILL)
    print(os.getpid(), told, flush=True)
    if not told:
        os._exit(3)          # no signal will come: it stops by itself
    os.write(ask, b"!")
    os.read(never, 1)        # never returns: nothing is written there
os.close(ask)
if sys.argv[1] == "while the parent runs":
    os.read(asked, 1)
os._exit(0)                  # the parent ends, closing `going`
"""


@pytest.mark.parametrize("moment", ["while the parent runs", "after the parent ended"])
def test_a_child_is_killed_as_its_parent_ends_or_told_that_it_has_ended(moment):
    with adopting_orphans():  # the orphaned child passes to this process, to be waited for and collected
        parent = subprocess.Popen([sys.executable, "-c", SCRIPT, moment], cwd=ROOT, stdout=subprocess.PIPE)
        with parent.stdout:
            pid, told = parent.stdout.readline().split()
            child = watch([int(pid)])
            parent.wait()
            (status,) = all_ended(child, "the child of the ended parent").values()
    if moment == "while the parent runs":
        assert (told, os.waitstatus_to_exitcode(status)) == (b"True", -signal.SIGKILL)  # killed as the parent ended
    else:
        assert (told, os.waitstatus_to_exitcode(status)) == (b"False", 3)
