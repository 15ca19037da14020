"""Ctrl-C while costmodel is still starting: a quiet stop, never a traceback from costmodel's code.

costmodel/__main__.py, the first of costmodel to run for `python -m costmodel` and for the
`costmodel` command alike, takes Ctrl-C before anything else loads. Before its first line is
Python's own start-up (the interpreter, `site` and the `.pth` files of the installation, the
console script's own imports), where Ctrl-C is Python's to handle: the one traceback these
tests allow is one from there, in which no line of costmodel appears.
"""

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import ROOT, SCENARIOS
from processes import PATIENCE, interrupts_heard, opened_by_reader, reading_or_ended

IOW = SCENARIOS / "isle-of-wight-2017.yaml"
COMMANDS = {
    "python -m costmodel": [sys.executable, "-m", "costmodel"],
    # As installed: its script imports what its entry point names (pyproject.toml), before anything else.
    "the costmodel command": [str(Path(sys.executable).with_name("costmodel"))],
}
#: Tries at the earliest moment a test can know of the process, right after it is started...
EARLIEST = 8
#: ... and then at moments spread over the start-up, closer together early on, where it loads most.
SPREAD = 24


def outcome(returncode: int, stderr: bytes, read_on: bool = False) -> str:
    """How one interrupted start ended, in words; anything but those the test allows fails it. `read_on`:
    the process opened its scenario after the interrupt (and was then given an empty one)."""
    frames = re.findall(r'File "([^"]+)"', stderr.decode(errors="replace"))
    in_costmodel = any(Path(frame).is_relative_to(ROOT / "costmodel") for frame in frames)
    if read_on and returncode != 130:
        # Not stopped: allowed only where Python's start-up took the interrupt and said so, going on
        # (site.py reports an error in a .pth file and carries on without the rest of it), so that
        # costmodel never saw it and read its scenario, finding it empty.
        if b"KeyboardInterrupt" in stderr and not in_costmodel and returncode == 1:
            return "lost by Python in its own start-up"
        return f"went on after an interrupt; exit {returncode}:\n{stderr.decode(errors='replace')}"
    if returncode == -signal.SIGINT and not stderr:
        return "stopped before Python took Ctrl-C"
    # Python itself ends by SIGINT, once costmodel has said so, where the interrupt passed through code
    # run by a C extension while it loaded (pandas): a shell shows exit 130 for either.
    if b"Traceback" not in stderr and (returncode == 130 or returncode == -signal.SIGINT and
                                       stderr.strip() == b"interrupted; no output was changed"):
        return "stopped by costmodel"
    if b"KeyboardInterrupt" in stderr and not in_costmodel:
        return "stopped by Python, in its own start-up"
    # Ctrl-C while the interpreter is still setting up its own standard streams ends it with a
    # "Fatal Python error" naming a runtime state short of "initialized": no program has run yet.
    if re.search(rb"^Python runtime state: (?!initialized$)", stderr, re.MULTILINE) and not in_costmodel:
        return "stopped by Python, in its own start-up"
    return f"exit {returncode}:\n{stderr.decode(errors='replace')}"


@pytest.mark.skipif(not Path(COMMANDS["the costmodel command"][0]).exists(), reason="costmodel is not installed")
@pytest.mark.parametrize("how", COMMANDS)
def test_ctrl_c_while_costmodel_starts_stops_it_without_a_traceback_from_costmodel(tmp_path, how):
    # The scenario is a named pipe that nobody writes to: a started costmodel waits there, with
    # its own handlers long in place, so every run ends by the interrupt, and writes nothing.
    fifo = tmp_path / IOW.name
    os.mkfifo(fifo)
    command = COMMANDS[how] + ["run", str(fifo), "-o", str(tmp_path / "book.xlsx")]
    with interrupts_heard():
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        descriptor = opened_by_reader(fifo, process)
        start_up = time.monotonic() - started
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=PATIENCE)
        os.close(descriptor)
        assert (process.returncode, stderr.strip()) == (130, b"interrupted; no output was changed")
        # That run, synchronised on the pipe, reached costmodel's own handling by construction; the
        # others below land wherever the machine's load puts them, and each must end in an allowed way.
        outcomes = Counter({outcome(process.returncode, stderr): 1})
        for n in range(EARLIEST + SPREAD):
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if n >= EARLIEST:
                # Not a wait for anything: it only spreads the moments of the interrupt over the start-up,
                # and what is asserted below holds whichever moment it lands at.
                time.sleep(start_up * ((n - EARLIEST + 1) / SPREAD) ** 2)
            process.send_signal(signal.SIGINT)
            # Ended, or opening its scenario: an interrupt taken as it opened the pipe (it ends as soon as the
            # opening returns), or one Python's own start-up took and went on from. The pipe is closed at
            # once, empty, so that either way the process ends, and says which.
            descriptor = reading_or_ended(fifo, process)
            if descriptor is not None:
                os.close(descriptor)
            _, stderr = process.communicate(timeout=PATIENCE)
            outcomes[outcome(process.returncode, stderr, read_on=descriptor is not None)] += 1
    allowed = {"stopped before Python took Ctrl-C", "stopped by costmodel", "stopped by Python, in its own start-up",
               "lost by Python in its own start-up"}
    assert set(outcomes) <= allowed, outcomes
    assert outcomes["stopped by costmodel"], outcomes


