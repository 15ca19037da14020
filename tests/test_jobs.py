"""A regional batch: `costmodel run a.yaml b.yaml ... --jobs N` and `costmodel verify ... --jobs N`.

Several scenarios each write their own workbooks/<id>.xlsx (or <folder>/<id>.xlsx with -o),
a scenario with problems fails alone and the good ones are still written, and one table at
the end says what happened to each. Working in parallel changes nothing but the time taken.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SCENARIOS
from processes import PATIENCE, adopting_orphans, all_ended, children_of, interrupts_heard, running_in_session, watch
from workbookparts import parts_of, sheet_part, write_parts
from costmodel.cli import cli

IOW = SCENARIOS / "isle-of-wight-2017.yaml"
TEMPLATE = SCENARIOS / "template.yaml"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def copy_with_id(source: Path, folder: Path, new_id: str) -> Path:
    """A shipped scenario under another metadata id, so it writes its own workbook."""
    text = source.read_text(encoding="utf-8")
    old_id = re.search(r"^  id: (\S+)", text, re.M)[1]
    path = folder / f"{new_id}.yaml"
    path.write_text(text.replace(f"  id: {old_id}", f"  id: {new_id}", 1), encoding="utf-8")
    return path


def workbooks_in(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_two_jobs_write_the_same_bytes_as_one_job_and_as_running_each_alone(tmp_path):
    scenarios = [IOW, TEMPLATE, copy_with_id(IOW, tmp_path, "iow-again")]
    serial = invoke("run", *scenarios, "--jobs", "1", "-o", tmp_path / "jobs-1")
    parallel = invoke("run", *scenarios, "--jobs", "2", "-o", tmp_path / "jobs-2")
    assert serial.exit_code == 0, serial.output
    assert parallel.exit_code == 0, parallel.output
    books = workbooks_in(tmp_path / "jobs-2")
    assert sorted(books) == ["iow-again.xlsx", "isle-of-wight-2017.xlsx", "my-council-2027.xlsx"]
    assert workbooks_in(tmp_path / "jobs-1") == books
    # The summary table is the same too, but for the folder; only the progress on stderr (with times) differs.
    assert parallel.stdout.replace("jobs-2", "jobs-1") == serial.stdout
    alone = invoke("run", IOW, "-o", tmp_path / "alone.xlsx")
    assert alone.exit_code == 0
    assert (tmp_path / "alone.xlsx").read_bytes() == books["isle-of-wight-2017.xlsx"]


def test_the_summary_gives_each_scenarios_cheapest_option_in_the_order_given(tmp_path, minimal_text):
    other = tmp_path / "other.yaml"
    other.write_text(minimal_text.replace("id: minimal", "id: other").replace("amount: 100,000", "amount: 1,000"))
    minimal = tmp_path / "minimal.yaml"
    minimal.write_text(minimal_text)
    result = invoke("run", minimal, other, "--jobs", "2", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith(str(tmp_path))]
    # Ten social workers cost more than 100,000 of purchases a year, and far more than 1,000.
    assert rows[0].startswith(str(minimal)) and re.search(r"\bok\s+Trust\s+£[\d,]+\s+none stated\s+\S*minimal\.xlsx$",
                                                          rows[0])
    assert rows[1].startswith(str(other)) and "other.xlsx" in rows[1]
    progress = [re.sub(r", [\d.]+ s$", "", line) for line in result.stderr.splitlines()]
    assert sorted(line[:6] for line in progress) == ["[1/2] ", "[2/2] "]
    assert sorted(line[6:] for line in progress) == sorted([f"{minimal}: ok", f"{other}: ok"])


def test_a_bad_scenario_fails_alone_named_with_its_line_and_the_good_ones_are_written(tmp_path, minimal_text):
    good = tmp_path / "good.yaml"
    good.write_text(minimal_text)
    bad = tmp_path / "bad.yaml"
    bad.write_text(minimal_text.replace("id: minimal", "id: bad").replace("salary: 35,000", "salary: 35,0O0"))
    line = minimal_text.splitlines().index("        salary: 35,000") + 1
    result = invoke("run", bad, good, "--jobs", "2", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert f"{bad}:{line}: options[0].staffing[0].salary:" in result.stderr and "letter O" in result.stderr
    assert re.search(rf"^\[\d/2\] {re.escape(str(bad))}: FAILED", result.stderr, re.M)
    assert result.stderr.rstrip().splitlines()[-1] == f"1 of 2 scenarios failed: {bad}"
    assert re.search(rf"^{re.escape(str(bad))}\s+FAILED .*line {line}: options\[0\]\.staffing\[0\]\.salary",
                     result.stdout, re.M)
    # A finance officer running a region wants every good workbook, whatever one file got wrong.
    assert sorted(workbooks_in(tmp_path / "out")) == ["minimal.xlsx"]
    assert "Traceback" not in result.output


def test_two_scenarios_with_one_id_are_refused_before_anything_is_written(tmp_path, minimal_text):
    first, second, third = (tmp_path / name for name in ("first.yaml", "second.yaml", "third.yaml"))
    first.write_text(minimal_text)
    second.write_text(minimal_text.replace("Minimal scenario", "A second draft"))
    third.write_text(minimal_text.replace("id: minimal", "id: third"))
    result = invoke("run", first, second, third, "--jobs", "2", "-o", tmp_path / "out")
    assert result.exit_code == 1
    message = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert message == [f"error: {tmp_path / 'out' / 'minimal.xlsx'}: would be written by {first} and {second} "
                       "(the same metadata id); give each scenario its own id. Nothing was written."]
    assert not (tmp_path / "out").exists()


def test_a_batch_loads_each_scenario_once(tmp_path, minimal_text, monkeypatch):
    import costmodel.scenario.loader as loader

    loaded = []
    real = loader.load_scenario
    monkeypatch.setattr(loader, "load_scenario", lambda path, *rest: loaded.append(Path(path)) or real(path, *rest))
    paths = [tmp_path / "a.yaml", tmp_path / "b.yaml"]
    paths[0].write_text(minimal_text)
    paths[1].write_text(minimal_text.replace("id: minimal", "id: other"))
    result = invoke("run", *paths, "--jobs", "1", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert sorted(loaded) == paths
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["minimal.xlsx", "other.xlsx"]


def test_one_id_in_two_files_of_which_one_does_not_load_writes_the_other(tmp_path, minimal_text):
    # The ids are read before anything is loaded; where two clash, only one that loads writes a workbook.
    good, broken = tmp_path / "good.yaml", tmp_path / "broken.yaml"
    good.write_text(minimal_text)
    broken.write_text(minimal_text.replace("salary: 35,000", "salary: lots"))
    result = invoke("run", good, broken, "--jobs", "1", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert f"{broken}:25: options[0].staffing[0].salary: expected an amount in pounds, got 'lots'" in result.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["minimal.xlsx"]


@pytest.mark.parametrize("extra, phrase", [
    (["-o", "region.xlsx"], "-o names a folder"),
    (["--json", "results.json"], "--json writes one scenario's results"),
    (["--json", "-"], "--json writes one scenario's results"),
    (["--manifest", "run.json"], "--manifest records one run"),
])
def test_outputs_that_name_one_file_are_refused_with_several_scenarios(tmp_path, monkeypatch, extra, phrase):
    monkeypatch.chdir(tmp_path)
    result = invoke("run", IOW, TEMPLATE, *extra)
    assert result.exit_code == 2  # a bad command line, as the README's exit codes say
    assert phrase in result.stderr and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("jobs", ["0", "-1", "two", ""])
def test_jobs_is_a_whole_number_or_auto(jobs):
    result = invoke("run", IOW, TEMPLATE, "--jobs", jobs)
    assert result.exit_code == 2 and "--jobs" in result.stderr


def test_jobs_auto_and_a_single_scenario_run_as_before(tmp_path):
    result = invoke("run", IOW, "--jobs", "auto", "-o", tmp_path / "book.xlsx")
    assert result.exit_code == 0, result.output
    assert "Published figures: 4 of 7 agree" in result.stdout  # the single-scenario report, not a batch table
    assert not result.stderr


def test_strict_fails_a_scenario_whose_published_figure_differs_and_still_writes_it(tmp_path, minimal_text):
    figure = ("published_figures:\n  - {name: Ten social workers, option: in-house, category: pay, "
              "basis: full_year, amount: \"%s\"}\n")
    agrees, differs = tmp_path / "agrees.yaml", tmp_path / "differs.yaml"
    agrees.write_text(minimal_text + figure % "350,000")
    differs.write_text(minimal_text.replace("id: minimal", "id: differs") + figure % "360,000")
    result = invoke("run", agrees, differs, "--strict", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert f"{differs}: 1 of 1 published figures differ" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1] == f"1 of 2 scenarios failed: {differs}"
    assert sorted(workbooks_in(tmp_path / "out")) == ["differs.xlsx", "minimal.xlsx"]


def test_help_documents_jobs():
    for command in ("run", "verify"):
        result = invoke(command, "--help")
        assert "--jobs" in result.output and "'auto'" in result.output


def tampered_copy(source: Path, path: Path) -> Path:
    """The Director's salary typed over on Inputs, as a hand edit of the published file would."""
    parts = parts_of(source)
    inputs = sheet_part(parts, "Inputs")
    xml, edits = re.subn(r"<v>140000</v>", "<v>150000</v>", parts[inputs].decode(), count=1)
    assert edits == 1
    parts[inputs] = xml.encode()
    return write_parts(parts, path)


