"""The command line: parse arguments, call the library, show results, set the exit code.

Exit codes: 0 success; 1 a bad scenario, an output that could not be written,
or (with --strict) a published figure that does not agree or a warning of the
model review not acknowledged; 2 a bad command line.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import click

from . import __version__
from .interrupts import INTERRUPTS, hold, take

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE = 0, 1, 2
#: Memory stays the same whatever the number of draws; this only keeps a run to hours, not days.
MAX_DRAWS = 100_000_000

#: Every command that reads a scenario or a workbook takes it (costmodel/limits.py, docs/limits.md).
allow_large = click.option("--allow-large", is_flag=True,
                           help="Raise the limits on file size, scenario lines, projection size and draws, for a "
                                "file you trust (docs/limits.md).")


def _limits(allow: bool):
    from .limits import limits

    return limits(allow)

_EPILOG = """\b
Exit codes: 0 success; 1 bad scenario, unwritable output, or with --strict
a failed published-figure check or an unacknowledged warning; 2 bad command line."""


@click.group(epilog=_EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="costmodel", message="%(prog)s %(version)s")
def cli() -> None:
    """Cost a council's options for delivering children's services, the Green Book way.

    \b
    Example:
      costmodel validate scenarios/*.yaml
      costmodel run scenarios/isle-of-wight-2017.yaml --json -
      costmodel verify workbooks/*.xlsx
      costmodel diff draft-1.yaml draft-2.yaml
      costmodel sensitivity scenarios/isle-of-wight-2017.yaml
      costmodel simulate scenarios/isle-of-wight-2017.yaml --draws 100000 --seed 1
    """


@cli.command(epilog=_EPILOG)
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Exit 1 if the model review gives a warning the scenario does not "
                                             "acknowledge.")
@allow_large
def validate(scenarios: tuple[Path, ...], strict: bool, allow_large: bool) -> None:
    """Check scenario files and list every problem with its file and line.

    Then the model review: patterns that are legal but usually a mistake
    (staff paid only after go-live whom another option employs from the start,
    one uncertain figure drawn independently in several options, a gateway no
    option passes, ...), each a warning with its code (docs/warnings.md), file,
    line and field. A warning is not an error, unless with --strict.

    \b
    Example:
      costmodel validate scenarios/*.yaml
      costmodel validate my-council.yaml --strict
    """
    from .audit.review import review, unacknowledged
    from .engine.projection import project
    from .scenario.loader import load_scenario
    from .scenario.problems import ScenarioError

    from .limits import check_work

    failed = warned = 0
    chosen = _limits(allow_large)
    for path in scenarios:
        try:
            scenario = load_scenario(path, chosen)
            check_work(scenario, chosen)
        except ScenarioError as exc:
            failed += 1
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            continue
        warnings = review(project(scenario))
        for warning in warnings:
            click.echo(str(warning), err=True)
        figures = len(scenario.published_figures)
        click.echo(f"{path}: ok ({len(scenario.options)} options, {scenario.timeline.years} years, "
                   f"{figures} published figure{'' if figures == 1 else 's'}; {_warnings_in_words(warnings)})")
        warned += bool(unacknowledged(warnings))
    if failed:
        click.echo(f"{failed} of {len(scenarios)} scenario files have problems", err=True)
    if strict and warned:
        click.echo(f"{warned} of {len(scenarios)} scenario files have warnings they do not acknowledge (--strict)",
                   err=True)
    if failed or (strict and warned):
        sys.exit(EXIT_BAD_INPUT)


def _warnings_in_words(warnings) -> str:
    from .audit.review import in_words

    return in_words(warnings)


class _Jobs(click.ParamType):
    """A number of processes, or `auto` for one per CPU core this process may use."""

    name = "jobs"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        if str(value).strip().lower() == "auto":
            return _cores()
        try:
            jobs = int(value)
        except ValueError:
            self.fail(f"{value!r} is not a whole number or 'auto'", param, ctx)
        if jobs < 1:
            self.fail(f"{jobs} is not at least 1; use 'auto' for one per CPU core", param, ctx)
        return jobs


def _cores() -> int:
    # A container or `taskset` may allow fewer cores than the machine has.
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _jobs_help(what: str) -> str:
    return (f"{what} N at once, each in its own process; 'auto' for one per CPU core. The results are "
            "the same, only sooner. [default: 1]")


@cli.command(epilog=_EPILOG)
@click.argument("scenario_paths", metavar="SCENARIO...", nargs=-1, required=True,
                type=click.Path(dir_okay=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Where to write the comparison workbook (default: workbooks/<scenario id>.xlsx); "
                   "with several scenarios, a folder to write each <scenario id>.xlsx in.")
@click.option("--json", "json_path", metavar="PATH|-",
              help="Also write the results as JSON to PATH, or to standard output with '-' (one scenario).")
@click.option("--strict", is_flag=True, help="Exit 1 if any published figure does not agree, or the model review gives "
                                             "a warning the scenario does not acknowledge (the outputs are still "
                                             "written, and say which).")
@click.option("--manifest", "manifest_path", type=click.Path(path_type=Path),
              help="Write a run record (hashes, versions, command, checks) as JSON to PATH, and on the Cover "
                   "(one scenario).")
@click.option("--force", is_flag=True,
              help="Replace output files even if costmodel did not write them, or they were changed since.")
@click.option("--jobs", "-j", type=_Jobs(), default=1, metavar="N|auto", help=_jobs_help("Run scenarios"))
@allow_large
def run(scenario_paths: tuple[Path, ...], output: Path | None, json_path: str | None, strict: bool,
        manifest_path: Path | None, force: bool, jobs: int, allow_large: bool) -> None:
    """Project every option of a scenario and write the comparison workbook.

    Prints the options ranked by net present cost, and every published figure
    the scenario states with whether the arithmetic agrees.

    With several scenarios (a regional batch), each is written to its own
    workbooks/<scenario id>.xlsx (or into the folder -o names), progress goes
    to standard error as each finishes, and one table at the end gives each
    scenario's cheapest option, or what went wrong. A scenario with problems
    does not stop the others; the exit code is 1 if any failed. Two scenarios
    with the same id are refused before anything is written.

    \b
    Example:
      costmodel run scenarios/isle-of-wight-2017.yaml
      costmodel run scenarios/isle-of-wight-2017.yaml -o paper.xlsx --json - > results.json
      costmodel run scenarios/*.yaml --jobs auto -o region/
    """
    if len(scenario_paths) > 1:
        _run_batch(scenario_paths, output, json_path, strict, manifest_path, force, jobs, allow_large)
    else:
        _run_one(scenario_paths[0], output, json_path, strict, manifest_path, force, allow_large)


def _run_one(scenario_path: Path, output: Path | None, json_path: str | None, strict: bool,
             manifest_path: Path | None, force: bool, allow_large: bool = False) -> None:
    from .audit.review import review, unacknowledged
    from .engine.projection import project
    from .files import OutputError, Outputs, signed_json
    from .report import assemble
    from .scenario.loader import load_scenario
    from .scenario.problems import ScenarioError
    from .workbook.writer import write_workbook

    target = output if output is not None else None
    if target is not None and target.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{target} should end in .xlsx; for JSON use --json PATH", param_hint="-o")
    try:
        scenario = _within_limits(load_scenario(scenario_path, _limits(allow_large)), allow_large)
    except ScenarioError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(EXIT_BAD_INPUT)
    projection = project(scenario)
    warnings = review(projection)
    target = target or Path("workbooks") / f"{scenario.metadata.id}.xlsx"
    # With --json -, standard output carries the JSON alone; the table goes to stderr.
    to_stderr = json_path == "-"
    json_target = Path(json_path) if json_path not in (None, "-") else None
    text = None
    try:
        with Outputs([scenario_path], force) as outputs:
            outputs.check([target, json_target, manifest_path])
            record = None
            if manifest_path is not None:
                from .audit.manifest import cover_lines, run_record, sha256_of

                # The command that re-runs this, rebuilt from what was asked, however it was invoked.
                command = ["costmodel", "run", str(scenario_path), "-o", str(target)]
                command += ["--json", json_path] if json_path is not None else []
                command += ["--strict"] if strict else []
                command += ["--manifest", str(manifest_path)]
                record = run_record(scenario_path, projection, command)
            with assemble(projection, warnings=warnings,
                          run_record=cover_lines(record) if record else None) as report:
                workbook = write_workbook(report)
            # Each is staged, as it will be on disk; none is in place until commit() puts all there.
            written = outputs.workbook(target, workbook)
            hashes = [{"path": str(target), "sha256": sha256_of(written)}] if record else []
            if json_path is not None:
                text = report.json_text()
                if json_target:
                    written = outputs.json(json_target, text)
                    if record:
                        hashes.append({"path": str(json_target), "sha256": sha256_of(written)})
            if record is not None:
                import json

                record["outputs"] = hashes
                outputs.json(manifest_path, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
            outputs.commit()
    except OutputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if json_path == "-":
        click.echo(signed_json(text).decode("utf-8"), nl=False)
    click.echo(render_summary(projection), err=to_stderr)
    click.echo(render_checks(projection), err=to_stderr)
    if projection.scenario.appraisal is not None:
        click.echo(render_appraisal(projection), err=to_stderr)
    click.echo(render_review(warnings), err=to_stderr)
    written = [str(t) for t in (target, json_target, manifest_path) if t]
    click.echo("wrote " + ", ".join(written), err=to_stderr)
    if strict and (not all(check.ok for check in projection.checks) or unacknowledged(warnings)):
        sys.exit(EXIT_BAD_INPUT)


# --------------------------------------------------------------------------- batches

@dataclass(frozen=True)
class _Outcome:
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


def _within_limits(scenario, allow_large: bool):
    """The scenario, if the workbook `run` writes for it (with its analysis) is within the limits."""
    from .limits import check_work, workbook_draws

    check_work(scenario, _limits(allow_large), workbook_draws(scenario), "its workbook's Sensitivity and Risk sheets")
    return scenario


def _scenario_id(path: Path, allow_large: bool = False) -> _Outcome:
    """First pass of a batch: does the scenario load, and which workbook would it write?"""
    from .scenario.loader import load_scenario
    from .scenario.problems import ScenarioError

    try:
        scenario = _within_limits(load_scenario(path, _limits(allow_large)), allow_large)
    except ScenarioError as exc:
        return _Outcome(False, tuple(str(problem) for problem in exc.problems))
    return _Outcome(True, scenario_id=scenario.metadata.id)


def _build_and_write(path: Path, target: Path, scenario_id: str, allow_large: bool = False,
                     force: bool = False) -> _Outcome:
    """Second pass: project one scenario and write its workbook, exactly as `costmodel run` with -o does."""
    from .audit.review import review, unacknowledged
    from .engine.projection import project
    from .files import OutputError, Outputs
    from .scenario.loader import load_scenario
    from .scenario.problems import ScenarioError
    from .workbook.writer import build_workbook

    try:
        scenario = _within_limits(load_scenario(path, _limits(allow_large)), allow_large)
    except ScenarioError as exc:
        return _Outcome(False, tuple(str(problem) for problem in exc.problems))
    if scenario.metadata.id != scenario_id:
        return _Outcome(False, (f"error: {path}: its id changed while the batch ran; run it again",))
    projection = project(scenario)
    warnings = review(projection)
    try:
        with Outputs([path], force) as outputs:
            outputs.workbook(target, build_workbook(projection, warnings=warnings))
            outputs.commit()
    except OutputError as exc:
        return _Outcome(False, (f"error: {exc}",))
    first = projection.summary.sort_values(["rank", "option"]).iloc[0]
    checks = projection.checks
    return _Outcome(True, tuple(str(warning) for warning in warnings), scenario_id=scenario_id,
                    cheapest=str(first["name"]), npc=float(first["npc"]), agree=sum(check.ok for check in checks),
                    stated=len(checks), warned=len(unacknowledged(warnings)))


def _verify_one(path: Path, allow_large: bool = False) -> _Outcome:
    from .audit.verify import WorkbookError
    from .audit.verify import verify as verify_workbook

    try:
        result = verify_workbook(path, _limits(allow_large))
    except WorkbookError as exc:
        return _Outcome(False, (f"error: {exc}",), report={"workbook": str(path), "verified": False, "error": str(exc)})
    return _Outcome(result.ok, text=render_verification(result), report=result.to_json())


#: In a worker process: an interrupt has come, and whether a file's work is under way.
_stopping = False
_working = False


def _worker_started() -> None:
    from . import background

    background.enabled = False  # the batch keeps every processor busy already
    take(signal.SIGINT, _stop_worker)
    take(signal.SIGTERM, _stop_worker)
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


def _timed(work, *arguments) -> tuple[float, _Outcome]:
    """Run one file's work, in a worker or in this process; a fault becomes that file's failure."""
    global _working
    started = time.perf_counter()
    _working = True
    try:
        outcome = work(*arguments)
    except Exception as exc:  # a fault in costmodel on one file must not lose the rest of the batch
        outcome = _Outcome(False, (_fault(exc),))
    finally:
        _working = False
        if _stopping:
            os._exit(143)
    return time.perf_counter() - started, outcome


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _fault(exc: BaseException) -> str:
    return (f"costmodel could not finish ({type(exc).__name__}: {exc}). This is a fault in costmodel, "
            f"not in your files; please report it with the command you ran.")


class _Workers:
    """Files worked on in this process (one job) or in a pool of processes (several).

    One job runs everything here, so a batch with --jobs 1 is the plain loop; either
    way each file's work is the same function, so the bytes written are the same.
    On an interrupt the waiting files are dropped and the running ones stopped (each
    removes its half-written temporary file) before the interrupt carries on.
    """

    def __init__(self, jobs: int, files: int):
        self.jobs = max(1, min(jobs, files))
        self.executor = None

    def __enter__(self) -> "_Workers":
        if self.jobs > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # Forked workers start with what this process has loaded; elsewhere the platform's default.
            context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
            self.executor = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_worker_started)
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

        broken = _Outcome(False, ("error: the process working on it stopped unexpectedly (out of memory?); "
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


def _run_batch(paths: tuple[Path, ...], output: Path | None, json_path: str | None, strict: bool,
               manifest_path: Path | None, force: bool, jobs: int, allow_large: bool = False) -> None:
    from .files import OutputError, check_targets

    if json_path is not None:
        raise click.UsageError("--json writes one scenario's results; run each scenario on its own for its JSON")
    if manifest_path is not None:
        raise click.UsageError("--manifest records one run; run each scenario on its own for its record")
    if output is not None and (output.suffix.lower() == ".xlsx" or (output.exists() and not output.is_dir())):
        raise click.UsageError(f"with several scenarios, -o names a folder to write each <scenario id>.xlsx in; "
                               f"{output} is not one")
    folder = output if output is not None else Path("workbooks")
    count = len(paths)
    outcomes: dict[int, _Outcome] = {}
    targets: dict[int, Path] = {}
    loading: dict[int, float] = {}
    finished: list[int] = []
    written: list[int] = []
    clashes: list[str] = []

    def report(index: int, seconds: float, outcome: _Outcome) -> None:
        outcomes[index] = outcome
        finished.append(index)
        differ = outcome.stated - outcome.agree
        result = "FAILED" if not outcome.ok else "FAILED (--strict)" if strict and outcome.fails_strict else "ok"
        click.echo(f"[{len(finished)}/{count}] {paths[index]}: {result}, {seconds:.1f} s", err=True)
        for line in outcome.lines:
            click.echo(line, err=True)
        if outcome.ok and strict and differ:
            click.echo(f"{paths[index]}: {differ} of {outcome.stated} published figures differ; its workbook "
                       "was written, and says which", err=True)
        if outcome.ok and strict and outcome.warned:
            click.echo(f"{paths[index]}: {outcome.warned} warning{'s' if outcome.warned != 1 else ''} of the model "
                       "review not acknowledged; its workbook was written, and lists them", err=True)

    def loaded(index: int, seconds: float, outcome: _Outcome) -> None:
        if outcome.ok:
            outcomes[index], loading[index] = outcome, seconds
        else:
            report(index, seconds, outcome)

    try:
        with _Workers(jobs, count) as workers:
            workers.each(_scenario_id, [(path, allow_large) for path in paths], loaded)
            for index in sorted(i for i, outcome in outcomes.items() if outcome.ok):
                targets[index] = folder / f"{outcomes[index].scenario_id}.xlsx"
            clashes = _clashes(targets, paths)
            if not clashes:
                calls, indices = [], []
                for index, target in targets.items():
                    try:
                        check_targets([target], list(paths), force)
                    except OutputError as exc:
                        report(index, loading[index], _Outcome(False, (f"error: {exc}",)))
                        continue
                    calls.append((paths[index], target, outcomes[index].scenario_id, allow_large, force))
                    indices.append(index)

                def built(position: int, seconds: float, outcome: _Outcome) -> None:
                    if outcome.ok:
                        written.append(indices[position])
                    report(indices[position], loading[indices[position]] + seconds, outcome)

                workers.each(_build_and_write, calls, built, [_size(call[0]) for call in calls])
    except (KeyboardInterrupt, SystemExit) as exc:
        whole = (f"the {len(written)} workbook{'s' if len(written) != 1 else ''} reported ok above "
                 f"{'were' if len(written) != 1 else 'was'} written whole; nothing else was changed"
                 if written else "no output was changed")
        click.echo(f"interrupted; {whole}", err=True)
        sys.exit(130 if isinstance(exc, KeyboardInterrupt) else exc.code)
    if clashes:
        for line in clashes:
            click.echo(line, err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(render_batch(paths, outcomes, {index: targets[index] for index in written}, strict))
    failed = [paths[index] for index in range(count)
              if not outcomes[index].ok or (strict and outcomes[index].fails_strict)]
    if failed:
        click.echo(f"{len(failed)} of {count} scenarios failed: " + ", ".join(map(str, failed)), err=True)
        sys.exit(EXIT_BAD_INPUT)


def _clashes(targets: dict[int, Path], paths: tuple[Path, ...]) -> list[str]:
    """Two scenarios that would write the same workbook, each pair named."""
    by_path: dict[Path, list[int]] = {}
    for index, target in targets.items():
        by_path.setdefault(target.resolve(), []).append(index)
    return [f"error: {targets[indices[0]]}: would be written by " + " and ".join(str(paths[i]) for i in indices)
            + " (the same metadata id); give each scenario its own id. Nothing was written."
            for indices in by_path.values() if len(indices) > 1]


@cli.command(epilog=_EPILOG)
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=Path))
@click.option("--json", "json_path", metavar="PATH|-", help="Write the report as JSON to PATH, or '-' for standard output.")
@click.option("--force", is_flag=True,
              help="Replace the JSON file even if costmodel did not write it, or it was changed since.")
@click.option("--jobs", "-j", type=_Jobs(), default=1, metavar="N|auto", help=_jobs_help("Verify workbooks"))
@allow_large
def verify(workbooks: tuple[Path, ...], json_path: str | None, force: bool, jobs: int, allow_large: bool) -> None:
    """Re-run the scenario inside each published workbook and compare every cell.

    Reports `verified: N cells agree`, or each cell that differs as
    `Sheet!Cell: published X, re-run Y` (inputs first, then formulas), and says
    plainly if the workbook came from another costmodel version, its embedded
    scenario was edited, or it was saved by a tool that drops the values stored
    beside formulas (then inputs and formulas are compared, and it does not
    verify). Re-saving in a spreadsheet program, without an edit, is no difference.
    With several workbooks, a last line on standard error names each that did
    not verify; with --jobs, progress goes there too, and the report is the same.

    \b
    Example:
      costmodel verify workbooks/*.xlsx --jobs auto
      costmodel verify cabinet-paper.xlsx --json report.json
    """
    import json

    from .files import OutputError, Outputs, check_targets, signed_json

    to_stderr = json_path == "-"
    if json_path not in (None, "-"):
        try:
            check_targets([Path(json_path)], list(workbooks), force)
        except OutputError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
    outcomes: dict[int, _Outcome] = {}
    shown = 0

    def verified(index: int, seconds: float, outcome: _Outcome) -> None:
        nonlocal shown
        outcomes[index] = outcome
        if jobs > 1:
            result = ("verified" if outcome.ok else "FAILED" if outcome.lines else
                      "differs" if outcome.report["differences"] or outcome.report["scenario_edited"] else
                      "not verified (no stored values)")
            click.echo(f"[{len(outcomes)}/{len(workbooks)}] {workbooks[index]}: {result}, {seconds:.1f} s", err=True)
        # Reports in the order the workbooks were given, whichever finishes first.
        while shown in outcomes:
            for line in outcomes[shown].lines:
                click.echo(line, err=True)
            if outcomes[shown].text:
                click.echo(outcomes[shown].text, err=to_stderr)
            shown += 1

    with _Workers(jobs, len(workbooks)) as workers:
        workers.each(_verify_one, [(path, allow_large) for path in workbooks], verified,
                     [_size(path) for path in workbooks])
    reports = [outcomes[index].report for index in range(len(workbooks))]
    failed = [path for index, path in enumerate(workbooks) if not outcomes[index].ok]
    if json_path is not None:
        text = json.dumps({"costmodel_version": __version__, "workbooks": reports}, indent=2,
                          ensure_ascii=False) + "\n"
        if json_path == "-":
            click.echo(signed_json(text).decode("utf-8"), nl=False)
        else:
            try:
                with Outputs(workbooks, force) as outputs:
                    outputs.json(json_path, text)
                    outputs.commit()
            except OutputError as exc:
                click.echo(f"error: {exc}", err=True)
                sys.exit(EXIT_BAD_INPUT)
    if len(workbooks) > 1:
        click.echo(f"{len(failed)} of {len(workbooks)} workbooks did not verify: " + ", ".join(map(str, failed))
                   if failed else f"all {len(workbooks)} workbooks verified", err=True)
    if failed:
        sys.exit(EXIT_BAD_INPUT)


@cli.command(epilog=_EPILOG)
@click.argument("old", type=click.Path(dir_okay=True, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--json", "json_path", metavar="PATH|-", help="Write the diff as JSON to PATH, or '-' for standard output.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Also write the diff as a workbook with a waterfall chart per option (.xlsx).")
@click.option("--force", is_flag=True,
              help="Replace output files even if costmodel did not write them, or they were changed since.")
@allow_large
def diff(old: Path, new: Path, json_path: str | None, output: Path | None, force: bool, allow_large: bool) -> None:
    """Show what changed between two versions of a scenario, and what each change did.

    OLD and NEW are scenario files or costmodel workbooks (their embedded
    scenario is used). Changes are applied one at a time, in the order of the
    new file, and each option's change in NPC and cash is attributed to them;
    the parts add up to the whole.

    \b
    Example:
      costmodel diff draft-1.yaml draft-2.yaml
      costmodel diff cabinet-2017.xlsx draft-2018.yaml -o what-moved.xlsx
    """
    import json

    from .audit.diff import diff as diff_scenarios
    from .audit.reader import WorkbookError
    from .files import OutputError, Outputs, signed_json
    from .scenario.problems import ScenarioError

    if output is not None and output.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{output} should end in .xlsx; for JSON use --json PATH", param_hint="-o")
    try:
        report = diff_scenarios(old, new, _limits(allow_large))
    except ScenarioError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(EXIT_BAD_INPUT)
    except WorkbookError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    to_stderr = json_path == "-"
    text = json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n" if json_path is not None else None
    try:
        with Outputs([old, new], force) as outputs:
            outputs.check([output, Path(json_path) if json_path not in (None, "-") else None])
            if output is not None:
                from .workbook.diffbook import build_diff_workbook

                outputs.workbook(output, build_diff_workbook(report))
            if json_path not in (None, "-"):
                outputs.json(json_path, text)
            outputs.commit()
    except OutputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if json_path == "-":
        click.echo(signed_json(text).decode("utf-8"), nl=False)
    click.echo(render_diff(report), err=to_stderr)


def _load_or_exit(path: Path, allow_large: bool = False, draws=lambda scenario: 0, doing: str = ""):
    """The scenario, or its problems shown and exit 1; `draws` says how many draws the command will
    project, for the limit on the work (costmodel/limits.py)."""
    from .limits import check_work
    from .scenario.loader import load_scenario
    from .scenario.problems import ScenarioError

    try:
        chosen = _limits(allow_large)
        scenario = load_scenario(path, chosen)
        check_work(scenario, chosen, draws(scenario), doing)
        return scenario
    except ScenarioError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(EXIT_BAD_INPUT)


def _check_outputs_or_exit(json_path: str | None, output: Path | None, inputs: list[Path], force: bool) -> None:
    """Before any work: the outputs asked for can be written."""
    from .files import OutputError, check_targets

    if output is not None and output.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{output} should end in .xlsx; for JSON use --json PATH", param_hint="-o")
    try:
        check_targets([t for t in (output, Path(json_path) if json_path not in (None, "-") else None) if t],
                      inputs, force)
    except OutputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def _write_outputs(data: dict, book: bytes | None, json_path: str | None, output: Path | None, inputs: list[Path],
                   force: bool) -> None:
    """JSON to a file or standard output, and a workbook, each written whole or not at all."""
    import json

    from .files import OutputError, Outputs, signed_json

    if output is not None and output.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{output} should end in .xlsx; for JSON use --json PATH", param_hint="-o")
    text = json.dumps({"costmodel_version": __version__, **data}, indent=2, ensure_ascii=False) + "\n"
    try:
        with Outputs(inputs, force) as outputs:
            outputs.check([output, Path(json_path) if json_path not in (None, "-") else None])
            if output is not None and book is not None:
                outputs.workbook(output, book)
            if json_path not in (None, "-"):
                outputs.json(json_path, text)
            outputs.commit()
    except OutputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if json_path == "-":
        click.echo(signed_json(text).decode("utf-8"), nl=False)


@cli.command(epilog=_EPILOG)
@click.argument("scenario_path", metavar="SCENARIO", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--json", "json_path", metavar="PATH|-", help="Write the results as JSON to PATH, or '-'.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write a Sensitivity workbook (.xlsx).")
@click.option("--force", is_flag=True,
              help="Replace output files even if costmodel did not write them, or they were changed since.")
@allow_large
def sensitivity(scenario_path: Path, json_path: str | None, output: Path | None, force: bool,
                allow_large: bool) -> None:
    """Vary each uncertain input from its low to its high, one at a time, and find switching values.

    For every input the scenario gives a range, each option's net present cost
    at the input's low and high, ranked by swing (a tornado chart's data), and
    the value at which the cheapest option would change, said in words.

    \b
    Example:
      costmodel sensitivity scenarios/isle-of-wight-2017.yaml
      costmodel sensitivity scenarios/isle-of-wight-2017.yaml -o sensitivity.xlsx --json -
    """
    from .limits import sensitivity_draws
    from .scenario.ranges import ranged_inputs
    from .uncertainty.sensitivity import sensitivity as analyse

    scenario = _load_or_exit(scenario_path, allow_large, lambda s: sensitivity_draws(len(ranged_inputs(s))),
                             "the sensitivity analysis")
    _check_outputs_or_exit(json_path, output, [scenario_path], force)
    result = analyse(scenario)
    book = None
    if output is not None:
        from .workbook.uncertainty_sheets import sensitivity_sheet, uncertainty_workbook

        book = uncertainty_workbook([lambda b, s: sensitivity_sheet(b, s, result)])
    data, weights = result.to_json(), None
    if scenario.appraisal is not None:
        from .appraisal.evaluate import appraise
        from .engine.projection import project

        weights = appraise(project(scenario))
        appraisal_json = weights.to_json()
        data["weight_switching_values"] = appraisal_json["weight_switching_values"]
        data["score_switching_values"] = appraisal_json["score_switching_values"]
    _write_outputs(data, book, json_path, output, [scenario_path], force)
    click.echo(render_sensitivity(result), err=json_path == "-")
    if weights is not None and weights.switches:
        click.echo("\nWeights of the appraisal (how far each would have to move to change the preferred option):\n"
                   + "\n".join(f"  {weights.in_words(switch)}" for switch in weights.switches), err=json_path == "-")
        if weights.score_switches:
            click.echo("\nScores that could change the preferred option within the scale:\n"
                       + "\n".join(f"  {weights.score_in_words(switch)}" for switch in weights.score_switches),
                       err=json_path == "-")


@cli.command(epilog=_EPILOG)
@click.argument("scenario_path", metavar="SCENARIO", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--draws", type=click.IntRange(1, MAX_DRAWS), default=10_000, show_default=True,
              help="How many draws.")
@click.option("--seed", type=click.IntRange(0), default=1, show_default=True,
              help="The random seed: the same seed gives the same figures.")
@click.option("--json", "json_path", metavar="PATH|-", help="Write the results as JSON to PATH, or '-'.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write a Risk workbook (.xlsx).")
@click.option("--force", is_flag=True,
              help="Replace output files even if costmodel did not write them, or they were changed since.")
@allow_large
def simulate(scenario_path: Path, draws: int, seed: int, json_path: str | None, output: Path | None,
             force: bool, allow_large: bool) -> None:
    """Monte Carlo: draw every uncertain input together and project every option for each draw.

    Reports each option's mean, P10, P50 and P90 net present cost and cash
    total, and the probability that each option is the cheapest.

    \b
    Example:
      costmodel simulate scenarios/isle-of-wight-2017.yaml --draws 100000 --seed 1
      costmodel simulate scenarios/isle-of-wight-2017.yaml --json - > risk.json
    """
    from .uncertainty.simulate import simulate as run_simulation

    scenario = _load_or_exit(scenario_path, allow_large, lambda s: draws, "the simulation")
    _check_outputs_or_exit(json_path, output, [scenario_path], force)
    # A progress bar only on a terminal, and only for a run long enough to want one.
    show = sys.stderr.isatty() and draws >= 50_000
    with click.progressbar(length=draws, label="drawing", file=sys.stderr) if show else _Silent() as bar:
        result = run_simulation(scenario, draws, seed, progress=bar.update)
    book = None
    if output is not None:
        from .workbook.uncertainty_sheets import risk_sheet, uncertainty_workbook

        book = uncertainty_workbook([lambda b, s: risk_sheet(b, s, result)])
    _write_outputs(result.to_json(), book, json_path, output, [scenario_path], force)
    click.echo(render_simulation(result), err=json_path == "-")


class _Silent:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n):
        pass


@cli.command(epilog=_EPILOG)
@click.argument("path", required=False, default="scenario.yaml", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init(path: Path, force: bool) -> None:
    """Write an annotated starter scenario to PATH (default scenario.yaml).

    \b
    Example:
      costmodel init my-council.yaml
      costmodel validate my-council.yaml
    """
    from importlib.resources import files

    from .files import OutputError, write_atomic

    if path.exists() and not force:
        click.echo(f"error: {path} exists; choose another name or use --force", err=True)
        sys.exit(EXIT_BAD_INPUT)
    template = files("costmodel").joinpath("templates/template.yaml").read_bytes()
    try:
        write_atomic(path, template, force=force)
    except OutputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(f"wrote {path}; edit it, then run: costmodel validate {path}")


# --------------------------------------------------------------------------- rendering

def money(value: float) -> str:
    """£1,234,567 with negatives in brackets, as a finance officer writes them."""
    text = f"£{abs(value):,.0f}"
    return f"({text})" if round(value) < 0 else text


def render_summary(projection) -> str:
    from .scenario.defaults import DISCOUNT_WORDS

    summary = projection.summary.sort_values(["rank", "option"])
    scenario = projection.scenario
    header = (f"{scenario.metadata.title}\n"
              f"{scenario.timeline.years} years from {projection.year_labels[0]}; real terms at "
              f"{_fy(scenario.timeline.price_base)} prices; discounted at "
              f"{DISCOUNT_WORDS[scenario.assumptions.discounting.schedule]}. Costs positive.\n")
    columns = ["Rank", "Option", "Cash total", "NPC", "EAC", "NPC vs baseline", "Break-even"]
    rows = []
    for _, row in summary.iterrows():
        name = row["name"] + (" (baseline)" if row["baseline"] else "")
        versus = "-" if row["baseline"] else money(row["vs_baseline_npc"])
        rows.append([str(row["rank"]), name, money(row["cash_total"]), money(row["npc"]), money(row["eac"]),
                     versus, row["break_even_year"] or "-"])
    return header + _table(columns, rows, right=[0, 2, 3, 4, 5])


def render_appraisal(projection) -> str:
    from .appraisal.evaluate import appraise

    appraised = appraise(projection)
    shortlisted = [outcome for outcome in appraised.long_list if outcome.shortlisted]
    lines = [f"Options appraisal: {len(appraised.long_list)} on the long list, {len(shortlisted)} through "
             f"{len(appraised.appraisal.gateways)} gateway criteria."]
    preferred = appraised.preferred
    if appraised.no_shortlist:
        return f"{lines[0]} {appraised.no_shortlist}"
    if preferred is None or not appraised.appraisal.criteria:
        return lines[0]
    high = appraised.appraisal.scale.high.value
    lines[0] += (f" Preferred by weighted score: {appraised.names[preferred.option]} "
                 f"({preferred.weighted:.2f} of {high:g}).")
    rows = [[str(s.rank_by_score), appraised.names[s.option], f"{s.weighted:.2f}", money(s.npc), str(s.rank_by_npc)]
            for s in sorted(appraised.scored, key=lambda s: (s.rank_by_score, s.npc))]
    lines.append(_table(["Rank", "Option", "Weighted score", "NPC", "Rank by NPC"], rows, right=[0, 2, 3, 4]))
    return "\n".join(lines)


def render_checks(projection) -> str:
    checks = projection.checks
    if not checks:
        return "No published figures stated to check."
    failed = [check for check in checks if not check.ok]
    lines = [f"Published figures: {len(checks) - len(failed)} of {len(checks)} agree"
             + (f"; {len(failed)} differ (warning)" if failed else "")]
    for check in checks:
        mark = "ok  " if check.ok else "DIFF"
        lines.append(f"  {mark} {check.name}: stated {money(check.expected)}, computed {money(check.computed)}, "
                     f"difference {_signed(check.difference)} (tolerance ±{_pounds(check.tolerance)})"
                     + (f" [{check.source}]" if check.source else ""))
    return "\n".join(lines)


def render_review(warnings) -> str:
    """The model review, after the run's tables: each warning on a line of its own."""
    from .audit.review import in_words

    if not warnings:
        return "Model review: no warnings."
    return f"Model review: {in_words(warnings)} (docs/warnings.md)\n" + "\n".join(f"  {w}" for w in warnings)


#: Differences shown for one sheet before the rest are counted instead.
SHOWN_A_SHEET = 12


def render_verification(result) -> str:
    if result.ok:
        head = f"verified: {result.cells_compared:,} cells agree"
    elif result.stored_values_missing and not result.differences and not result.scenario_edited:
        head = (f"not verified: inputs and formulas agree ({result.cells_compared:,} cells), but it holds no "
                "stored values")
    else:
        head = f"{len(result.differences):,} of {result.cells_compared:,} cells differ"
    lines = [f"{result.path}: {head}"]
    lines += [f"  note: {finding}" for finding in result.findings]
    from .audit.verify import INPUTS

    # In the order verify gives them (inputs, then formulas, then the rest), a group a sheet.
    groups: dict[tuple, list] = {}
    for difference in result.differences:
        formula = difference.kind == "formula" and difference.sheet != INPUTS
        groups.setdefault((formula, difference.sheet), []).append(difference)
    for (formula, sheet), differences in groups.items():
        what = "formulas" if formula else "cells"
        if len(differences) > SHOWN_A_SHEET:
            lines.append(f"  {sheet}: {len(differences):,} {what} differ; the first {SHOWN_A_SHEET}:")
        for difference in differences[:SHOWN_A_SHEET]:
            lines.append(f"  {difference} ({difference.kind})")
        if len(differences) > SHOWN_A_SHEET:
            lines.append(f"  ... and {len(differences) - SHOWN_A_SHEET:,} more {what} on {sheet}")
    return "\n".join(lines)


def render_diff(report) -> str:
    lines = [f"From {report.old_name}", f"  to {report.new_name}"]
    if not report.steps:
        lines.append("No figure changed" + (" (text only, below)." if report.text_changes else "."))
    else:
        lines.append("Changes, applied one at a time in the order of the new file:")
        for n, step in enumerate(report.steps, start=1):
            for change in step.changes:
                where = f" (line {change.line})" if change.line else ""
                lines.append(f"  [{n}] {change}{where}")
            if len(step.changes) > 1:
                lines.append("      (applied together: the scenario is not valid with only some of them)")
    for measure, label in (("npc", "Net present cost"), ("cash", "Cash total")):
        columns = ["Option", "Old", "New"] + [f"[{n}]" for n in range(1, len(report.steps) + 1)] + ["Change"]
        rows = []
        position = 1 if measure == "npc" else 0
        for option_id, name in report.options.items():
            old = report.old_totals.get(option_id, (0.0, 0.0))[position]
            new = report.new_totals.get(option_id, (0.0, 0.0))[position]
            parts = [getattr(step, measure).get(option_id, 0.0) for step in report.steps]
            status = report.status(option_id)
            shown = name[:50] + ("" if status == "in both" else f" (option {status})")
            rows.append([shown, money(old) if status != "added" else "-", money(new) if status != "dropped" else "-"]
                        + [_change(p) for p in parts] + [_change(new - old)])
        lines.append("")
        lines.append(f"{label}, what each change moved (the changes add up to the whole):")
        lines.append(_table(columns, rows, right=list(range(1, len(columns)))))
    for part in report.outcome.parts:
        if part.in_old or part.in_new:
            lines.append("")
            lines.append(f"{part.title}: {part.in_words}" + (":" if part.changes else ""))
            lines += [f"  {change}" for change in part.changes]
    if report.text_changes:
        lines.append("")
        lines.append(f"Text only (cannot move a figure): {len(report.text_changes)}")
        lines += [f"  {change}" for change in report.text_changes[:20]]
    return "\n".join(lines)


def render_sensitivity(result) -> str:
    names = result.names
    lines = [f"At central values the cheapest option is {names[result.cheapest]}."]
    if not result.swings:
        return lines[0] + " The scenario gives no input a range, so there is nothing to vary."
    lines.append("")
    lines.append("Switching values:")
    lines += [f"  {result.in_words(switch)}" for switch in result.switches]
    if result.runner_up is not None:
        lines.append("")
        lines.append(f"The gap between {names[result.runner_up]} and {names[result.cheapest]}, "
                     "largest swing first:")
        rows = [[s.input.label[:70], money(s.gap[0]), money(s.gap[1]), money(s.swing())] for s in result.ranked()]
        lines.append(_table(["Input", "Gap at low", "Gap at high", "Swing"], rows, right=[1, 2, 3]))
    return "\n".join(lines)


def render_simulation(result) -> str:
    cheapest = result.probability_cheapest()
    rows = []
    for outcome in result.outcomes:
        summary = outcome.summary()["npc"]
        rows.append([outcome.name[:50], money(summary["mean"]), money(summary["p10"]), money(summary["p50"]),
                     money(summary["p90"]), f"{cheapest[outcome.option]:.1%}"])
    header = (f"{result.draws:,} draws (seed {result.seed}) of {len(result.inputs)} uncertain inputs. "
              "Net present cost:")
    return header + "\n" + _table(["Option", "Mean", "P10", "P50", "P90", "Cheapest"], rows,
                                   right=[1, 2, 3, 4, 5])


def render_batch(paths: tuple[Path, ...], outcomes: dict, written: dict, strict: bool) -> str:
    """One row a scenario, in the order given: its cheapest option and NPC, or what went wrong."""
    rows = []
    for index, path in enumerate(paths):
        outcome = outcomes[index]
        if not outcome.ok:
            rows.append([str(path), "FAILED", "-", "-", "-", _first_problem(outcome.lines[0], path)
                         + (f" (and {len(outcome.lines) - 1} more)" if len(outcome.lines) > 1 else "")])
            continue
        figures = f"{outcome.agree} of {outcome.stated} agree" if outcome.stated else "none stated"
        rows.append([str(path), "FAILED (--strict)" if strict and outcome.fails_strict else "ok", outcome.cheapest[:50],
                     money(outcome.npc), figures, str(written[index])])
    table = _table(["Scenario", "Result", "Cheapest option", "NPC", "Published figures", "Workbook, or the problem"],
                   rows, right=[3])
    return "\n".join(line.rstrip() for line in table.splitlines())


def _first_problem(line: str, path: Path) -> str:
    """A problem as the table shows it, where the row already names the scenario: `line 41: path: message`."""
    import re

    rest = line.removeprefix("error: ")
    if rest.startswith(f"{path}:"):
        rest = rest[len(f"{path}:"):]
        rest = re.sub(r"^(\d+):", r"line \1:", rest)
    return rest.strip()


def _change(value: float) -> str:
    return "-" if abs(value) < 0.005 else ("+" if value > 0 else "-") + money(abs(value))


def _signed(value: float) -> str:
    return ("+" if value >= 0 else "-") + _pounds(abs(value))


def _pounds(value: float) -> str:
    return f"£{value:,.2f}" if value < 100 else f"£{value:,.0f}"


def _fy(year: int) -> str:
    from .scenario.units import financial_year_label

    return financial_year_label(year)


def _table(columns: list[str], rows: list[list[str]], right: list[int]) -> str:
    widths = [max(len(columns[i]), *(len(r[i]) for r in rows)) for i in range(len(columns))]

    def line(cells):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    return "\n".join([line(columns), line(["-" * w for w in widths])] + [line(r) for r in rows])


def main() -> None:
    # A polite kill becomes a clean exit, so partly written outputs are cleaned up on the way out;
    # Ctrl-C becomes KeyboardInterrupt again (python -m costmodel quietens it while loading).
    # Either is left ignored where whoever started costmodel said to ignore it.
    take(signal.SIGTERM, _terminated)
    take(signal.SIGINT, signal.default_int_handler)
    code = _command_line()
    # The command has ended and said how: an interrupt now could stop nothing, only print a
    # traceback while Python shuts down.
    hold()
    sys.exit(code)


def _command_line() -> int | str | None:
    """Run the command given; its exit code (what `sys.exit` takes)."""
    try:
        returned = cli.main(standalone_mode=False)
    except SystemExit as stopped:
        return stopped.code
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("interrupted; no output was changed", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except Exception as exc:  # a fault in costmodel: say so in one line rather than show a traceback
        click.echo(f"costmodel could not finish ({type(exc).__name__}: {exc}). This is a fault in costmodel, "
                   f"not in your files; please report it with the command you ran.", err=True)
        return EXIT_BAD_INPUT
    # Without standalone mode, click returns the exit code of --help and --version (0).
    return returned if isinstance(returned, int) else EXIT_OK


def _terminated(signum, frame):
    raise SystemExit(143)


if __name__ == "__main__":
    main()

