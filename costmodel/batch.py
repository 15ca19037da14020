"""Many files at once: a regional batch of scenarios for `run`, or of workbooks for `verify`.

Each file's work is one function (`build_and_write`, `verify_one`) that returns an `Outcome`,
plain data that crosses between processes. `Workers` runs those functions in this process
(one job) or in a pool of forked workers (several), so --jobs changes how long a batch
takes and never what it writes. Nothing here prints: progress goes to the `say` the
command line passes in.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import fault_message
from .interrupts import INTERRUPTS, at_work, take
from .limits import limits
from .text import render_verification


@dataclass(frozen=True)
class Outcome:
    """What one file of a batch came to, as plain data so it crosses between processes."""

    ok: bool
    #: what to print on standard error, as the single-file command would (each problem with its file and line)
    lines: tuple[str, ...] = ()
    scenario_id: str = ""
    cheapest: str = ""
    npc: float = 0.0
    agree: int = 0
    stated: int = 0
    #: warnings of the model review the scenario does not acknowledge
    warned: int = 0
    #: verify: the report's text for standard output, and its JSON
    text: str = ""
    report: dict | None = None

    @property
    def fails_strict(self) -> bool:
        """A published figure differs, or a warning stands unacknowledged: a failure with --strict."""
        return self.agree != self.stated or self.warned > 0


def within_limits(scenario, allow_large: bool):
    """The scenario, if the workbook `run` writes for it (with its analysis) is within the limits."""
    from .report import workbook_draws
    from .scenario.work import check_work

    check_work(scenario, limits(allow_large), workbook_draws(scenario), "its workbook's Sensitivity and Risk sheets")
    return scenario


def peeked_id(path: Path, allow_large: bool = False) -> Outcome:
    """First pass of a batch: which workbook would the scenario write? Its metadata id, read from the top of
    the file without loading the rest, which the second pass does once (a county's establishment takes
    seconds to check). A file whose id cannot be read so is loaded, to say why (scenario_id)."""
    from .scenario.loader import peek_id

    found = peek_id(path, limits(allow_large))
    return Outcome(True, scenario_id=found) if found is not None else scenario_id(path, allow_large)


def scenario_id(path: Path, allow_large: bool = False) -> Outcome:
    """Does the scenario load, and which workbook would it write?"""
    from .scenario.loader import load_scenario
    from .scenario.problems import ScenarioError

    try:
        scenario = within_limits(load_scenario(path, limits(allow_large)), allow_large)
    except ScenarioError as exc:
        return Outcome(False, tuple(exc.lines()))
    return Outcome(True, scenario_id=scenario.metadata.id)


def build_and_write(path: Path, target: Path, scenario_id: str, allow_large: bool = False,
                    force: bool = False) -> Outcome:
    """Second pass: project one scenario and write its workbook, exactly as `costmodel run` with -o does."""
    from .engine.projection import project
    from .review import review, unacknowledged
    from .files import OutputError, Outputs
    from .scenario.loader import load_scenario
    from .scenario.problems import ScenarioError
    from .workbook.writer import build_workbook

    try:
        scenario = within_limits(load_scenario(path, limits(allow_large)), allow_large)
    except ScenarioError as exc:
        return Outcome(False, tuple(exc.lines()))
    if scenario.metadata.id != scenario_id:
        return Outcome(False, (f"error: {path}: its id changed while the batch ran; run it again",))
    projection = project(scenario)
    warnings = review(projection)
    try:
        with Outputs([path], force) as outputs:
            outputs.workbook(target, build_workbook(projection, warnings=warnings))
            outputs.commit()
    except OutputError as exc:
        return Outcome(False, tuple(exc.lines()))
    first = projection.ranked[0]
    checks = projection.checks
    return Outcome(True, tuple(str(warning) for warning in warnings), scenario_id=scenario_id,
                    cheapest=first.name, npc=first.npc, agree=sum(check.ok for check in checks),
                    stated=len(checks), warned=len(unacknowledged(warnings)))


def verify_one(path: Path, allow_large: bool = False) -> Outcome:
    from .audit.verify import WorkbookError
    from .audit.verify import verify as verify_workbook

    try:
        result = verify_workbook(path, limits(allow_large))
    except WorkbookError as exc:
        return Outcome(False, tuple(exc.lines()), report={"workbook": str(path), "verified": False, "error": str(exc)})
    return Outcome(result.ok, text=render_verification(result), report=result.to_json())


#: In a worker process: an interrupt has come, and whether a file's work is under way.
_stopping = False
_working = False


def worker_started(batch: int) -> None:
    from . import background
    from .lifetime import end_with_parent

    background.enabled = False  # the batch keeps every processor busy already
    take(signal.SIGINT, _stop_worker)
    take(signal.SIGTERM, _stop_worker)
    # A batch killed outright cannot stop its workers: they stop when it ends, as on SIGTERM (a
    # half-written workbook removed, nothing renamed into place), or at once where that is ignored.
    ending = signal.SIGTERM if signal.getsignal(signal.SIGTERM) is _stop_worker else signal.SIGKILL
    if not end_with_parent(batch, ending):
        os._exit(128 + ending)  # the batch ended while this worker started
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, INTERRUPTS)  # held back while the worker started


def _stop_worker(signum, frame) -> None:
    global _stopping
    if _stopping:
        return  # the first signal's clean-up is under way; let it finish
    _stopping = True
    if not _working:
        os._exit(128 + signum)  # between files nothing is half-written
    # Unwinds through the outputs staged, which are removed; none is half in place.
    raise SystemExit(128 + signum)


def _timed(work, *arguments) -> tuple[float, Outcome]:
    """Run one file's work, in a worker or in this process; a fault becomes that file's failure."""
    global _working
    started = time.perf_counter()
    _working = True
    try:
        outcome = work(*arguments)
    except Exception as exc:  # a fault in costmodel on one file must not lose the rest of the batch
        outcome = Outcome(False, (fault_message(exc),))
    finally:
        _working = False
        if _stopping:
            os._exit(143)
    return time.perf_counter() - started, outcome


def size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class Workers:
    """Files worked on in this process (one job) or in a pool of processes (several).

    One job runs everything here, so a batch with --jobs 1 is the plain loop; either
    way each file's work is the same function, so the bytes written are the same.
    On an interrupt the waiting files are dropped and the running ones stopped (each
    removes its half-written temporary file) before the interrupt carries on.
    """

    def __init__(self, jobs: int, files: int):
        self.jobs = max(1, min(jobs, files))
        self.executor = None

    def __enter__(self) -> "Workers":
        # Outcomes reported as files finish: an interrupt must unwind, to say which were written
        # and to stop the workers.
        at_work()
        if self.jobs > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # Forked workers start with what this process has loaded; elsewhere the platform's default.
            context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
            self.executor = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=worker_started,
                                                initargs=(os.getpid(),))
        return self

    def __exit__(self, kind, exc, traceback) -> bool:
        if self.executor is not None:
            if kind is not None:
                # Private, but the only way to stop the running ones before Python 3.14's terminate_workers().
                for process in list((getattr(self.executor, "_processes", None) or {}).values()):
                    if process.is_alive():
                        process.terminate()
            self.executor.shutdown(wait=True, cancel_futures=True)
        return False

    def each(self, work, calls: list[tuple], done, sizes: list[int] | None = None) -> None:
        """Call done(index, seconds, outcome) in this process as each call of `work` finishes.

        With `sizes`, the largest files start first, so a big one is not left running alone at the end.
        """
        if self.executor is None:
            for index, arguments in enumerate(calls):
                done(index, *_timed(work, *arguments))
            return
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        broken = Outcome(False, ("error: the process working on it stopped unexpectedly (out of memory?); "
                                  "nothing of it was written",))
        order = sorted(range(len(calls)), key=lambda i: -sizes[i]) if sizes else range(len(calls))
        # Workers start on the first submit. An interrupt in the moment before a worker has its own
        # handlers would show Python's traceback, so interrupts wait until it has them.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS) if hasattr(signal, "pthread_sigmask") else None
        try:
            futures = {self.executor.submit(_timed, work, *calls[index]): index for index in order}
        except BrokenProcessPool:
            for index in order:
                done(index, 0.0, broken)
            return
        finally:
            if held is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
        for future in as_completed(futures):
            try:
                seconds, outcome = future.result()
            except BrokenProcessPool:
                seconds, outcome = 0.0, broken
            done(futures[future], seconds, outcome)


def _clashes(targets: dict[int, Path], paths: tuple[Path, ...]) -> list[str]:
    """Two scenarios that would write the same workbook, each pair named."""
    by_path: dict[Path, list[int]] = {}
    for index, target in targets.items():
        by_path.setdefault(target.resolve(), []).append(index)
    return [f"error: {targets[indices[0]]}: would be written by " + " and ".join(str(paths[i]) for i in indices)
            + " (the same metadata id); give each scenario its own id. Nothing was written."
            for indices in by_path.values() if len(indices) > 1]


@dataclass
class Batch:
    """What a batch came to: each file's outcome, the workbook each was to write, and which were written."""

    outcomes: dict[int, Outcome]
    targets: dict[int, Path]
    written: list[int]
    #: two scenarios that would write the same workbook: the batch wrote nothing
    clashes: list[str]

    def failed(self, strict: bool) -> list[int]:
        return [index for index in sorted(self.outcomes)
                if not self.outcomes[index].ok or (strict and self.outcomes[index].fails_strict)]


