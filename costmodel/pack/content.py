"""What the committee pack says: its headings, sentences, tables and charts, in reading order.

Built once from a `Report`, and laid out twice (pdf.py, word.py), so the PDF and the Word file
hold the same words and the same tables. Only display names reach the page: options by their
names, categories by their labels (lines/categories.py), inputs by their labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..lines.categories import CATEGORIES
from ..scenario.defaults import DISCOUNT_WORDS
from ..scenario.units import financial_year_label

#: How many inputs the tornado and the table of assumptions that matter most show.
TOP_INPUTS = 8
TORNADO_INPUTS = 6
#: Inputs that cannot change the answer are named up to this many; the rest are counted.
STEADY_NAMED = 6


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Paragraph:
    text: str
    #: "lead" for the answer, "body", "bullet", "small" for notes under a table, "code" for a command
    style: str = "body"


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]
    #: each column's share of the text width
    widths: list[float]
    #: "l" or "r" for each column
    align: str
    note: str | None = None
    #: rows (by index) shown in bold, such as a total
    bold_rows: tuple[int, ...] = ()


@dataclass
class Chart:
    title: str
    #: height in points at the full text width (the PDF's and the Word file's)
    height: float
    #: draw(figure, (left, bottom, width, height) in points from the figure's lower left)
    draw: Callable
    note: str | None = None


@dataclass
class Pack:
    title: str
    subtitle: str
    footer: str
    blocks: list = field(default_factory=list)


def money(value: float) -> str:
    """£1,234,567, negatives in brackets, as a finance officer writes them."""
    text = f"£{abs(value):,.0f}"
    return f"({text})" if round(value) < 0 else text


def millions(value: float) -> str:
    """£43.2m: for sentences, where the table beside gives the pound."""
    text = f"£{abs(value) / 1e6:,.1f}m"
    return f"({text})" if round(value / 1e5) < 0 else text


def thousands(value: float) -> str:
    text = f"{abs(value) / 1e3:,.0f}"
    return f"({text})" if round(value / 1e3) < 0 else text


def figure_value(value: float, unit: str, short: bool = False) -> str:
    """An input's value in its own unit, as a reader writes it; `short` for a label on a chart (£1.2m)."""
    if unit == "pounds":
        if short and abs(value) >= 100_000:
            # £1.23m, £3m: as many decimals as the figure needs, up to two.
            return f"£{abs(value) / 1e6:,.2f}".rstrip("0").rstrip(".") + "m" if value >= 0 else millions(value)
        return money(value)
    if unit == "rate":
        return f"{value * 100:.1f}%"
    return f"{value:,.4g}"


def pack_content(report, rerun_command: str) -> Pack:
    projection = report.projection
    scenario = projection.scenario
    meta = scenario.metadata
    ranked = sorted(projection.options, key=lambda r: (r.totals.measure("rank"), r.option.name))
    names = {r.option.id: r.option.name for r in ranked}
    years = projection.year_labels
    period = (f"{scenario.timeline.years} years from {years[0]}; real terms at "
              f"{financial_year_label(scenario.timeline.price_base)} prices, discounted at "
              f"{DISCOUNT_WORDS[scenario.assumptions.discounting.schedule]}")
    pack = Pack(title=f"Financial implications: {meta.title}",
                subtitle=f"{meta.authority} · scenario of {meta.date:%-d %B %Y} ({meta.status}) · {period}",
                footer=f"{meta.title} · financial implications")
    sensitivity = report.sensitivity if report.uncertain else None
    simulation = report.simulation if report.uncertain else None
    blocks = pack.blocks
    blocks += _answer(projection, ranked, names, simulation)
    blocks += _costs(projection, ranked, names)
    if sensitivity is not None:
        blocks += _uncertainty(ranked, names, sensitivity, simulation)
    blocks += _risks(projection, ranked, sensitivity, simulation, names)
    if sensitivity is not None:
        blocks += _assumptions(sensitivity)
    blocks += _checks(projection, names)
    blocks += _assurance(report, sensitivity, simulation, rerun_command)
    return pack


