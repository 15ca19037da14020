"""The workbook's simulation in a second process: the same answer, however the copy ends.

`background.Pending` runs work in a forked copy of the process where a second processor is
free, and does it here otherwise, or whenever the copy fails. These tests check each way it
can end, that nothing is left running, and that the workbook is the same to the byte.
"""

import os
import signal
import subprocess
import sys
import threading

import numpy as np
import pytest

import costmodel
from conftest import ROOT, SCENARIOS
from processes import PATIENCE, adopting_orphans, all_ended, interrupts_heard, watch
from costmodel import background
from costmodel.background import Pending

CAN_FORK = sys.platform.startswith("linux") and len(os.sched_getaffinity(0)) > 1
needs_a_second_processor = pytest.mark.skipif(
    not CAN_FORK, reason="a second process is only made on Linux with more than one processor to run on")


def _gone(pid: int) -> bool:
    """True if `pid` is no child of ours any more (reaped, not left as a zombie or running)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@needs_a_second_processor
def test_the_work_runs_in_a_second_process_and_its_result_comes_back():
    here = os.getpid()
    pending = Pending(lambda: (os.getpid(), np.arange(100_000) * 0.5))
    pid = pending.pid
    assert pid is not None and pid != here
    ran_in, values = pending.result()
    assert ran_in == pid
    assert np.array_equal(values, np.arange(100_000) * 0.5)  # 800 kB: more than a pipe holds at once
    assert _gone(pid)


@pytest.mark.parametrize("why", ["switched off (a batch's worker)", "another thread running"])
def test_where_a_second_process_is_not_worth_it_the_work_is_done_here(monkeypatch, why):
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    if why.startswith("switched off"):
        monkeypatch.setattr(background, "enabled", False)
    else:
        other.start()
    try:
        pending = Pending(os.getpid)
        assert pending.pid is None
        assert pending.result() == os.getpid()
    finally:
        stop.set()
        if other.is_alive():
            other.join()


@needs_a_second_processor
@pytest.mark.parametrize("ending", ["raises", "is killed", "exits"])
def test_a_copy_that_fails_means_the_work_is_done_here(ending):
    here = os.getpid()

    def work():
        if os.getpid() != here:
            if ending == "raises":
                raise MemoryError("the copy ran out of memory")
            if ending == "is killed":
                os.kill(os.getpid(), signal.SIGKILL)
            os._exit(3)
        return "done here"

    pending = Pending(work)
    pid = pending.pid
    assert pid is not None
    assert pending.result() == "done here"
    assert _gone(pid)


@needs_a_second_processor
def test_cancelling_stops_the_copy_and_leaves_no_process_behind():
    never = os.pipe()  # nothing is ever written here: the copy would wait on it for ever
    try:
        pending = Pending(lambda: os.read(never[0], 1))
        pid = pending.pid
        pending.cancel()  # returns once the copy is killed and collected; a copy left waiting would hang it
        assert _gone(pid)
        pending.cancel()  # a second cancel does nothing
    finally:
        for end in never:
            os.close(end)


def test_output_the_parent_had_buffered_is_written_once():
    # The copy leaves through os._exit, so text the parent had buffered (not yet written) when it
    # forked is written by the parent alone; a copy that flushed it would print it twice.
    script = ("import sys; from costmodel.background import Pending; print('before'); "
              "print(Pending(lambda: 42).result()); print('after')")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "before\n42\nafter\n"


@needs_a_second_processor
def test_the_workbook_is_the_same_whether_its_simulation_ran_beside_it_or_here(monkeypatch):
    from costmodel.workbook.writer import build_workbook

    projection = costmodel.project(costmodel.load_scenario(SCENARIOS / "isle-of-wight-2017.yaml"))
    copies = []
    start = Pending._start

    def counted(self):
        start(self)
        copies.append(self.pid)

    monkeypatch.setattr(Pending, "_start", counted)
    beside = build_workbook(projection)
    assert len(copies) == 1 and copies[0] is not None and _gone(copies[0])
    monkeypatch.setattr(background, "enabled", False)
    here = build_workbook(projection)
    assert len(copies) == 1  # no copy the second time
    assert beside == here


def test_a_batch_worker_makes_no_second_process():
    script = ("import os; from costmodel import background, batch; batch.worker_started(os.getppid()); "
              "print(background.enabled, background.worth_a_second_process())")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_where_finished_children_are_not_ours_to_collect_no_copy_is_made():
    # With SIGCHLD ignored (inherited from whatever started costmodel), Linux collects finished
    # children itself: the copy's number could be reused before we waited for it, so none is made,
    # and run still writes its workbook.
    script = ("import signal, os; signal.signal(signal.SIGCHLD, signal.SIG_IGN); "
              "from costmodel.background import Pending; p = Pending(os.getpid); "
              "print(p.pid is None, p.result() == os.getpid())")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


@needs_a_second_processor
def test_an_interrupt_to_the_copy_stops_it_at_once_and_the_work_is_done_here():
    # The copy takes the default action for Ctrl-C: it stops, running none of the parent's code
    # (no traceback on stderr), and the parent does the work itself. The copy says when it has
    # begun its work, and then waits on a pipe nobody writes to, so only the interrupt ends it.
    script = """