def run_batch(paths: tuple[Path, ...], folder: Path, strict: bool, force: bool, jobs: int, allow_large: bool,
              say: Callable[[str], None]) -> Batch:
    """Project and write each scenario's workbook into `folder`, `say`ing each file's progress as it ends.

    Every file's id is read first (without loading it: each is loaded once, when its workbook is
    built), so two with the same id are refused before anything is written. An interrupt stops the batch
    after saying what was written whole; it then goes on to the caller.
    """
    from .files import OutputError, check_targets

    count = len(paths)
    outcomes: dict[int, Outcome] = {}
    targets: dict[int, Path] = {}
    loading: dict[int, float] = {}
    finished: list[int] = []
    written: list[int] = []
    clashes: list[str] = []

    def report(index: int, seconds: float, outcome: Outcome) -> None:
        outcomes[index] = outcome
        finished.append(index)
        differ = outcome.stated - outcome.agree
        result = "FAILED" if not outcome.ok else "FAILED (--strict)" if strict and outcome.fails_strict else "ok"
        say(f"[{len(finished)}/{count}] {paths[index]}: {result}, {seconds:.1f} s")
        for line in outcome.lines:
            say(line)
        if outcome.ok and strict and differ:
            say(f"{paths[index]}: {differ} of {outcome.stated} published figures differ; its workbook "
                "was written, and says which")
        if outcome.ok and strict and outcome.warned:
            say(f"{paths[index]}: {outcome.warned} warning{'s' if outcome.warned != 1 else ''} of the model "
                "review not acknowledged; its workbook was written, and lists them")

    def loaded(index: int, seconds: float, outcome: Outcome) -> None:
        if outcome.ok:
            outcomes[index], loading[index] = outcome, seconds
        else:
            report(index, seconds, outcome)

    try:
        with Workers(jobs, count) as workers:
            workers.each(peeked_id, [(path, allow_large) for path in paths], loaded)

            def aimed() -> list[str]:
                targets.clear()
                for index in sorted(i for i, outcome in outcomes.items() if outcome.ok):
                    targets[index] = folder / f"{outcomes[index].scenario_id}.xlsx"
                return _clashes(targets, paths)

            clashes = aimed()
            if clashes:
                # Only a scenario that loads writes a workbook: those whose ids clash are loaded to know which.
                clashing = [index for index, target in targets.items()
                            if sum(other.resolve() == target.resolve() for other in targets.values()) > 1]
                for index in clashing:
                    del outcomes[index]
                workers.each(scenario_id, [(paths[index], allow_large) for index in clashing],
                             lambda position, seconds, outcome: loaded(clashing[position], seconds, outcome))
                clashes = aimed()
            if not clashes:
                calls, indices = [], []
                for index, target in targets.items():
                    try:
                        check_targets([target], list(paths), force)
                    except OutputError as exc:
                        report(index, loading[index], Outcome(False, tuple(exc.lines())))
                        continue
                    calls.append((paths[index], target, outcomes[index].scenario_id, allow_large, force))
                    indices.append(index)

                def built(position: int, seconds: float, outcome: Outcome) -> None:
                    if outcome.ok:
                        written.append(indices[position])
                    report(indices[position], loading[indices[position]] + seconds, outcome)

                workers.each(build_and_write, calls, built, [size_of(call[0]) for call in calls])
    except (KeyboardInterrupt, SystemExit):
        whole = (f"the {len(written)} workbook{'s' if len(written) != 1 else ''} reported ok above "
                 f"{'were' if len(written) != 1 else 'was'} written whole; nothing else was changed"
                 if written else "no output was changed")
        say(f"interrupted; {whole}")
        raise
    return Batch(outcomes, targets, written, clashes)