#: What Python printed where Ctrl-C struck while site.py ran an editable install's .pth file (seen on a
#: loaded machine): it reports the error, ignores the rest of the file and goes on to run the program,
#: which here waited for ever on its scenario's pipe.
SITE_WENT_ON = b"""Error processing line 1 of /venv/lib/python3.11/site-packages/__editable__.costmodel-0.1.0.pth:

  Traceback (most recent call last):
    File "/usr/lib/python3.11/functools.py", line 972, in __set_name__
      def __set_name__(self, owner, name):
  KeyboardInterrupt

  The above exception was the direct cause of the following exception:

  RuntimeError: Error calling __set_name__ on '_lru_cache_wrapper' instance

Remainder of file ignored
interrupted; no output was changed
"""


def test_a_start_that_went_on_after_an_interrupt_passes_only_where_python_lost_it():
    empty = b"/tmp/isle-of-wight-2017.yaml:1: the file is empty\n"  # as costmodel says it
    lost = SITE_WENT_ON.replace(b"interrupted; no output was changed\n", empty)
    assert outcome(1, lost, read_on=True) == "lost by Python in its own start-up"
    # costmodel itself going on after an interrupt is a fault, however quietly it ends.
    assert outcome(1, empty, read_on=True).startswith("went on")
    # An interrupt taken as the pipe was opened stops costmodel as any other does.
    assert outcome(130, b"interrupted; no output was changed\n", read_on=True) == "stopped by costmodel"
    # Without going on, Python's printout is its start-up stopping the program: allowed as it was.
    assert outcome(-signal.SIGINT, SITE_WENT_ON.rsplit(b"interrupted", 1)[0]) == "stopped by Python, in its own start-up"


#: Ctrl-C arriving where Python runs code for the interpreter, not the program: inside a class's
#: `__set_name__` (as while `platform` is imported) an exception the handler raises becomes a
#: RuntimeError; inside a weak reference's callback (as in importlib's module locks) it is printed
#: as "ignored" and lost, and the command went on to wait for ever on its scenario's pipe.
WHERE_PYTHON_RUNS_IT = {
    "in __set_name__": """
import signal
class Descriptor:
    def __set_name__(self, owner, name):
        signal.raise_signal(signal.SIGINT)
class Owner:
    attribute = Descriptor()
""",
    "in a weak reference's callback": """
import signal, weakref
class Thing:
    pass
thing = Thing()
reference = weakref.ref(thing, lambda gone: signal.raise_signal(signal.SIGINT))
del thing
""",
}


@pytest.mark.parametrize("where", WHERE_PYTHON_RUNS_IT)
def test_an_interrupt_before_any_output_ends_costmodel_wherever_python_is_running(where):
    # The handler costmodel's command line holds until it begins an output (interrupts.until_work):
    # it ends the process there and then, so where Python runs it cannot lose or change it.
    script = ("from costmodel.interrupts import until_work\nuntil_work()\n" + WHERE_PYTHON_RUNS_IT[where]
              + "print('went on after the interrupt')\n")
    finished = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=PATIENCE)
    assert (finished.returncode, finished.stdout, finished.stderr) == (
        130, b"", b"interrupted; no output was changed\n")


def test_an_interrupt_once_an_output_is_begun_unwinds_so_it_is_cleaned_up():
    # Staging an output switches to KeyboardInterrupt, which runs every `finally` on its way out.
    script = ("import signal\nfrom costmodel.interrupts import until_work, at_work\nuntil_work()\nat_work()\n"
              "try:\n    signal.raise_signal(signal.SIGINT)\nexcept KeyboardInterrupt:\n    print('unwound')\n")
    finished = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=PATIENCE)
    assert (finished.returncode, finished.stdout) == (0, b"unwound\n")


def test_a_program_using_costmodel_keeps_its_own_handlers():
    # at_work switches only from until_work's handler: a program's own is left alone.
    script = ("import signal\nfrom costmodel.interrupts import at_work\nmine = lambda s, f: None\n"
              "signal.signal(signal.SIGINT, mine)\nat_work()\nprint(signal.getsignal(signal.SIGINT) is mine)\n")
    finished = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=PATIENCE)
    assert finished.stdout == b"True\n"


#: What CPython 3.11 printed on this project's CI when Ctrl-C reached it while it set up sys.stdin.
FATAL_IN_PYTHON_START_UP = b"""Fatal Python error: init_sys_streams: can't initialize sys standard streams
Python runtime state: core initialized
Traceback (most recent call last):
  File "<frozen importlib._bootstrap>", line 980, in exec_module
  File "<frozen io>", line 111, in <module>
TypeError: expected a message argument
"""


def test_a_fatal_error_in_pythons_own_start_up_is_told_apart_from_one_in_costmodel():
    assert outcome(1, FATAL_IN_PYTHON_START_UP) == "stopped by Python, in its own start-up"
    # Once the runtime is initialized, a program may have run: the same text is then a failure...
    assert outcome(1, FATAL_IN_PYTHON_START_UP.replace(b"core initialized", b"initialized")).startswith("exit 1")
    # ... and so is any traceback that passes through costmodel's own code.
    in_costmodel = FATAL_IN_PYTHON_START_UP.replace(b"<frozen io>", str(ROOT / "costmodel" / "cli.py").encode())
    assert outcome(1, in_costmodel).startswith("exit 1")
