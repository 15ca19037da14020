"""Output files: never half-written, never lost, never a stranger's file replaced unasked."""

import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from conftest import ROOT, SCENARIOS
from disks import fill_the_disk
from processes import PATIENCE, ended, interrupts_heard, opened_by_reader
from costmodel.cli import cli

IOW = SCENARIOS / "isle-of-wight-2017.yaml"
WORCESTERSHIRE = SCENARIOS / "worcestershire-2017.yaml"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_a_file_costmodel_did_not_write_is_not_replaced_without_force(tmp_path):
    for name, content in (("book.xlsx", b"the finance officer's own spreadsheet"), ("out.json", b'{"mine": 1}')):
        target = tmp_path / name
        target.write_bytes(content)
        option = "-o" if name.endswith(".xlsx") else "--json"
        extra = [] if option == "-o" else ["-o", tmp_path / "book2.xlsx"]
        result = invoke("run", IOW, option, target, *extra)
        assert result.exit_code == 1 and "was not written by costmodel; use --force" in result.stderr
        assert target.read_bytes() == content
        assert invoke("run", IOW, option, target, *extra, "--force").exit_code == 0
        assert target.read_bytes() != content


def test_costmodels_own_outputs_are_replaced_without_asking(tmp_path):
    target = tmp_path / "book.xlsx"
    assert invoke("run", WORCESTERSHIRE, "-o", target).exit_code == 0
    result = invoke("run", IOW, "-o", target)
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == (ROOT / "workbooks" / "isle-of-wight-2017.xlsx").read_bytes()


def test_a_folder_that_cannot_be_written_is_a_clean_error():
    # /proc refuses new files even to root, unlike a folder made read-only with chmod.
    result = invoke("run", IOW, "-o", "/proc/costmodel-test.xlsx")
    assert result.exit_code == 1
    assert "cannot write in this folder" in result.stderr and "Traceback" not in result.output


def test_a_full_disk_is_a_clean_error_and_changes_nothing(tmp_path, monkeypatch):
    target = tmp_path / "book.xlsx"
    assert invoke("run", IOW, "-o", target).exit_code == 0
    before = target.read_bytes()
    fill_the_disk(monkeypatch)
    result = invoke("run", WORCESTERSHIRE, "-o", target)
    assert result.exit_code == 1
    assert "could not be written (the disk is full); nothing was changed" in result.stderr
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_a_run_killed_at_any_moment_leaves_the_old_file_or_the_new_one(tmp_path, how):
    """Kill `costmodel run` at moments spread over its whole run; each time the workbook is either
    the previous one or the complete new one, byte for byte, no partial file is left and no
    traceback is shown.

    The scenario reaches costmodel through a named pipe, so the test knows when costmodel has
    started to read it: its handlers are in place and it has written nothing. The first kill
    comes then (the old file must stay), the last after costmodel has ended (the new one must be
    there), and the others at moments spread between, whatever they find."""
    fifo_folder, out = tmp_path / "in", tmp_path / "out"
    fifo_folder.mkdir()
    out.mkdir()
    # The scenario's own name: the workbook records the name of the file it was built from.
    fifo = fifo_folder / WORCESTERSHIRE.name
    os.mkfifo(fifo)
    target = out / "book.xlsx"
    scenario = WORCESTERSHIRE.read_bytes()
    old = (ROOT / "workbooks" / "isle-of-wight-2017.xlsx").read_bytes()
    new = (ROOT / "workbooks" / "worcestershire-2017.xlsx").read_bytes()
    command = [sys.executable, "-m", "costmodel", "run", str(fifo), "-o", str(target)]

    def start() -> tuple[subprocess.Popen, int]:
        target.write_bytes(old)
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return process, opened_by_reader(fifo, process)

    def feed(descriptor: int) -> None:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(scenario)

    with interrupts_heard():
        process, descriptor = start()
        fed = time.monotonic()
        feed(descriptor)
        assert ended(process) == 0, process.stderr.read().decode()
        whole_run = time.monotonic() - fed
        assert target.read_bytes() == new
        kills = 10
        outcomes = []
        for n in range(kills):
            process, descriptor = start()
            if n == 0:
                process.send_signal(how)  # costmodel is waiting for its scenario and has written nothing
                os.close(descriptor)
            else:
                feed(descriptor)
                if n == kills - 1:
                    ended(process)  # the last kill comes after the run, however loaded the machine
                else:
                    # This only picks the moment of the kill: what is asserted below holds at any moment.
                    time.sleep(whole_run * n / (kills - 1))
                if process.poll() is None:
                    process.send_signal(how)
            _, stderr = process.communicate(timeout=PATIENCE)
            assert b"Traceback" not in stderr, stderr.decode()
            content = target.read_bytes()
            assert content in (old, new), f"a partial workbook after {how.name}, kill {n + 1} of {kills}"
            outcomes.append("old" if content == old else "new")
            assert sorted(p.name for p in out.iterdir()) == ["book.xlsx"], "a temporary file was left"
    assert outcomes[0] == "old" and outcomes[-1] == "new", outcomes


def test_a_run_started_with_ctrl_c_ignored_is_not_stopped_by_one(tmp_path):
    """A shell starts a background job with Ctrl-C ignored (so that a Ctrl-C meant for the job in the
    foreground does not stop it too); costmodel leaves it ignored, as Unix programs do."""
    fifo = tmp_path / IOW.name
    os.mkfifo(fifo)
    target = tmp_path / "book.xlsx"
    process = subprocess.Popen([sys.executable, "-m", "costmodel", "run", str(fifo), "-o", str(target)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    descriptor = opened_by_reader(fifo, process)
    process.send_signal(signal.SIGINT)  # it has started; as a Ctrl-C at the terminal would reach it
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(IOW.read_bytes())
    _, stderr = process.communicate(timeout=PATIENCE)
    assert process.returncode == 0, stderr.decode()
    assert target.read_bytes() == (ROOT / "workbooks" / "isle-of-wight-2017.xlsx").read_bytes()


def test_two_outputs_on_one_path_and_a_pipe_are_refused(tmp_path):
    same = tmp_path / "same.xlsx"
    result = invoke("run", IOW, "-o", same, "--json", same)
    assert result.exit_code == 1 and "named for two outputs" in result.stderr and not same.exists()
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    result = invoke("run", IOW, "-o", tmp_path / "book.xlsx", "--json", pipe)
    assert result.exit_code == 1 and "not an ordinary file" in result.stderr
