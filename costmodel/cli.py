"""The command line: parse arguments, call the library, show results, set the exit code.

Exit codes: 0 success; 1 a bad scenario, an output that could not be written,
or (with --strict) a published figure that does not agree or a warning of the
model review not acknowledged; 2 a bad command line.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import EXIT_BAD_INPUT, CostmodelError, fault_message
from .interrupts import NOTHING_CHANGED, hold, until_work
from .text import (printable, render_appraisal, render_batch, render_checks, render_diff, render_import,
                   render_review, render_sensitivity, render_simulation, render_summary)

EXIT_OK, EXIT_USAGE = 0, 2
#: Memory stays the same whatever the number of draws; this only keeps a run to hours, not days.
MAX_DRAWS = 100_000_000

#: Every command that reads a scenario or a workbook takes it (costmodel/limits.py, docs/limits.md).
allow_large = click.option("--allow-large", is_flag=True,
                           help="Raise the limits on file size, scenario lines, projection size and draws, for a "
                                "file you trust (docs/limits.md).")


def show(message: object = "", err: bool = False, nl: bool = True) -> None:
    """The one place the command line writes a message, a table or JSON to the terminal: text from
    outside (a scenario's keys and names, a workbook's cells) is shown, never acted on."""
    click.echo(printable(str(message)), err=err, nl=nl)


class _ClickMessages:
    """Where click writes its own messages (a bad command line, which may name a file): through `show`."""

    def write(self, text: str) -> None:
        show(text, err=True, nl=False)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        # click cuts the escape sequences it knows out of text for a stream that is not a terminal;
        # left whole, `show` writes each one out, so the name in the message is the name given.
        return True


def _limits(allow: bool):
    from .limits import limits

    return limits(allow)

_EPILOG = """\b
Exit codes: 0 success; 1 bad scenario, unwritable output, or with --strict
a failed published-figure check or an unacknowledged warning; 2 bad command line."""


class _Commands(click.Group):
    """The one place an error the library raises is shown: its lines on standard error, then its exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CostmodelError as exc:
            for line in exc.lines():
                show(line, err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=_Commands, epilog=_EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
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
      costmodel report scenarios/isle-of-wight-2017.yaml -o pack.pdf
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
    from .review import review, unacknowledged
    from .engine.projection import project
    from .scenario.loader import load_scenario
    from .scenario.problems import ScenarioError

    from .scenario.work import check_work

    failed = warned = 0
    chosen = _limits(allow_large)
    for path in scenarios:
        try:
            scenario = load_scenario(path, chosen)
            check_work(scenario, chosen)
        except ScenarioError as exc:
            failed += 1
            for problem in exc.problems:
                show(str(problem), err=True)
            continue
        warnings = review(project(scenario))
        for warning in warnings:
            show(str(warning), err=True)
        figures = len(scenario.published_figures)
        show(f"{path}: ok ({len(scenario.options)} options, {scenario.timeline.years} years, "
             f"{figures} published figure{'' if figures == 1 else 's'}; {_warnings_in_words(warnings)})")
        warned += bool(unacknowledged(warnings))
    if failed:
        show(f"{failed} of {len(scenarios)} scenario files have problems", err=True)
    if strict and warned:
        show(f"{warned} of {len(scenarios)} scenario files have warnings they do not acknowledge (--strict)",
             err=True)
    if failed or (strict and warned):
        sys.exit(EXIT_BAD_INPUT)


def _warnings_in_words(warnings) -> str:
    from .review import in_words

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
@click.option("--manifest", "manifest_path", type=click.Path(path_type=Path), metavar="PATH|-",
              help="Write a run record (hashes, versions, command, checks) as JSON to PATH, or to standard "
                   "output with '-', and on the Cover (one scenario).")
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
    from .scale import without_cycle_collection

    # What a run loads is some 300 modules' functions and classes, all kept to the end: the cycle
    # collector's passes over them while they load find nothing to collect.
    with without_cycle_collection():
        from .review import review, unacknowledged
        from .batch import within_limits
        from .engine.projection import project
        from .files import Outputs, signed_json
        from .report import assemble
        from .scenario.loader import load_scenario
        from .workbook.writer import write_workbook

    target = output if output is not None else None
    if target is not None and target.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{target} should end in .xlsx; for JSON use --json PATH", param_hint="-o")
    # '-' is standard output, for the run record as for the JSON results; not both at once.
    record_to_stdout = manifest_path is not None and str(manifest_path) == "-"
    if record_to_stdout and json_path == "-":
        raise click.UsageError("--json - and --manifest - would both write to standard output; send one to a file")
    scenario = within_limits(load_scenario(scenario_path, _limits(allow_large)), allow_large)
    projection = project(scenario)
    warnings = review(projection)
    target = target or Path("workbooks") / f"{scenario.metadata.id}.xlsx"
    # With --json - (or --manifest -), standard output carries the JSON alone; the table goes to stderr.
    to_stderr = json_path == "-" or record_to_stdout
    json_target = Path(json_path) if json_path not in (None, "-") else None
    manifest_target = None if record_to_stdout else manifest_path
    text = record_text = None
    with Outputs([scenario_path], force) as outputs:
        outputs.check([target, json_target, manifest_target])
        record = None
        if manifest_path is not None:
            from .audit.manifest import cover_lines, run_record, sha256_of

            # The command that re-runs this, rebuilt from what was asked, however it was invoked.
            command = ["costmodel", "run", str(scenario_path), "-o", str(target)]
            command += ["--json", json_path] if json_path is not None else []
            command += ["--strict"] if strict else []
            command += ["--manifest", str(manifest_path)]
            record = run_record(scenario_path, projection, command)
        with assemble(projection, warnings=warnings, run_record=cover_lines(record) if record else None) as report:
            workbook = write_workbook(report)
        # Each is staged as it will be on disk; none is in place until commit() puts all there.
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
            record_text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
            if manifest_target is not None:
                outputs.json(manifest_target, record_text)
        outputs.commit()
    # Standard output only once every file is in place: a failed run prints no results.
    if json_path == "-":
        show(signed_json(text).decode("utf-8"), nl=False)
    if record_to_stdout:
        show(signed_json(record_text).decode("utf-8"), nl=False)
    show(render_summary(projection), err=to_stderr)
    show(render_checks(projection), err=to_stderr)
    if projection.scenario.appraisal is not None:
        show(render_appraisal(projection), err=to_stderr)
    show(render_review(warnings), err=to_stderr)
    written = [str(t) for t in (target, json_target, manifest_target) if t]
    show("wrote " + ", ".join(written), err=to_stderr)
    if strict and (not all(check.ok for check in projection.checks) or unacknowledged(warnings)):
        sys.exit(EXIT_BAD_INPUT)


def _run_batch(paths: tuple[Path, ...], output: Path | None, json_path: str | None, strict: bool,
               manifest_path: Path | None, force: bool, jobs: int, allow_large: bool = False) -> None:
    from .batch import run_batch

    if json_path is not None:
        raise click.UsageError("--json writes one scenario's results; run each scenario on its own for its JSON")
    if manifest_path is not None:
        raise click.UsageError("--manifest records one run; run each scenario on its own for its record")
    if output is not None and (output.suffix.lower() == ".xlsx" or (output.exists() and not output.is_dir())):
        raise click.UsageError(f"with several scenarios, -o names a folder to write each <scenario id>.xlsx in; "
                               f"{output} is not one")
    try:
        batch = run_batch(paths, output if output is not None else Path("workbooks"), strict, force, jobs,
                          allow_large, lambda line: show(line, err=True))
    except KeyboardInterrupt:
        sys.exit(130)  # the batch has said what it wrote
    if batch.clashes:
        for line in batch.clashes:
            show(line, err=True)
        sys.exit(EXIT_BAD_INPUT)
    show(render_batch(paths, batch.outcomes, {index: batch.targets[index] for index in batch.written}, strict))
    failed = [paths[index] for index in batch.failed(strict)]
    if failed:
        show(f"{len(failed)} of {len(paths)} scenarios failed: " + ", ".join(map(str, failed)), err=True)
        sys.exit(EXIT_BAD_INPUT)


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

    from .batch import Outcome, Workers, size_of, verify_one
    from .files import Outputs, check_targets, signed_json

    to_stderr = json_path == "-"
    if json_path not in (None, "-"):
        check_targets([Path(json_path)], list(workbooks), force)
    outcomes: dict[int, Outcome] = {}
    shown = 0

    def verified(index: int, seconds: float, outcome: Outcome) -> None:
        nonlocal shown
        outcomes[index] = outcome
        if jobs > 1:
            result = ("verified" if outcome.ok else "FAILED" if outcome.lines else
                      "differs" if outcome.report["differences"] or outcome.report["scenario_edited"] else
                      "not verified (no stored values)")
            show(f"[{len(outcomes)}/{len(workbooks)}] {workbooks[index]}: {result}, {seconds:.1f} s", err=True)
        # Reports in the order the workbooks were given, whichever finishes first.
        while shown in outcomes:
            for line in outcomes[shown].lines:
                show(line, err=True)
            if outcomes[shown].text:
                show(outcomes[shown].text, err=to_stderr)
            shown += 1

    with Workers(jobs, len(workbooks)) as workers:
        workers.each(verify_one, [(path, allow_large) for path in workbooks], verified,
                     [size_of(path) for path in workbooks])
    reports = [outcomes[index].report for index in range(len(workbooks))]
    failed = [path for index, path in enumerate(workbooks) if not outcomes[index].ok]
    if json_path is not None:
        text = json.dumps({"costmodel_version": __version__, "workbooks": reports}, indent=2,
                          ensure_ascii=False) + "\n"
        if json_path == "-":
            show(signed_json(text).decode("utf-8"), nl=False)
        else:
            with Outputs(workbooks, force) as outputs:
                outputs.json(json_path, text)
                outputs.commit()
    if len(workbooks) > 1:
        show(f"{len(failed)} of {len(workbooks)} workbooks did not verify: " + ", ".join(map(str, failed))
             if failed else f"all {len(workbooks)} workbooks verified", err=True)
    if failed:
        sys.exit(EXIT_BAD_INPUT)


@cli.command("import", epilog=_EPILOG)
@click.argument("workbook", type=click.Path(dir_okay=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The scenario file to write (.yaml).")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@allow_large
def import_(workbook: Path, output: Path, force: bool, allow_large: bool) -> None:
    """Write the scenario a workbook was built from, with every input changed in the workbook.

    Reads the input cells of WORKBOOK (a costmodel workbook, as published or
    saved again by Excel or LibreOffice) and writes the scenario on its Scenario
    sheet to OUTPUT with each changed figure replaced where it is written, in the
    file's own style, and marked "changed in the workbook: was ...". Comments,
    sources and layout stay as they were. Refuses, writing nothing, a workbook
    costmodel did not write, one whose formulas were edited, and a figure the
    scenario format would refuse.

    \b
    Example:
      costmodel import what-if.xlsx -o what-if.yaml
      costmodel diff workbooks/isle-of-wight-2017.xlsx what-if.yaml
    """
    from .audit.importing import import_workbook
    from .files import Outputs

    if output.suffix.lower() not in (".yaml", ".yml"):
        raise click.BadParameter(f"{output} should end in .yaml", param_hint="-o")
    with Outputs([workbook], force) as outputs:
        outputs.check([output])
        imported = import_workbook(workbook, _limits(allow_large))
        outputs.add(output, imported.text.encode("utf-8"))
        outputs.commit()
    show(render_import(imported, workbook, output))


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
    from .files import Outputs, signed_json

    if output is not None and output.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{output} should end in .xlsx; for JSON use --json PATH", param_hint="-o")
    report = diff_scenarios(old, new, _limits(allow_large))
    to_stderr = json_path == "-"
    text = json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n" if json_path is not None else None
    with Outputs([old, new], force) as outputs:
        outputs.check([output, Path(json_path) if json_path not in (None, "-") else None])
        if output is not None:
            from .workbook.diffbook import build_diff_workbook

            outputs.workbook(output, build_diff_workbook(report))
        if json_path not in (None, "-"):
            outputs.json(json_path, text)
        outputs.commit()
    if json_path == "-":
        show(signed_json(text).decode("utf-8"), nl=False)
    show(render_diff(report), err=to_stderr)


def _load_within_limits(path: Path, allow_large: bool = False, draws=lambda scenario: 0, doing: str = ""):
    """The scenario, if it loads and its work is within the limits; `draws` says how many draws the command will
    project, for the limit on the work (costmodel/limits.py)."""
    from .scenario.work import check_work
    from .scenario.loader import load_scenario

    chosen = _limits(allow_large)
    scenario = load_scenario(path, chosen)
    check_work(scenario, chosen, draws(scenario), doing)
    return scenario


def _check_outputs(json_path: str | None, output: Path | None, inputs: list[Path], force: bool) -> None:
    """Before any work: the outputs asked for can be written."""
    from .files import check_targets

    if output is not None and output.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{output} should end in .xlsx; for JSON use --json PATH", param_hint="-o")
    check_targets([t for t in (output, Path(json_path) if json_path not in (None, "-") else None) if t],
                  inputs, force)


def _write_outputs(data: dict, book: bytes | None, json_path: str | None, output: Path | None, inputs: list[Path],
                   force: bool) -> None:
    """JSON to a file or standard output, and a workbook, each written whole or not at all."""
    import json

    from .files import Outputs, signed_json

    if output is not None and output.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{output} should end in .xlsx; for JSON use --json PATH", param_hint="-o")
    text = json.dumps({"costmodel_version": __version__, **data}, indent=2, ensure_ascii=False) + "\n"
    with Outputs(inputs, force) as outputs:
        outputs.check([output, Path(json_path) if json_path not in (None, "-") else None])
        if output is not None and book is not None:
            outputs.workbook(output, book)
        if json_path not in (None, "-"):
            outputs.json(json_path, text)
        outputs.commit()
    if json_path == "-":
        show(signed_json(text).decode("utf-8"), nl=False)


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
    from .uncertainty.sensitivity import sensitivity_draws
    from .scenario.ranges import ranged_inputs
    from .uncertainty.sensitivity import sensitivity as analyse

    scenario = _load_within_limits(scenario_path, allow_large, lambda s: sensitivity_draws(len(ranged_inputs(s))),
                             "the sensitivity analysis")
    _check_outputs(json_path, output, [scenario_path], force)
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
    show(render_sensitivity(result), err=json_path == "-")
    if weights is not None and weights.switches:
        show("\nWeights of the appraisal (how far each would have to move to change the preferred option):\n"
             + "\n".join(f"  {weights.in_words(switch)}" for switch in weights.switches), err=json_path == "-")
        if weights.score_switches:
            show("\nScores that could change the preferred option within the scale:\n"
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

    scenario = _load_within_limits(scenario_path, allow_large, lambda s: draws, "the simulation")
    _check_outputs(json_path, output, [scenario_path], force)
    # A progress bar only on a terminal, and only for a run long enough to want one.
    with_bar = sys.stderr.isatty() and draws >= 50_000
    with click.progressbar(length=draws, label="drawing", file=sys.stderr) if with_bar else _Silent() as bar:
        result = run_simulation(scenario, draws, seed, progress=bar.update)
    book = None
    if output is not None:
        from .workbook.uncertainty_sheets import risk_sheet, uncertainty_workbook

        book = uncertainty_workbook([lambda b, s: risk_sheet(b, s, result)])
    _write_outputs(result.to_json(), book, json_path, output, [scenario_path], force)
    show(render_simulation(result), err=json_path == "-")


@cli.command(epilog=_EPILOG)
@click.argument("scenario_path", metavar="SCENARIO", type=click.Path(dir_okay=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Where to write the pack: a .pdf (A4, to print or circulate) or a .docx (Word, to paste its "
                   "tables and charts into a council's template).")
@click.option("--force", is_flag=True, help="Replace the output file even if costmodel did not write it.")
@allow_large
def report(scenario_path: Path, output: Path, force: bool, allow_large: bool) -> None:
    """Write the committee pack: the financial-implications section of a Cabinet paper.

    The answer first (the options ranked by net present cost, cash by year),
    then charts of cost by year, cumulative cost and cost by category; the
    tornado, switching values and the range of net present cost from the
    simulation (where the scenario gives ranges); failure risk and optimism
    bias; the assumptions that matter most with their sources; the published
    figures checked; and an assurance statement with the scenario's
    fingerprint and the command that re-runs it.

    \b
    Example:
      costmodel report scenarios/isle-of-wight-2017.yaml -o pack.pdf
      costmodel report scenarios/isle-of-wight-2017.yaml -o pack.docx
    """
    import shlex

    from .engine.projection import project
    from .files import Outputs
    from .pack import PACK_KINDS, write_pack
    from .report import assemble, workbook_draws

    kind = PACK_KINDS.get(output.suffix.lower())
    if kind is None:
        raise click.BadParameter(f"{output} should end in .pdf or .docx", param_hint="-o")
    scenario = _load_within_limits(scenario_path, allow_large, workbook_draws, "the committee pack")
    with Outputs([scenario_path], force) as outputs:
        outputs.check([output])
        with assemble(project(scenario)) as assembled:
            data = write_pack(assembled, kind,
                              shlex.join(["costmodel", "report", str(scenario_path), "-o", str(output)]))
        # Signed as costmodel's own, so that the next run replaces it without --force.
        outputs.pdf(output, data) if kind == "pdf" else outputs.workbook(output, data)
        outputs.commit()
    show(f"wrote {output}")


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

    from .files import write_atomic

    if path.exists() and not force:
        show(f"error: {path} exists; choose another name or use --force", err=True)
        sys.exit(EXIT_BAD_INPUT)
    template = files("costmodel").joinpath("templates/template.yaml").read_bytes()
    write_atomic(path, template, force=force)
    show(f"wrote {path}; edit it, then run: costmodel validate {path}")


def main() -> None:
    sys.exit(_command_line())


def _command_line() -> int | str | None:
    """Run the command given; its exit code (what `sys.exit` takes)."""
    try:
        try:
            # Ctrl-C and a polite kill end costmodel at once until it begins an output or a second
            # process; from then on they unwind (interrupts.at_work), caught and reported here.
            until_work()
            returned = cli.main(standalone_mode=False)
        finally:
            # The command has ended, and said how: an interrupt now could stop nothing, only print
            # a traceback while the ending is reported and Python shuts down.
            hold()
    except SystemExit as stopped:
        return stopped.code
    except (KeyboardInterrupt, click.exceptions.Abort):
        show(NOTHING_CHANGED, err=True)
        return 130
    except click.ClickException as exc:
        exc.show(file=_ClickMessages())
        return exc.exit_code
    except Exception as exc:  # a fault in costmodel: said in one line rather than shown as a traceback
        show(fault_message(exc), err=True)
        return EXIT_BAD_INPUT
    # Without standalone mode, click returns the exit code of --help and --version (0).
    return returned if isinstance(returned, int) else EXIT_OK


if __name__ == "__main__":
    main()

