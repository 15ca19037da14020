"""Output files: never half-written, never lost, never a stranger's file replaced unasked."""

import errno
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from conftest import ROOT, SCENARIOS
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
    import costmodel.files as files

    real_fdopen = files.os.fdopen

    class FullDisk:
        def __init__(self, stream):
            self.stream = stream

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.stream, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.stream.close()

    monkeypatch.setattr(files.os, "fdopen", lambda *a, **k: FullDisk(real_fdopen(*a, **k)))
    result = invoke("run", WORCESTERSHIRE, "-o", target)
    assert result.exit_code == 1
    assert "could not be written (the disk is full); nothing was changed" in result.stderr
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_a_run_killed_at_any_moment_leaves_the_old_file_or_the_new_one(tmp_path, how):
    """Kill `costmodel run` at moments spread over its whole run; each time the workbook is either
    the previous one or the complete new one, byte for byte, and no partial file is left."""
    target = tmp_path / "book.xlsx"
    old = (ROOT / "workbooks" / "isle-of-wight-2017.xlsx").read_bytes()
    new = (ROOT / "workbooks" / "worcestershire-2017.xlsx").read_bytes()
    command = [sys.executable, "-m", "costmodel", "run", str(WORCESTERSHIRE), "-o", str(target)]
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True)
    whole_run = time.monotonic() - started
    outcomes = set()
    # Before costmodel's own code runs, Python itself answers Ctrl-C (with a traceback of its start-up);
    # so SIGINT is sent from the moment the interpreter has started, which takes about a tenth of a second.
    earliest = 0.15 if how == signal.SIGINT else 0.0
    for n in range(10):
        target.write_bytes(old)
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if n == 9:
            process.wait(timeout=60)  # the last "kill" comes after the run, however loaded the machine
        else:
            time.sleep(earliest + (whole_run - earliest) * n / 9)
        process.send_signal(how) if process.poll() is None else None
        _, stderr = process.communicate(timeout=60)
        assert b"Traceback" not in stderr
        content = target.read_bytes()
        assert content in (old, new), f"a partial workbook after {how.name} at {whole_run * n / 9:.2f}s"
        outcomes.add("old" if content == old else "new")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"], "a temporary file was left"
    assert outcomes == {"old", "new"}, "the kills should land both before and after the write"


def test_two_outputs_on_one_path_and_a_pipe_are_refused(tmp_path):
    same = tmp_path / "same.xlsx"
    result = invoke("run", IOW, "-o", same, "--json", same)
    assert result.exit_code == 1 and "named for two outputs" in result.stderr and not same.exists()
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    result = invoke("run", IOW, "-o", tmp_path / "book.xlsx", "--json", pipe)
    assert result.exit_code == 1 and "not an ordinary file" in result.stderr