def _answer(projection, ranked, names, simulation) -> list:
    first = ranked[0]
    years = projection.year_labels
    lead = (f"{first.option.name} has the lowest net present cost in the economic case: "
            f"{millions(first.totals.measure('npc'))} over "
            f"{len(years)} years, {millions(first.cash()[0])} in cash in {years[0]} and "
            f"{millions(first.totals.measure('cash_total'))} in cash over the whole period.")
    if len(ranked) > 1:
        second = ranked[1]
        lead += (f" The next cheapest, {second.option.name}, costs "
                 f"{millions(second.totals.measure('npc') - first.totals.measure('npc'))} more in present value.")
    if simulation is not None:
        lead += (f" It is the cheapest in {simulation.cheapest[first.option.id]:.0%} of "
                 f"{simulation.draws:,} simulated futures.")
    blocks = [Heading("The answer"), Paragraph(lead, "lead")]
    budget = _budget_sentence(projection, ranked)
    if budget:
        blocks.append(Paragraph(budget))
    rows = []
    for result in ranked:
        totals = result.totals
        versus = "baseline" if result.option.baseline else money(totals.measure("vs_baseline_npc"))
        rows.append([str(int(totals.measure("rank"))), result.option.name, money(totals.measure("npc")),
                     money(totals.measure("cash_total")), money(totals.measure("eac")), versus])
    blocks.append(Table(
        "Table 1. The options ranked by net present cost (the economic case)",
        ["Rank", "Option", "Net present cost", "Cash total", "Equivalent annual cost", "NPC against the baseline"],
        rows, [0.06, 0.34, 0.15, 0.15, 0.15, 0.15], "llrrrr",
        note="Net present cost, the economic case: real terms, discounted, irrecoverable VAT left out as a "
             "transfer to the Exchequer. Cash, the financial case: nominal, VAT included, as the budget sees it. "
             "Costs are positive; savings and income negative."))
    envelope = projection.scenario.assumptions.budget_envelope
    heads = ["Year"] + [names[r.option.id] for r in ranked] + (["Budget envelope"] if envelope else [])
    cash = [[year] + [thousands(result.cash()[t]) for result in ranked]
            + ([thousands(envelope.for_year(projection.years[t]))] if envelope else []) for t, year in enumerate(years)]
    cash.append(["Total"] + [thousands(result.cash().sum()) for result in ranked]
                + ([thousands(sum(envelope.for_year(y) for y in projection.years))] if envelope else []))
    share = 0.84 / (len(heads) - 1)
    blocks.append(Table(
        "Table 2. The financial case: cash by year, as the budget sees it (£000, nominal)", heads,
        cash, [0.16] + [share] * (len(heads) - 1), "l" + "r" * (len(heads) - 1), bold_rows=(len(cash) - 1,)))
    return blocks


def _budget_sentence(projection, ranked) -> str:
    if projection.scenario.assumptions.budget_envelope is not None:
        return _envelope_sentence(ranked)
    appraisal = projection.scenario.appraisal
    gateways = [g for g in (appraisal.gateways if appraisal else []) if g.budget is not None]
    if not gateways:
        return ("The scenario states no budget envelope (the medium-term financial strategy's cash by year), "
                "so no gap to a budget is shown.")
    budget = gateways[0].budget.value
    parts = []
    for result in ranked:
        cash = result.cash()
        peak = int(np.argmax(cash))
        gap = cash[peak] - budget
        where = "above" if gap > 0 else "below"
        parts.append(f"{result.option.name}: highest year {projection.year_labels[peak]}, {millions(cash[peak])}, "
                     f"{millions(abs(gap))} {where} it")
    return f"Against the budget envelope of {money(budget)} a year: " + "; ".join(parts) + "."


def _envelope_sentence(ranked) -> str:
    """Each option against the budget envelope by year: the first year above it, and the gap over the horizon."""
    parts = []
    for result in ranked:
        totals = result.totals
        first, gap = totals.measure("first_unaffordable_year"), totals.measure("envelope_gap_total")
        where = f"first above it in {first}" if first else "within it every year"
        side = "more" if gap > 0 else "less"
        # Under a million pounds, to the pound: "£0.0m more" would say nothing.
        amount = millions(abs(gap)) if abs(gap) >= 1e6 else money(abs(gap))
        parts.append(f"{result.option.name}: {where}; {amount} {side} than it over the whole period")
    return "Against the budget envelope by year: " + "; ".join(parts) + "."