import os, signal
from costmodel.background import Pending
here = os.getpid()
begun, never = os.pipe(), os.pipe()
def work():
    if os.getpid() != here:
        os.write(begun[1], b"!")
        os.read(never[0], 1)
    return "done here"
pending = Pending(work)
assert pending.pid is not None
os.read(begun[0], 1)
os.kill(pending.pid, signal.SIGINT)
print(pending.result())
"""
    with interrupts_heard():
        result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                                timeout=PATIENCE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["done", "here"]
    assert result.stderr == ""


@needs_a_second_processor
def test_an_interrupt_while_the_copy_is_made_stops_the_copy_and_reaches_the_caller(monkeypatch):
    # Ctrl-C arriving between the fork and the parent taking note of the copy is held back until
    # the parent has its number; then the interrupt is raised, and the copy is stopped and collected.
    fork = os.fork
    children = []

    def fork_then_interrupted():
        pid = fork()
        if pid:
            children.append(pid)
            os.kill(os.getpid(), signal.SIGINT)  # held back: interrupts are blocked here
        return pid

    monkeypatch.setattr(os, "fork", fork_then_interrupted)
    never = os.pipe()  # the copy waits on it for ever, unless it is stopped
    try:
        with interrupts_heard(), pytest.raises(KeyboardInterrupt):
            Pending(lambda: os.read(never[0], 1))
    finally:
        for end in never:
            os.close(end)
    assert len(children) == 1 and _gone(children[0])


def test_a_process_started_with_ctrl_c_ignored_leaves_it_ignored_in_its_copy():
    # A background job of a shell is started with Ctrl-C ignored, so that a Ctrl-C meant for the
    # job in the foreground does not stop it; the copy keeps to that as the process itself does.
    script = """
import os, signal
from costmodel.background import Pending
pending = Pending(lambda: signal.getsignal(signal.SIGINT) == signal.SIG_IGN)
print(pending.pid is not None, pending.result())
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                            timeout=PATIENCE, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(CAN_FORK), "True"]


@needs_a_second_processor
def test_a_copy_whose_parent_is_killed_outright_is_killed_with_it():
    # kill -9 gives the parent no chance to stop its copy; the kernel kills the copy as the parent
    # ends, rather than let it compute (here: for ever) for nobody. The copy says when it is at work.
    script = """
import os, sys
from costmodel.background import Pending
here = os.getpid()
def work():
    if os.getpid() != here:
        os.write(1, b"%d\\n" % os.getpid())
        while True:  # a simulation that never ends
            pass
pending = Pending(work)
sys.stdin.read()  # the test kills this process while it waits here
"""
    with adopting_orphans():  # the orphaned copy passes to this process, to be waited for and collected
        process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, start_new_session=True)
        try:
            copy = watch([int(process.stdout.readline())])
            process.kill()
            process.wait()
            (status,) = all_ended(copy, "the copy of the killed process").values()
        finally:
            process.stdin.close()
            process.stdout.close()
    assert os.waitstatus_to_exitcode(status) == -signal.SIGKILL
