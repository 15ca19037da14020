"""The Sensitivity and Risk sheets: results of many runs of the model, written as values.

They are computed by costmodel, not live formulas (a spreadsheet cannot re-run a simulation),
and each says so at the top.
"""

from __future__ import annotations

from .styles import MONEY, Styles

RESULTS_NOT_FORMULAS = ("These are results computed by costmodel from many runs of the model, not live formulas: "
                        "change an input in the scenario and run costmodel again to update them.")


def _number(unit: str) -> str:
    return {"rate": "0.0%", "pounds": MONEY}.get(unit, "#,##0.####")


def sensitivity_sheet(workbook, styles: Styles, result, name: str = "Sensitivity", sheet=None) -> None:
    """Write the Sensitivity sheet: on `sheet` where it was added already, else on a new one at the end."""
    sheet = sheet if sheet is not None else workbook.add_worksheet(name)
    s = styles
    money = workbook.add_format({"num_format": MONEY})
    sheet.set_column(0, 0, 70)
    sheet.set_column(1, 12, 16)
    sheet.write_string(0, 0, "Sensitivity and switching values", s.title)
    sheet.write_string(1, 0, RESULTS_NOT_FORMULAS, s.subtitle)
    names = result.names
    cheapest, runner = result.cheapest, result.runner_up
    sheet.write_string(3, 0, "At central values the cheapest option is", s.bold)
    sheet.write_string(3, 1, names[cheapest], s.bold)
    row = 5
    sheet.write_string(row, 0, "What would have to be true for the answer to change (switching values)", s.section)
    row += 1
    for switch in result.switches:
        words = result.in_words(switch)
        sheet.write_string(row, 0, words, s.wrap)
        sheet.set_row(row, 15.0 * (len(words) // 75 + 1))
        row += 1
    row += 1
    if runner is not None:
        sheet.write_string(row, 0, f"The gap between {names[runner]} and {names[cheapest]} (net present cost), "
                                   "each input from low to high, largest swing first", s.section)
        row += 1
        headings = ["Input", "Low", "High", "Gap at low", "Gap at high", "Swing"]
        for col, text in enumerate(headings):
            sheet.write_string(row, col, text, s.heading if col == 0 else s.heading_right)
        row += 1
        first = row
        central_gap = result.central[runner] - result.central[cheapest]
        for swing in result.ranked():
            unit = swing.input.figure.unit
            fmt = workbook.add_format({"num_format": _number(unit)})
            sheet.write_string(row, 0, swing.input.label, s.text)
            sheet.write_number(row, 1, swing.low, fmt)
            sheet.write_number(row, 2, swing.high, fmt)
            sheet.write_number(row, 3, swing.gap[0], money)
            sheet.write_number(row, 4, swing.gap[1], money)
            sheet.write_number(row, 5, swing.swing(), money)
            # The tornado's bars: each end's change in the gap from its central value.
            sheet.write_number(row, 7, swing.gap[0] - central_gap, money)
            sheet.write_number(row, 8, swing.gap[1] - central_gap, money)
            row += 1
        last = row - 1
        sheet.write_string(first - 1, 7, "Change at low", s.heading_right)
        sheet.write_string(first - 1, 8, "Change at high", s.heading_right)
        if last >= first:
            chart = workbook.add_chart({"type": "bar"})
            for col, label, colour in ((7, "Input at low", "#4F81BD"), (8, "Input at high", "#C0504D")):
                chart.add_series({"name": label, "categories": [name, first, 0, last, 0],
                                  "values": [name, first, col, last, col], "fill": {"color": colour},
                                  "overlap": 100, "gap": 40})
            chart.set_title({"name": "Tornado: what moves the gap most"})
            chart.set_x_axis({"num_format": "£#,##0", "name": f"Change in the gap from £{central_gap:,.0f}"})
            chart.set_y_axis({"reverse": True})
            chart.set_legend({"position": "bottom"})
            chart.set_size({"width": 900, "height": max(300, 28 * (last - first + 1) + 120)})
            sheet.insert_chart(row + 1, 0, chart)
            row += max(16, (last - first + 1) * 2 + 8)
    # Each option's own tornado data: its inputs ranked by how far they move its net present cost.
    for option in names:
        row += 1
        sheet.write_string(row, 0, f"{names[option]}: its net present cost (economic case) with each input at its "
                                   "low and its high, largest swing first", s.section)
        row += 1
        for col, text in enumerate(["Input", "NPC at low", "NPC at high", "Swing"]):
            sheet.write_string(row, col, text, s.heading if col == 0 else s.heading_right)
        row += 1
        for swing in result.ranked(option):
            sheet.write_string(row, 0, swing.input.label, s.text)
            sheet.write_number(row, 1, swing.npc[option][0], money)
            sheet.write_number(row, 2, swing.npc[option][1], money)
            sheet.write_number(row, 3, swing.swing(option), money)
            row += 1


def risk_sheet(workbook, styles: Styles, simulation, name: str = "Risk", sheet=None) -> None:
    """Write the Risk sheet: on `sheet` where it was added already, else on a new one at the end."""
    sheet = sheet if sheet is not None else workbook.add_worksheet(name)
    s = styles
    money = workbook.add_format({"num_format": MONEY})
    percent = workbook.add_format({"num_format": "0.0%"})
    sheet.set_column(0, 0, 52)
    sheet.set_column(1, 12, 15)
    sheet.write_string(0, 0, "Risk: Monte Carlo simulation", s.title)
    sheet.write_string(1, 0, RESULTS_NOT_FORMULAS, s.subtitle)
    sheet.write_string(2, 0, f"{simulation.draws:,} draws, seed {simulation.seed}: every uncertain input drawn "
                             "together from its distribution, every option projected for each draw. NPC is the "
                             "economic case (VAT left out as a transfer); cash the financial case.", s.note)
    row = 4
    headings = ["Option", "NPC mean", "NPC P10", "NPC P50", "NPC P90", "Cash mean", "Cash P10", "Cash P50",
                "Cash P90", "Probability cheapest"]
    for col, text in enumerate(headings):
        sheet.write_string(row, col, text, s.heading if col == 0 else s.heading_right)
    row += 1
    cheapest = simulation.probability_cheapest()
    for outcome in simulation.outcomes:
        summary = outcome.summary()
        sheet.write_string(row, 0, outcome.name, s.text)
        for col, value in enumerate([summary["npc"][k] for k in ("mean", "p10", "p50", "p90")]
                                    + [summary["cash_total"][k] for k in ("mean", "p10", "p50", "p90")], start=1):
            sheet.write_number(row, col, value, money)
        sheet.write_number(row, 9, cheapest[outcome.option], percent)
        row += 1
    row += 1
    # A histogram of NPC: shared bins, so the options can be compared on one chart.
    edges = simulation.chart_edges
    sheet.write_string(row, 0, "How often each net present cost came up (draws in each band)", s.section)
    row += 1
    sheet.write_string(row, 0, "Band (NPC from)", s.heading)
    for j, outcome in enumerate(simulation.outcomes):
        sheet.write_string(row, 1 + j, outcome.name[:40], s.heading_right)
    sheet.set_row(row, 45)
    row += 1
    first = row
    counts = [o.chart_counts for o in simulation.outcomes]
    for b in range(len(edges) - 1):
        sheet.write_number(row, 0, float(edges[b]), money)
        for j in range(len(simulation.outcomes)):
            sheet.write_number(row, 1 + j, int(counts[j][b]))
        row += 1
    chart = workbook.add_chart({"type": "column"})
    for j, outcome in enumerate(simulation.outcomes):
        chart.add_series({"name": [name, first - 1, 1 + j], "categories": [name, first, 0, row - 1, 0],
                          "values": [name, first, 1 + j, row - 1, 1 + j], "gap": 20})
    chart.set_title({"name": "Net present cost across the draws"})
    chart.set_x_axis({"num_format": "£#,##0", "num_font": {"rotation": -45}})
    chart.set_y_axis({"name": "draws"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 900, "height": 380})
    sheet.insert_chart(row + 1, 0, chart)
    row += 22
    sheet.write_string(row, 0, "The uncertain inputs", s.section)
    row += 1
    for col, text in enumerate(["Input", "Distribution", "Central", "Low", "High", "Standard deviation"]):
        sheet.write_string(row, col, text, s.heading if col == 0 else s.heading_right)
    row += 1
    for ranged in simulation.inputs:
        figure = ranged.figure
        fmt = workbook.add_format({"num_format": _number(figure.unit)})
        sheet.write_string(row, 0, ranged.label, s.text)
        sheet.write_string(row, 1, figure.drawn_as, s.text)
        for col, value in ((2, figure.value), (3, figure.low), (4, figure.high), (5, figure.sd)):
            if value is not None:
                sheet.write_number(row, col, value, fmt)
        row += 1


def uncertainty_workbook(sheets) -> bytes:
    """A workbook of just these sheets, for `costmodel sensitivity -o` and `costmodel simulate -o`."""
    from .book import Book

    opened = Book()
    styles = Styles(opened.workbook)
    for write in sheets:
        write(opened.workbook, styles)
    return opened.close()
