"""What the terminal shows: each command's results as text tables and sentences.

The command line (cli.py) calls these and prints what they return; they print nothing
themselves, so a test or another front end can read the same words.
"""

from __future__ import annotations

import re
from pathlib import Path

#: Control characters but the tab and line feed of a message's own layout: ESC, BEL, CR, DEL, the C1 set.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text as a terminal shows it rather than acts on it: each control character written as
    \\u001b, the form JSON uses, so printed JSON is still the same JSON.

    Messages carry text from outside (a scenario's keys and names, a workbook's cells, file names),
    and an escape sequence there could set the terminal's title, clear its screen or overwrite a line."""
    return _CONTROL.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def money(value: float) -> str:
    """£1,234,567 with negatives in brackets, as a finance officer writes them."""
    text = f"£{abs(value):,.0f}"
    return f"({text})" if round(value) < 0 else text


def _settled(scenario) -> bool:
    """Whether an option pays a company or trust a contract sum (with its margin and tax, transfers)."""
    return any(option.contract_sum is not None for option in scenario.options)


def _transfers(scenario) -> str:
    if _settled(scenario):
        return "VAT, corporation tax and contract margins left out as transfers"
    return "VAT left out as a transfer to the Exchequer"


def _paid(scenario) -> str:
    return "what it pays a company or trust, VAT included" if _settled(scenario) else "VAT included"


def render_summary(projection) -> str:
    from .scenario.defaults import DISCOUNT_WORDS

    scenario = projection.scenario
    header = (f"{scenario.metadata.title}\n"
              f"{scenario.timeline.years} years from {projection.year_labels[0]}; real terms at "
              f"{_fy(scenario.timeline.price_base)} prices; discounted at "
              f"{DISCOUNT_WORDS[scenario.assumptions.discounting.schedule]}. Costs positive.\n"
              f"{_parameters_line(scenario.priced_with)}\n"
              f"Economic case (ranks the options): NPC and EAC, real terms, discounted, {_transfers(scenario)}.\n"
              f"Financial case: cash as the council's budget pays it, {_paid(scenario)}, not discounted.\n")
    columns = ["Rank", "Option", "NPC (economic)", "EAC (economic)", "NPC vs baseline", "Cash (financial)",
               "Break-even"]
    envelope = scenario.assumptions.budget_envelope is not None
    if envelope:
        columns.append("Above budget from")
    rows = []
    for row in projection.ranked:
        name = row.name + (" (baseline)" if row.baseline else "")
        versus = "-" if row.baseline else money(row.vs_baseline_npc)
        rows.append([str(row.rank), name, money(row.npc), money(row.eac), versus, money(row.cash_total),
                     row.break_even_year or "-"])
        if envelope:
            rows[-1].append(projection.option(row.option).totals.measure("first_unaffordable_year") or "never")
    return header + _table(columns, rows, right=[0, 2, 3, 4, 5])


def _parameters_line(priced_with) -> str:
    if priced_with.pinned:
        return f"Parameter set {priced_with.label}, as the scenario pins."
    return (f"Parameter set {priced_with.label}, the latest: the scenario pins none (write {priced_with.pin} in it "
            f"to keep these figures when costmodel is upgraded).")


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
    from .review import in_words

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
    if result.parameter_set is not None:
        how = "pinned by the scenario" if result.parameter_set_pinned else "recorded on the Cover"
        head += f" (parameter set {result.parameter_set}, {how})"
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
            # An input change says what it is in its first words; every other difference after them.
            said = str(difference)
            lines.append(f"  {said}" if said.startswith(difference.kind) else f"  {said} ({difference.kind})")
        if len(differences) > SHOWN_A_SHEET:
            lines.append(f"  ... and {len(differences) - SHOWN_A_SHEET:,} more {what} on {sheet}")
    return "\n".join(lines)


def render_import(imported, workbook, output) -> str:
    """What `costmodel import` carried back: each changed figure, its cells, and the line it is on."""
    if not imported.changes:
        return (f"{printable(str(workbook))}: no input differs from its scenario; wrote the scenario as published "
                f"to {printable(str(output))}")
    lines = [f"{printable(str(workbook))}: {len(imported.changes)} input{'s' if len(imported.changes) != 1 else ''} "
             f"changed in the workbook, written to {printable(str(output))}:"]
    for change in imported.changes:
        cells = ", ".join(change.cells[:3]) + (f" and {len(change.cells) - 3} more" if len(change.cells) > 3 else "")
        lines.append(f"  {cells} ({printable(change.label)}): was {printable(change.was)}, now "
                     f"{printable(change.now)} (line {change.line}, {change.path})")
    lines.append(f"See what they did to every total: costmodel diff {printable(str(workbook))} "
                 f"{printable(str(output))}")
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
    for measure, label in (("npc", "Net present cost (economic case)"), ("cash", "Cash total (financial case)")):
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
