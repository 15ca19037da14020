"""The command line: parse arguments, call the library, show results, set the exit code.

Exit codes: 0 success; 1 a bad scenario, an output that could not be written,
or (with --strict) a published figure that does not agree; 2 a bad command line.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE = 0, 1, 2
#: Memory stays the same whatever the number of draws; this only keeps a run to hours, not days.
MAX_DRAWS = 100_000_000

_EPILOG = """\b
Exit codes: 0 success; 1 bad scenario, unwritable output, or a failed
published-figure check with --strict; 2 bad command line."""


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
def validate(scenarios: tuple[Path, ...]) -> None:
    """Check scenario files and list every problem with its file and line.

    \b
    Example:
      costmodel validate scenarios/*.yaml
    """
    from .scenario.loader import load_scenario
    from .scenario.problems import ScenarioError

    failed = 0
    for path in scenarios:
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            failed += 1
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            continue
        figures = len(scenario.published_figures)
        click.echo(f"{path}: ok ({len(scenario.options)} options, {scenario.timeline.years} years, "
                   f"{figures} published figure{'' if figures == 1 else 's'})")
    if failed:
        click.echo(f"{failed} of {len(scenarios)} scenario files have problems", err=True)
        sys.exit(EXIT_BAD_INPUT)


@cli.command(epilog=_EPILOG)
@click.argument("scenario_path", metavar="SCENARIO", type=click.Path(dir_okay=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Where to write the comparison workbook (default: workbooks/<scenario id>.xlsx).")
@click.option("--json", "json_path", metavar="PATH|-",
              help="Also write the results as JSON to PATH, or to standard output with '-'.")
@click.option("--strict", is_flag=True, help="Exit 1 if any published figure does not agree.")
@click.option("--manifest", "manifest_path", type=click.Path(path_type=Path),
              help="Write a run record (hashes, versions, command, checks) as JSON to PATH, and on the Cover.")
@click.option("--force", is_flag=True, help="Replace output files even if costmodel did not write them.")
def run(scenario_path: Path, output: Path | None, json_path: str | None, strict: bool,
        manifest_path: Path | None, force: bool) -> None:
    """Project every option of a scenario and write the comparison workbook.

    Prints the options ranked by net present cost, and every published figure
    the scenario states with whether the arithmetic agrees.

    \b
    Example:
      costmodel run scenarios/isle-of-wight-2017.yaml
      costmodel run scenarios/isle-of-wight-2017.yaml -o paper.xlsx --json - > results.json
    """
    from .engine.projection import project, projection_json
    from .files import OutputError, check_targets, write_atomic
    from .scenario.loader import load_scenario
    from .scenario.problems import ScenarioError
    from .workbook.writer import build_workbook

    target = output if output is not None else None
    if target is not None and target.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{target} should end in .xlsx; for JSON use --json PATH", param_hint="-o")
    try:
        scenario = load_scenario(scenario_path)
    except ScenarioError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(EXIT_BAD_INPUT)
    projection = project(scenario)
    target = target or Path("workbooks") / f"{scenario.metadata.id}.xlsx"
    # With --json -, standard output carries the JSON alone; the table goes to stderr.
    to_stderr = json_path == "-"
    json_target = Path(json_path) if json_path not in (None, "-") else None
    try:
        check_targets([t for t in (target, json_target, manifest_path) if t], [scenario_path], force)
        record = None
        if manifest_path is not None:
            from .audit.manifest import cover_lines, run_record, sha256_of

            # The command that re-runs this, rebuilt from what was asked, however it was invoked.
            command = ["costmodel", "run", str(scenario_path), "-o", str(target)]
            command += ["--json", json_path] if json_path is not None else []
            command += ["--strict"] if strict else []
            command += ["--manifest", str(manifest_path)]
            record = run_record(scenario_path, projection, command)
        workbook = build_workbook(projection, run_record=cover_lines(record) if record else None)
        write_atomic(target, workbook)
        outputs = [{"path": str(target), "sha256": sha256_of(workbook)}] if record else []
        if json_path is not None:
            text = projection_json(projection)
            if json_target:
                write_atomic(json_target, text.encode("utf-8"))
                if record:
                    outputs.append({"path": str(json_target), "sha256": sha256_of(text.encode("utf-8"))})
            else:
                click.echo(text, nl=False)
        if record is not None:
            import json

            record["outputs"] = outputs
            write_atomic(manifest_path, (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    except OutputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(render_summary(projection), err=to_stderr)
    click.echo(render_checks(projection), err=to_stderr)
    written = [str(t) for t in (target, json_target, manifest_path) if t]
    click.echo("wrote " + ", ".join(written), err=to_stderr)
    if strict and not all(check.ok for check in projection.checks):
        sys.exit(EXIT_BAD_INPUT)


@cli.command(epilog=_EPILOG)
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=Path))
@click.option("--json", "json_path", metavar="PATH|-", help="Write the report as JSON to PATH, or '-' for standard output.")
@click.option("--force", is_flag=True, help="Replace the JSON file even if costmodel did not write it.")
def verify(workbooks: tuple[Path, ...], json_path: str | None, force: bool) -> None:
    """Re-run the scenario inside each published workbook and compare every cell.

    Reports `verified: N cells agree`, or each cell that differs as
    `Sheet!Cell: published X, re-run Y`, and says plainly if the workbook came
    from another costmodel version or its embedded scenario was edited.

    \b
    Example:
      costmodel verify workbooks/*.xlsx
      costmodel verify cabinet-paper.xlsx --json report.json
    """
    import json

    from .audit.verify import WorkbookError
    from .audit.verify import verify as verify_workbook
    from .files import OutputError, check_targets, write_atomic

    reports, failed = [], 0
    to_stderr = json_path == "-"
    if json_path not in (None, "-"):
        try:
            check_targets([Path(json_path)], list(workbooks), force)
        except OutputError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
    for path in workbooks:
        try:
            result = verify_workbook(path)
        except WorkbookError as exc:
            failed += 1
            click.echo(f"error: {exc}", err=True)
            reports.append({"workbook": str(path), "verified": False, "error": str(exc)})
            continue
        reports.append(result.to_json())
        failed += not result.ok
        click.echo(render_verification(result), err=to_stderr)
    if json_path is not None:
        text = json.dumps({"costmodel_version": __version__, "workbooks": reports}, indent=2,
                          ensure_ascii=False) + "\n"
        if json_path == "-":
            click.echo(text, nl=False)
        else:
            try:
                write_atomic(json_path, text.encode("utf-8"))
            except OutputError as exc:
                click.echo(f"error: {exc}", err=True)
                sys.exit(EXIT_BAD_INPUT)
    if failed:
        sys.exit(EXIT_BAD_INPUT)


@cli.command(epilog=_EPILOG)
@click.argument("old", type=click.Path(dir_okay=True, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--json", "json_path", metavar="PATH|-", help="Write the diff as JSON to PATH, or '-' for standard output.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Also write the diff as a workbook with a waterfall chart per option (.xlsx).")
@click.option("--force", is_flag=True, help="Replace output files even if costmodel did not write them.")
def diff(old: Path, new: Path, json_path: str | None, output: Path | None, force: bool) -> None:
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
    from .files import OutputError, check_targets, write_atomic
    from .scenario.problems import ScenarioError

    if output is not None and output.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{output} should end in .xlsx; for JSON use --json PATH", param_hint="-o")
    try:
        report = diff_scenarios(old, new)
    except ScenarioError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(EXIT_BAD_INPUT)
    except WorkbookError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    to_stderr = json_path == "-"
    try:
        targets = [t for t in (output, Path(json_path) if json_path not in (None, "-") else None) if t]
        check_targets(targets, [old, new], force)
        if output is not None:
            from .workbook.diffbook import build_diff_workbook

            write_atomic(output, build_diff_workbook(report))
        if json_path is not None:
            text = json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
            if json_path == "-":
                click.echo(text, nl=False)
            else:
                write_atomic(json_path, text.encode("utf-8"))
    except OutputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(render_diff(report), err=to_stderr)


def _load_or_exit(path: Path):
    from .scenario.loader import load_scenario
    from .scenario.problems import ScenarioError

    try:
        return load_scenario(path)
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

    from .files import OutputError, check_targets, write_atomic

    if output is not None and output.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{output} should end in .xlsx; for JSON use --json PATH", param_hint="-o")
    text = json.dumps({"costmodel_version": __version__, **data}, indent=2, ensure_ascii=False) + "\n"
    try:
        check_targets([t for t in (output, Path(json_path) if json_path not in (None, "-") else None) if t],
                      inputs, force)
        if output is not None and book is not None:
            write_atomic(output, book)
        if json_path not in (None, "-"):
            write_atomic(json_path, text.encode("utf-8"))
    except OutputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if json_path == "-":
        click.echo(text, nl=False)


@cli.command(epilog=_EPILOG)
@click.argument("scenario_path", metavar="SCENARIO", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--json", "json_path", metavar="PATH|-", help="Write the results as JSON to PATH, or '-'.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write a Sensitivity workbook (.xlsx).")
@click.option("--force", is_flag=True, help="Replace output files even if costmodel did not write them.")
def sensitivity(scenario_path: Path, json_path: str | None, output: Path | None, force: bool) -> None:
    """Vary each uncertain input from its low to its high, one at a time, and find switching values.

    For every input the scenario gives a range, each option's net present cost
    at the input's low and high, ranked by swing (a tornado chart's data), and
    the value at which the cheapest option would change, said in words.

    \b
    Example:
      costmodel sensitivity scenarios/isle-of-wight-2017.yaml
      costmodel sensitivity scenarios/isle-of-wight-2017.yaml -o sensitivity.xlsx --json -
    """
    from .uncertainty.sensitivity import sensitivity as analyse

    scenario = _load_or_exit(scenario_path)
    _check_outputs_or_exit(json_path, output, [scenario_path], force)
    result = analyse(scenario)
    book = None
    if output is not None:
        from .workbook.uncertainty_sheets import sensitivity_sheet, uncertainty_workbook

        book = uncertainty_workbook([lambda b, s: sensitivity_sheet(b, s, result)])
    _write_outputs(result.to_json(), book, json_path, output, [scenario_path], force)
    click.echo(render_sensitivity(result), err=json_path == "-")


@cli.command(epilog=_EPILOG)
@click.argument("scenario_path", metavar="SCENARIO", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--draws", type=click.IntRange(1, MAX_DRAWS), default=10_000, show_default=True,
              help="How many draws.")
@click.option("--seed", type=click.IntRange(0), default=1, show_default=True,
              help="The random seed: the same seed gives the same figures.")
@click.option("--json", "json_path", metavar="PATH|-", help="Write the results as JSON to PATH, or '-'.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write a Risk workbook (.xlsx).")
@click.option("--force", is_flag=True, help="Replace output files even if costmodel did not write them.")
def simulate(scenario_path: Path, draws: int, seed: int, json_path: str | None, output: Path | None,
             force: bool) -> None:
    """Monte Carlo: draw every uncertain input together and project every option for each draw.

    Reports each option's mean, P10, P50 and P90 net present cost and cash
    total, and the probability that each option is the cheapest.

    \b
    Example:
      costmodel simulate scenarios/isle-of-wight-2017.yaml --draws 100000 --seed 1
      costmodel simulate scenarios/isle-of-wight-2017.yaml --json - > risk.json
    """
    from .uncertainty.simulate import simulate as run_simulation

    scenario = _load_or_exit(scenario_path)
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
        write_atomic(path, template)
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


#: Differences shown for one sheet before the rest are counted instead.
SHOWN_A_SHEET = 12


def render_verification(result) -> str:
    lines = [f"{result.path}: " + (f"verified: {result.cells_compared:,} cells agree" if result.ok else
                                  f"{len(result.differences):,} of {result.cells_compared:,} cells differ")]
    lines += [f"  note: {finding}" for finding in result.findings]
    by_sheet: dict[str, list] = {}
    for difference in result.differences:
        by_sheet.setdefault(difference.sheet, []).append(difference)
    for sheet, differences in by_sheet.items():
        if len(differences) > SHOWN_A_SHEET:
            lines.append(f"  {sheet}: {len(differences):,} cells differ; the first {SHOWN_A_SHEET}:")
        for difference in differences[:SHOWN_A_SHEET]:
            lines.append(f"  {difference} ({difference.kind})")
        if len(differences) > SHOWN_A_SHEET:
            lines.append(f"  ... and {len(differences) - SHOWN_A_SHEET:,} more on {sheet}")
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
            rows.append([name[:50], money(old), money(new)] + [_change(p) for p in parts] + [_change(new - old)])
        lines.append("")
        lines.append(f"{label}, what each change moved (the changes add up to the whole):")
        lines.append(_table(columns, rows, right=list(range(1, len(columns)))))
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
    import signal

    # A polite kill becomes a clean exit, so partly written outputs are cleaned up on the way out;
    # Ctrl-C becomes KeyboardInterrupt again (python -m costmodel quietens it while loading).
    signal.signal(signal.SIGTERM, _terminated)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        cli.main(standalone_mode=False)
    except KeyboardInterrupt:
        click.echo("interrupted; no output was changed", err=True)
        sys.exit(130)
    except click.exceptions.Abort:
        click.echo("interrupted; no output was changed", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except Exception as exc:  # a fault in costmodel: say so in one line rather than show a traceback
        click.echo(f"costmodel could not finish ({type(exc).__name__}: {exc}). This is a fault in costmodel, "
                   f"not in your files; please report it with the command you ran.", err=True)
        sys.exit(EXIT_BAD_INPUT)


def _terminated(signum, frame):
    raise SystemExit(143)


if __name__ == "__main__":
    main()