def _costs(projection, ranked, names) -> list:
    from .charts import composition_chart, line_chart

    years = projection.year_labels
    series = [(r.option.name, r.cash()) for r in ranked]
    blocks = [Heading("What each option costs, year by year"),
              Chart("Figure 1. Cash each year, by option (£m, nominal)", 190, line_chart(years, series)),
              Chart("Figure 2. Cumulative cash, by option (£m, nominal)", 190,
                    line_chart(years, [(name, np.cumsum(cash)) for name, cash in series]))]
    categories = [key for key in CATEGORIES if any(key in r.totals.categories and
                                                    abs(_category_npc(r, key)) >= 0.5 for r in ranked)]
    npc = {key: [_category_npc(r, key) for r in ranked] for key in categories}
    if categories:
        blocks.append(Chart("Figure 3. Net present cost by category (£m)", 150 + 12 * ((len(categories) + 1) // 2),
                            composition_chart([r.option.name for r in ranked],
                                              [(CATEGORIES[k], npc[k]) for k in categories])))
    else:
        blocks.append(Paragraph("No option has a cost in any category, so there is nothing to divide by category."))
    rows = [[CATEGORIES[key]] + [thousands(v) for v in npc[key]] for key in categories]
    rows.append(["Net present cost"] + [thousands(r.totals.measure("npc")) for r in ranked])
    share = 0.64 / len(ranked)
    blocks.append(Table("Table 3. Net present cost by category (£000)", ["Category"] + [names[r.option.id] for r in ranked],
                        rows, [0.36] + [share] * len(ranked), "l" + "r" * len(ranked), bold_rows=(len(rows) - 1,)))
    return blocks


def _category_npc(result, key: str) -> float:
    if key not in result.totals.categories:
        return 0.0
    return float(result.totals.of(key).row("category_pv").sum())


def _uncertainty(ranked, names, sensitivity, simulation) -> list:
    from .charts import distribution_chart, tornado_chart

    blocks = [Heading("How sure the answer is")]
    cheapest, runner_up = sensitivity.cheapest, sensitivity.runner_up
    top = [s for s in sensitivity.ranked() if s.swing() >= 0.5][:TORNADO_INPUTS]
    if runner_up is not None and top:
        lead = sensitivity.central[runner_up] - sensitivity.central[cheapest]
        bars = [(s.input.label, s.gap[0], s.gap[1], figure_value(s.low, s.input.figure.unit, short=True),
                 figure_value(s.high, s.input.figure.unit, short=True)) for s in top]
        blocks.append(Paragraph(
            f"Each input was moved from its low to its high with every other input at its central value. The "
            f"chart shows how far each moves the lead of {names[cheapest]} over {names[runner_up]} "
            f"({millions(lead)} at central values); a bar that crosses zero could change the answer."))
        blocks.append(Chart("Figure 4. The inputs that move the answer most: the lead of the cheapest option "
                            "over the next (£m)", 40 + 34 * len(bars), tornado_chart(lead, bars)))
    crossing = [w for w in sensitivity.switches if w.crossings]
    steady = [w for w in sensitivity.switches if not w.crossings]
    blocks.append(Heading("Switching values", 2))
    if crossing:
        blocks += [Paragraph(sensitivity.in_words(w), "bullet") for w in crossing]
    else:
        blocks.append(Paragraph("No input, across a range well beyond its low and high, changes the cheapest option."))
    if steady:
        # Each is listed in the workbook's Sensitivity sheet; here, how many, and the largest by swing.
        named = [w.input.label for w in steady][:STEADY_NAMED]
        rest = len(steady) - len(named)
        blocks.append(Paragraph(
            f"{names[cheapest]} stays the cheapest whatever the value, across a range well beyond its low and "
            f"high, of " + "; ".join(named)
            + (f"; and {rest} other uncertain input{'s' if rest > 1 else ''} (each in the workbook's Sensitivity "
               f"sheet)." if rest else ".")))
    if simulation is not None:
        outcomes = sorted(simulation.outcomes, key=lambda o: [r.option.id for r in ranked].index(o.option))
        blocks.append(Heading("The range of net present cost", 2))
        blocks.append(Paragraph(
            f"Every uncertain input drawn together, {simulation.draws:,} times (seed {simulation.seed}). "
            f"P10 and P90: one future in ten costs less than the first, one in ten more than the second."))
        blocks.append(Chart("Figure 5. The distribution of net present cost, with P10, P50 and P90 (£m)",
                            30 + 52 * len(outcomes),
                            distribution_chart(simulation.chart_edges,
                                               [(o.name, o.chart_counts, o.statistics["npc"]) for o in outcomes])))
        rows = [[o.name, money(o.statistics["npc"]["p10"]), money(o.statistics["npc"]["p50"]),
                 money(o.statistics["npc"]["p90"]), money(o.statistics["npc"]["mean"]),
                 f"{simulation.cheapest[o.option]:.1%}"] for o in outcomes]
        blocks.append(Table("Table 4. Net present cost in the simulation",
                            ["Option", "P10", "P50", "P90", "Mean", "Probability cheapest"], rows,
                            [0.34, 0.13, 0.13, 0.13, 0.13, 0.14], "lrrrrr"))
    return blocks


def _risks(projection, ranked, sensitivity, simulation, names) -> list:
    rows = []
    for result in ranked:
        option = result.option
        risk = option.failure_risk
        pv_factor = result.timeline.series["pv_factor"][0]
        failure = _category_npc(result, "failure_risk")
        bias_rows = [row for row in result.cost_rows if row.formula.key == "optimism_bias"]
        bias = float(sum((row.cash * pv_factor).sum() for row in bias_rows))
        rates = sorted({_bias_words(item.optimism_bias) for item in _setup_items(option) if item.optimism_bias})
        rows.append([option.name,
                     f"{risk.annual_probability.value:.0%} a year" if risk else "none stated",
                     money(risk.cost.value) if risk else "-",
                     money(failure),
                     "; ".join(rates) if rates else "none",
                     money(bias)])
    blocks = [Heading("The risks"), Table(
        "Table 5. Failure risk and optimism bias, by option",
        ["Option", "Chance of an inadequate judgement", "Cost if it happens", "Expected cost (NPC)",
         "Optimism bias on set-up", "Optimism bias (NPC)"],
        rows, [0.30, 0.13, 0.13, 0.13, 0.18, 0.13], "lrrrlr",
        note="Failure risk is costed at its expected value (probability x cost each year), as the Green Book asks. "
             "Optimism bias is an uplift on set-up costs, reduced by the mitigation claimed; it is not contingency.")]
    rests = []
    if sensitivity is not None and sensitivity.runner_up is not None:
        top = [s for s in sensitivity.ranked() if s.swing() >= 0.5][:3]
        if top:
            rests.append("The ranking rests most on " + "; ".join(s.input.label for s in top) + ".")
    if simulation is not None:
        first = ranked[0].option.id
        rests.append(f"Drawn together, the uncertain inputs leave {names[first]} the cheapest in "
                     f"{simulation.cheapest[first]:.0%} of futures.")
    if rests:
        blocks.append(Paragraph("What the result rests on. " + " ".join(rests)))
    return blocks


def _setup_items(option):
    setup = getattr(option, "setup", None)
    return list(setup or [])


def _bias_words(bias) -> str:
    upper, lower, mitigation = bias.upper_bound.value, bias.lower_bound.value, bias.mitigation.value
    if mitigation:
        towards = f" towards the {lower:.0%} lower bound" if lower else ""
        return f"{bias.applied:.0%}: {upper:.0%} upper bound, {mitigation:.0%} mitigated{towards}"
    return f"{upper:.0%}, no mitigation"


def _assumptions(sensitivity) -> list:
    top = [s for s in sensitivity.ranked() if s.swing() >= 0.5][:TOP_INPUTS]
    if not top:
        return []
    rows = []
    for swing in top:
        figure = swing.input.figure
        source = figure.source or (f"No published source. {figure.note.strip()}" if figure.note else "No source stated")
        rows.append([swing.input.label, figure_value(figure.value, figure.unit),
                     f"{figure_value(swing.low, figure.unit)} to {figure_value(swing.high, figure.unit)}",
                     money(swing.swing()), source])
    return [Heading("The assumptions that matter most"), Table(
        "Table 6. The inputs that move the answer most, with their sources",
        ["Assumption", "Central", "Range", "Moves the lead by", "Source"], rows,
        [0.28, 0.11, 0.16, 0.12, 0.33], "lrrrl",
        note="\"Moves the lead by\": how far the input, from its low to its high, changes the difference in net "
             "present cost between the two cheapest options.")]


def _checks(projection, names) -> list:
    checks = projection.checks
    blocks = [Heading("Published figures checked")]
    if not checks:
        return blocks + [Paragraph("The scenario states no published figures to check.")]
    agree = sum(check.ok for check in checks)
    blocks.append(Paragraph(
        f"The scenario states {len(checks)} figures that a published paper gives; costmodel recomputed each from its "
        f"inputs: {agree} agree within their tolerance, {len(checks) - agree} differ."))
    rows = [[check.name, money(check.expected), money(check.computed), money(check.difference),
             "yes" if check.ok else "no", check.source or "-"] for check in checks]
    blocks.append(Table("Table 7. Published figures against the arithmetic",
                        ["Figure", "Stated", "Computed", "Difference", "Agrees", "Source"], rows,
                        [0.34, 0.12, 0.12, 0.11, 0.08, 0.23], "lrrrll"))
    return blocks


def _assurance(report, sensitivity, simulation, rerun_command) -> list:
    from .. import __version__
    from ..review import CODES

    projection = report.projection
    meta = projection.scenario.metadata
    checks = projection.checks
    differ = [check for check in checks if not check.ok]
    warnings = report.warnings
    verified = [f"each of the {len(checks)} published figures was recomputed from the scenario's inputs "
                f"({len(checks) - len(differ)} agree)" if checks else "no published figures were stated to check",
                f"the model review found {len(warnings)} warning{'' if len(warnings) == 1 else 's'}"
                + (f", {sum(1 for w in warnings if w.acknowledged)} acknowledged in the scenario" if warnings else "")]
    if sensitivity is not None:
        verified.append(f"{len(sensitivity.swings)} uncertain inputs were tested one at a time for their switching "
                        f"values")
    if simulation is not None:
        verified.append(f"{simulation.draws:,} draws of all of them together (seed {simulation.seed}) give the ranges above")
    limitations = []
    if differ:
        limitations.append(f"{len(differ)} published figure{'s' if len(differ) > 1 else ''} "
                           f"differ{'' if len(differ) > 1 else 's'} from the arithmetic (Table 7): "
                           + "; ".join(check.name for check in differ))
    if sensitivity is not None:
        unsourced = [s for s in sensitivity.swings if not s.input.figure.source]
        if unsourced:
            limitations.append(f"{len(unsourced)} of the {len(sensitivity.swings)} uncertain inputs have no published "
                               f"source and are the scenario's own assumptions, each with a note")
    for warning in warnings:
        limitations.append(f"the model review's warning {warning.code} ({CODES[warning.code]})"
                           + (", which the scenario acknowledges" if warning.acknowledged else ", not acknowledged"))
    limitations.append("the figures are estimates from the scenario's inputs; costs that are the same under every "
                       "option may be left out of the scenario, so the totals compare options rather than "
                       "budget for them")
    return [
        Heading("Assurance statement"),
        Paragraph(f"In the terms of HM Treasury's Aqua Book. Built by {meta.author} for {meta.authority}; "
                  f"scenario dated {meta.date:%-d %B %Y}, status {meta.status}."),
        Paragraph("What was verified: " + "; ".join(verified) + "."),
        Paragraph("Limitations: " + "; ".join(limitations) + "."),
        Paragraph(f"The scenario's fingerprint (SHA-256 of its text and the costmodel version): "
                  f"{projection.fingerprint}. Made with costmodel {__version__}. To re-run it:"),
        Paragraph(rerun_command, "code"),
    ]
