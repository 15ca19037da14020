"""The Sensitivity and Risk sheets: results of many runs of the model, written as values.

They are computed by costmodel, not live formulas (a spreadsheet cannot re-run a simulation),
and each says so at the top.
"""

from __future__ import annotations

from ..printed.palette import colour
from .book import CHART_TEXT, chart_fonts
from .styles import MONEY, Styles

RESULTS_NOT_FORMULAS = ("Results computed for the inputs as published, not formulas: they do not recalculate when "
                        "an input is changed. Run costmodel again to update them.")


def _number(unit: str) -> str:
    return {"rate": "0.0%", "pounds": MONEY}.get(unit, "#,##0.####")


def sensitivity_sheet(workbook, styles: Styles, result, name: str = "Sensitivity", sheet=None) -> None:
    """Write the Sensitivity sheet: on `sheet` where it was added already, else on a new one at the end."""
    sheet = sheet if sheet is not None else workbook.add_worksheet(name)
    s = styles
    money = workbook.add_format({"num_format": MONEY})
    # A page wide at a readable scale (book.py): the inputs' names wrap in A, the sentences over A to F.
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 5, 13)
    sheet.set_column(6, 6, 2)
    sheet.set_column(7, 8, 13)
    sheet.write_string(0, 0, "Sensitivity and switching values", s.title)
    # Wrapped over the tables' width, so that it neither runs off the page nor widens what prints.
    sheet.merge_range(1, 0, 1, 8, "", s.subtitle_wrap)
    sheet.write_string(1, 0, RESULTS_NOT_FORMULAS, s.subtitle_wrap)
    names = result.names
    cheapest, runner = result.cheapest, result.runner_up
    sheet.write_string(3, 0, "At central values the cheapest option is", s.bold)
    sheet.write_string(3, 1, names[cheapest], s.bold)
    row = 5
    sheet.write_string(row, 0, "What would have to be true for the answer to change (switching values)", s.section)
    row += 1
    for switch in result.switches:
        words = result.in_words(switch)
        sheet.merge_range(row, 0, row, 5, "", s.wrap)
        sheet.write_string(row, 0, words, s.wrap)
        row += 1
    row += 1
    if runner is not None:
        sheet.merge_range(row, 0, row, 8, "", s.section_wrap)
        sheet.write_string(row, 0, f"The gap between {names[runner]} and {names[cheapest]} (net present cost), "
                                   "each input from low to high, largest swing first", s.section_wrap)
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
            # The pack's tornado colours: the palette's first for an input at its low, its second at its high.
            for index, (col, label) in enumerate(((7, "Input at low"), (8, "Input at high"))):
                chart.add_series({"name": label, "categories": [name, first, 0, last, 0],
                                  "values": [name, first, col, last, col], "fill": {"color": colour(index)},
                                  "overlap": 100, "gap": 40})
            # XlsxWriter's x axis of a bar chart is the pounds, across; its y axis the inputs.
            chart_fonts(chart, "Tornado: what moves the gap most",
                        x={"num_format": "£#,##0", "name": f"Change in the gap from £{central_gap:,.0f}",
                           "num_font": {"size": CHART_TEXT, "rotation": 0}},
                        y={"reverse": True, "num_format": "General", "label_position": "low"})
            chart.set_legend({"position": "bottom", "font": {"size": CHART_TEXT}})
            # A page at most, and a page of its own, so that no page break cuts through it.
            height = min(560, max(300, 28 * (last - first + 1) + 120))
            chart.set_size({"width": 900, "height": height})
            sheet.set_h_pagebreaks([row + 1, row + 3 + height // 20 + 1])
            sheet.insert_chart(row + 2, 0, chart)  # a row below the break, so that none of it shows above
            row += height // 20 + 4
    # Each option's own tornado data: its inputs ranked by how far they move its net present cost. On paper
    # the answer is the switching values and the gap above; these tables, an input a row for every option,
    # are grouped and hidden under the + on this row.
    row += 1
    sheet.merge_range(row, 0, row, 8, "", s.note_wrap)
    sheet.write_string(row, 0, "Below, grouped and hidden so that they do not print: each option's net present cost "
                               "with each input at its low and its high. The + at the left shows them.", s.note_wrap)
    first_hidden = row + 1
    for option in names:
        row += 1
        sheet.merge_range(row, 0, row, 8, "", s.section_wrap)
        sheet.write_string(row, 0, f"{names[option]}: its net present cost (economic case) with each input at its "
                                   "low and its high, largest swing first", s.section_wrap)
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
    sheet.collapse(first_hidden, row - 1)


def risk_sheet(workbook, styles: Styles, simulation, name: str = "Risk", sheet=None) -> None:
    """Write the Risk sheet: on `sheet` where it was added already, else on a new one at the end."""
    sheet = sheet if sheet is not None else workbook.add_worksheet(name)
    s = styles
    money = workbook.add_format({"num_format": MONEY})
    percent = workbook.add_format({"num_format": "0.0%"})
    # A page wide at a readable scale (book.py): the names wrap in A, the sums of money fit in 12.
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 8, 12)
    sheet.set_column(9, 12, 10)
    sheet.write_string(0, 0, "Risk: Monte Carlo simulation", s.title)
    sheet.merge_range(1, 0, 1, 9, "", s.subtitle_wrap)
    sheet.write_string(1, 0, RESULTS_NOT_FORMULAS, s.subtitle_wrap)
    # Wrapped over the table's width, so that it neither runs off the page nor widens what prints.
    sheet.merge_range(2, 0, 2, 9, "", s.note_wrap)
    sheet.write_string(2, 0, f"{simulation.draws:,} draws, seed {simulation.seed}: every uncertain input drawn "
                             "together from its distribution, every option projected for each draw. NPC is the "
                             "economic case (VAT left out as a transfer); cash the financial case.", s.note_wrap)
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
        sheet.write_string(row, 1 + j, outcome.name, s.heading_right)
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
                          "values": [name, first, 1 + j, row - 1, 1 + j], "gap": 20, "fill": {"color": colour(j)}})
    chart_fonts(chart, "Net present cost across the draws (draws in each band)",
                x={"num_format": "£#,##0", "num_font": {"rotation": -45, "size": CHART_TEXT}}, y={"num_format": "0"})
    chart.set_legend({"position": "bottom", "font": {"size": CHART_TEXT}})
    chart.set_size({"width": 900, "height": 380})
    sheet.set_h_pagebreaks([row + 1, row + 23])  # the chart on a page of its own
    sheet.insert_chart(row + 2, 0, chart)
    row += 23
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
