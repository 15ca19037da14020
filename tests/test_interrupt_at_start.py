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
from processes import PATIENCE, interrupts_heard, opened_by_reader

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


def outcome(returncode: int, stderr: bytes) -> str:
    """How one interrupted start ended, in words; anything but these three fails the test."""
    if returncode == -signal.SIGINT and not stderr:
        return "stopped before Python took Ctrl-C"
    # Python itself ends by SIGINT, once costmodel has said so, where the interrupt passed through code
    # run by a C extension while it loaded (pandas): a shell shows exit 130 for either.
    if b"Traceback" not in stderr and (returncode == 130 or returncode == -signal.SIGINT and
                                       stderr.strip() == b"interrupted; no output was changed"):
        return "stopped by costmodel"
    frames = re.findall(r'File "([^"]+)"', stderr.decode(errors="replace"))
    if b"KeyboardInterrupt" in stderr and not any(Path(frame).is_relative_to(ROOT / "costmodel") for frame in frames):
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
        outcomes = Counter()
        for n in range(EARLIEST + SPREAD):
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if n >= EARLIEST:
                # This only picks the moment: what is asserted below holds at any moment.
                time.sleep(start_up * ((n - EARLIEST + 1) / SPREAD) ** 2)
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=PATIENCE)
            outcomes[outcome(process.returncode, stderr)] += 1
    allowed = {"stopped before Python took Ctrl-C", "stopped by costmodel", "stopped by Python, in its own start-up"}
    assert set(outcomes) <= allowed, outcomes
    assert outcomes["stopped by costmodel"], outcomes  # the later moments reached costmodel
