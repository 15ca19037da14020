"""An interrupt that strikes where Python cannot pass an exception on still stops costmodel.

Python runs a signal's handler between any two steps of the program, also inside a weak
reference's callback or a `__del__` (an import's clean-up is one, and happens at any moment
of a run). An exception raised there is printed as "Exception ignored", with a traceback, and
lost, and the command would go on as if never interrupted. costmodel sends such an interrupt
again just after (costmodel/interrupts.py); these tests make the interrupt strike in exactly
such a place, every time, and check that the process then stops as it should, quietly.
"""

import signal
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT
from processes import PATIENCE, ended, interrupts_heard

#: The moment is made certain: the signal is raised inside the callback itself, so its handler
#: runs there. Had it been lost, the process would wait out its patience and say so.
STRUCK_IN = {
    "a weak reference's callback": """
        class Thing:
            pass
        thing = Thing()
        keep = weakref.ref(thing, lambda _: signal.raise_signal(SIGNUM))
        del thing
    """,
    "a __del__": """
        class Thing:
            def __del__(self):
                signal.raise_signal(SIGNUM)
        thing = Thing()
        del thing
    """,
}

SCRIPT = """
import signal, sys, threading, weakref
from costmodel.interrupts import at_work, until_work

SIGNUM = signal.{name}
until_work()
at_work()  # as when a workbook is staged: from here an interrupt unwinds
try:
{struck}
    threading.Event().wait({patience})
    sys.exit("the interrupt was lost: the program went on")
except KeyboardInterrupt:
    sys.exit(130)  # what costmodel's command line answers to Ctrl-C
"""


@pytest.mark.parametrize("where", STRUCK_IN)
@pytest.mark.parametrize("how, code", [(signal.SIGINT, 130), (signal.SIGTERM, 128 + signal.SIGTERM)],
                         ids=["SIGINT", "SIGTERM"])
def test_an_interrupt_lost_in_a_callback_is_raised_again_and_stops_the_command(how, code, where):
    script = SCRIPT.format(name=how.name, struck=textwrap.indent(textwrap.dedent(STRUCK_IN[where]), "    "),
                           patience=PATIENCE)
    with interrupts_heard():
        process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stderr=subprocess.PIPE)
        returned = ended(process)
    stderr = process.stderr.read().decode()
    assert "Exception ignored" not in stderr and "Traceback" not in stderr, stderr
    assert returned == code, stderr


def test_an_exception_of_another_kind_lost_in_a_callback_is_still_reported_as_python_reports_it():
    # Only our own interrupts are raised again; any other lost exception is a fault to be seen.
    script = textwrap.dedent("""
        import weakref
        from costmodel.interrupts import at_work, until_work
        until_work()
        at_work()
        class Thing:
            pass
        def callback(_):
            raise ValueError("a fault in a callback")
        thing = Thing()
        keep = weakref.ref(thing, callback)
        del thing
        print("went on")
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=PATIENCE)
    assert "ValueError: a fault in a callback" in done.stderr
    assert done.stdout == "went on\n" and done.returncode == 0