def test_verify_with_two_jobs_passes_the_reference_workbooks():
    references = sorted((ROOT / "workbooks").glob("*.xlsx"))
    assert len(references) >= 2  # the worked examples' reference workbooks, at least two to share out
    result = invoke("verify", *references, "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert [line.split(": verified: ")[0] for line in result.stdout.splitlines()] == [str(p) for p in references]
    assert result.stderr.rstrip().endswith(f"all {len(references)} workbooks verified")


def test_verify_with_two_jobs_names_a_tampered_copy_and_reports_as_one_job_does(tmp_path):
    reference = ROOT / "workbooks" / "isle-of-wight-2017.xlsx"
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(reference.read_bytes())
    tampered = tampered_copy(reference, tmp_path / "tampered.xlsx")
    args = ["verify", tampered, copy]
    parallel = invoke(*args, "--jobs", "2", "--json", tmp_path / "parallel.json")
    serial = invoke(*args, "--json", tmp_path / "serial.json")
    assert parallel.exit_code == serial.exit_code == 1
    assert parallel.stdout == serial.stdout
    assert parallel.stdout.index(str(tampered)) < parallel.stdout.index(str(copy))  # the order given
    # The salary typed over is an input, and said as one (audit/verify.py judge_inputs_changed).
    assert "input changed: Inputs!D80" in parallel.stdout and "was 140,000, now 150,000" in parallel.stdout
    assert (tmp_path / "parallel.json").read_bytes() == (tmp_path / "serial.json").read_bytes()
    assert [r["verified"] for r in json.loads((tmp_path / "parallel.json").read_text())["workbooks"]] == [False, True]
    last = f"1 of 2 workbooks did not verify: {tampered}"
    assert parallel.stderr.rstrip().splitlines()[-1] == serial.stderr.rstrip().splitlines()[-1] == last
    # Progress, as each finishes, only when working in parallel.
    assert re.search(rf"^\[\d/2\] {re.escape(str(tampered))}: differs, [\d.]+ s$", parallel.stderr, re.M)
    assert "[1/2]" not in serial.stderr


def test_verify_with_two_jobs_reports_a_file_that_is_not_a_workbook(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a spreadsheet at all")
    result = invoke("verify", junk, junk, "--jobs", "2")
    assert result.exit_code == 1
    assert result.stderr.count("is not an Excel workbook") == 2 and "Traceback" not in result.output


@pytest.mark.parametrize("how", ["Ctrl-C", "SIGTERM to costmodel alone"])
def test_an_interrupted_batch_leaves_whole_workbooks_no_partial_files_and_no_processes(tmp_path, how):
    """Interrupt a batch while its workers are building workbooks: the ones written are whole, nothing is
    half-written, no traceback is shown, and no worker process is left running."""
    scenarios = [copy_with_id(IOW, tmp_path, f"council-{n}") for n in range(6)]
    out = tmp_path / "out"
    with interrupts_heard():
        process = subprocess.Popen([sys.executable, "-m", "costmodel", "run", *map(str, scenarios), "--jobs", "2",
                                    "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True, cwd=tmp_path)
    group = process.pid  # its own session: a terminal's Ctrl-C reaches every process in it
    # Interrupt as the first workbook is reported, with the others under way.
    first = process.stderr.readline()
    assert first.startswith(b"[1/6]"), first
    if how == "Ctrl-C":
        os.killpg(group, signal.SIGINT)
    else:
        process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=PATIENCE)
    assert process.returncode == (130 if how == "Ctrl-C" else 143), stderr
    assert b"Traceback" not in stderr and b"interrupted; the " in stderr
    assert stdout == b""  # no summary for a batch that did not finish
    written = sorted(out.iterdir())
    assert written and all(path.suffix == ".xlsx" for path in written), written  # no .partial files
    for path in written:
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
    # The batch's parent has ended; its workers, no children of ours, can only be looked for.
    deadline = time.monotonic() + PATIENCE
    while True:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            break  # every process of the batch has ended
        assert time.monotonic() < deadline, f"a worker process was still running {PATIENCE:.0f} s after its batch"
        time.sleep(0.1)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel says when a parent ends on Linux only")
def test_a_batch_killed_outright_takes_its_workers_with_it_and_nothing_is_written_after(tmp_path):
    """kill -9 of a batch's parent, which it cannot answer: its workers end with it (rather than go
    on through the files and wait for ever), and no workbook is written once it has ended."""
    scenarios = [copy_with_id(IOW, tmp_path, f"council-{n}") for n in range(6)]
    out = tmp_path / "out"
    with adopting_orphans():  # the workers, orphaned, pass to this process, to be waited for and collected
        process = subprocess.Popen([sys.executable, "-m", "costmodel", "run", *map(str, scenarios), "--jobs", "2",
                                    "-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   start_new_session=True, cwd=tmp_path)
        try:
            # Killed as the first workbook is reported, with the two workers each building another.
            first = process.stderr.readline()
            assert first.startswith(b"[1/6]"), first
            workers = watch(children_of(process.pid))
            assert len(workers) == 2
            process.kill()
            process.wait()
            written = workbooks_in(out)
            ended = all_ended(workers, "a worker of the killed batch")
        finally:
            for pid in running_in_session(process.pid):  # only where the test has failed already
                os.kill(pid, signal.SIGKILL)
            process.stderr.close()
    # Each stopped as SIGTERM stops it (exit 143), removing any workbook it had half written.
    assert [os.waitstatus_to_exitcode(status) for status in ended.values()] == [143, 143]
    assert running_in_session(process.pid) == []
    assert workbooks_in(out) == written  # nothing renamed into place after the batch ended
    assert all(name.endswith(".xlsx") for name in written) and len(written) < 6, sorted(written)
