"""The Appraisal sheet: the long list and its gateways, the scoring matrix, and value for money.

The gateway an option's costs decide (affordability) and everything in the scoring matrix are
live formulas: weights and scores on Inputs, net present cost from the option sheets, so a
councillor can change a weight and watch the ranking move. The switching values of the
weights and scores are results, as on the Sensitivity sheet.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name

from ..appraisal.evaluate import CATEGORY_WORDS, Appraised, cost_score
from ..printed.palette import colour
from .book import CHART_TEXT, chart_fonts, chart_text
from .layout import COL_TOTAL, IN_VALUE, cell
from .validation import InputCell

SHEET = "Appraisal"


def appraisal_sheet(writer, sheet, appraised: Appraised) -> None:
    s, layout = writer.styles, writer.layout
    appraisal = appraised.appraisal
    names = appraised.names
    inputs = {key: cell("Inputs", row, IN_VALUE, True, True) for key, row in layout.appraisal_rows.items()}
    gateways = appraisal.gateways
    sheet.write_string(0, 0, "Options appraisal: long list, gateway criteria and weighted scores", s.title_wrap)
    sheet.write_string(1, 0, "The long list is cut to a shortlist by pass-or-fail gateways; the shortlist is scored "
                             "against weighted criteria. Weights and scores are on Inputs; the affordability gateway, "
                             "every total, both rankings and the preferred option below are formulas.",
                       s.subtitle_wrap)
    sheet.write_string(2, 0, "Fixed when costmodel ran: which options the matrix scores, and the switching values at "
                             "the foot. A budget changed on Inputs changes the Result column at once; run costmodel "
                             "again to score a new shortlist.", s.note_wrap)
    first_gateway_col, result_col = 3, 3 + len(gateways)
    # Neither Excel nor LibreOffice sizes rows of wrapped text on opening, so rows are made tall
    # enough here for the longest text they hold, at the column's width in characters.
    # On paper the gateways run on across pages, each with the option's name repeated at its left; the
    # sentences at the top and the sections' headings wrap in that column, so each page shows them whole.
    name_width, narrow, why_width = 40, 15, 50
    sheet.set_column(0, 0, name_width)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 2, 30)
    sheet.repeat_columns(0, 0)
    sheet.set_column(first_gateway_col, result_col, narrow)
    sheet.set_column(result_col + 1, result_col + 1, why_width, s.wrap)

    # The long list and its gateways.
    row = 3
    sheet.write_string(row, 0, f"Long list: {len(appraised.long_list)} options, {len(gateways)} gateway criteria",
                       s.section_wrap)
    row += 1
    headings = ["Option", "Category", "Costed as"] + [g.name for g in gateways] + ["Result", "Why it dropped out"]
    for col, text in enumerate(headings):
        sheet.write_string(row, col, text, s.heading)
    for outcome in appraised.long_list:
        row += 1
        entry = outcome.entry
        sheet.write_string(row, 0, entry.name, s.text)
        sheet.write_string(row, 1, CATEGORY_WORDS[entry.category], s.text)
        sheet.write_string(row, 2, names[entry.option] if entry.option else "not costed", s.text)
        for offset, result in enumerate(outcome.gateways):
            col = first_gateway_col + offset
            words = result.words
            if result.passed is None:
                sheet.write_string(row, col, words, s.fixed_text)
                continue
            if result.computed and result.gateway.envelope:
                # Compare's flags, a year each: the cash above that year's envelope (lines/totals.py).
                flags = layout.compare_rows[entry.option]["over_envelope"]
                years = (f"Compare!{cell(None, flags, layout.year_col(0), True, True)}:"
                         f"{cell(None, flags, layout.last_year_col, True, True)}")
                writer.formula(sheet, row, col, f'IF(SUM({years})>0,"fail","pass")', words, s.text)
            elif result.computed:
                totals = layout.options[entry.option]
                cash = (f"{cell(totals.sheet, totals.total_row, layout.year_col(0), True, True)}:"
                        f"{cell(None, totals.total_row, layout.last_year_col, True, True)}")
                text = f'IF(MAX({cash})>{inputs[("budget", result.gateway.id)]},"fail","pass")'
                writer.formula(sheet, row, col, text, words, s.text)
            else:
                sheet.write_string(row, col, words, s.input_text)
                # A judged gateway is typed in; the shortlist's formula reads "fail" (and nothing else) as failed.
                sheet.describe_input(row, col, InputCell(
                    sheet.name, row, col, words, name="gateway_result", unit="words",
                    label=f"{entry.name}: {result.gateway.name}", choices=("pass", "fail")))
            sheet.write_comment(row, col, result.reason + (f" (source: {result.source})" if result.source else ""),
                                {"x_scale": 2})
        results = (f"{xl_col_to_name(first_gateway_col)}{row + 1}:"
                   f"{xl_col_to_name(result_col - 1)}{row + 1}")
        verdict = "shortlisted" if outcome.shortlisted else "dropped"
        if gateways:
            writer.formula(sheet, row, result_col, f'IF(SUMPRODUCT(({results}="fail")*1)=0,"shortlisted","dropped")',
                            verdict, s.bold)
        else:
            sheet.write_string(row, result_col, verdict, s.bold)
        if outcome.dropped_because:
            sheet.write_string(row, result_col + 1, outcome.dropped_because, s.wrap)

    scored = appraised.scored
    if appraised.no_shortlist:
        sheet.write_string(row + 2, 0, appraised.no_shortlist, s.bad_text)
        return
    if not scored or not appraisal.criteria:
        return
    # The scoring matrix: a column per shortlisted option.
    row += 3
    low, high = appraisal.scale.low.value, appraisal.scale.high.value
    sheet.write_string(row, 0, f"Scoring matrix: {len(scored)} shortlisted options, scored {low:g} to {high:g}",
                       s.section_wrap)
    row += 1
    for col, text in enumerate(["Criterion", "Weight", ""] + [names[o.option] for o in scored]):
        sheet.write_string(row, col, text, s.heading_right if col else s.heading)
    option_names = row
    first_col = 3
    cols = [first_col + i for i in range(len(scored))]
    first_criterion = row + 1
    npc_row = first_criterion + len(appraisal.criteria) + 2
    npcs = f"{cell(None, npc_row, cols[0], True, True)}:{cell(None, npc_row, cols[-1], True, True)}"
    points = s.number("points")
    for criterion in appraisal.criteria:
        row += 1
        sheet.write_string(row, 0, criterion.name + (" (scored from net present cost)" if criterion.from_npc else ""),
                           s.text)
        writer.formula(sheet, row, 1, inputs[("weight", criterion.id)], criterion.weight.value, s.number("rate"))
        for col, option in zip(cols, scored):
            if criterion.from_npc:
                npc = cell(None, npc_row, col)
                lo, hi = inputs[("scale", "low")], inputs[("scale", "high")]
                text = (f"IF(MAX({npcs})=MIN({npcs}),{hi},{hi}-({hi}-{lo})*({npc}-MIN({npcs}))"
                        f"/(MAX({npcs})-MIN({npcs})))")
                value = cost_score(option.npc, [o.npc for o in scored], low, high)
            else:
                text = inputs[("score", option.entry.id, criterion.id)]
                value = option.scores[criterion.id]
                reason = option.entry.scores[criterion.id]
                sheet.write_comment(row, col, reason.reason + (f" (source: {reason.source})" if reason.source else ""),
                                    {"x_scale": 2})
            writer.formula(sheet, row, col, text, value, points)
    last_criterion = row
    weights = f"{cell(None, first_criterion, 1, True, True)}:{cell(None, last_criterion, 1, True, True)}"
    total_row, rank_row, npc_rank_row = last_criterion + 1, last_criterion + 2, last_criterion + 4
    for label, at in (("Weighted score", total_row), ("Rank by weighted score (1 = preferred; a tie to the lower NPC)", rank_row),
                      ("Net present cost", npc_row), ("Rank by net present cost (1 = cheapest)", npc_rank_row)):
        sheet.write_string(at, 0, label, s.bold)
    totals = f"{cell(None, total_row, cols[0], True, True)}:{cell(None, total_row, cols[-1], True, True)}"
    for col, option in zip(cols, scored):
        scores = f"{cell(None, first_criterion, col)}:{cell(None, last_criterion, col)}"
        writer.formula(sheet, total_row, col, f"SUMPRODUCT({weights},{scores})", option.weighted,
                        s.number("points", bold=True))
        this, its_npc = cell(None, total_row, col), cell(None, npc_row, col)
        # As costmodel ranks: a tie in score goes to the lower NPC.
        writer.formula(sheet, rank_row, col,
                        f"1+SUMPRODUCT(({totals}>{this})*1)+SUMPRODUCT(({totals}={this})*({npcs}<{its_npc}))",
                        option.rank_by_score, s.number("count"))
        totals_layout = layout.options[option.option]
        writer.formula(sheet, npc_row, col, cell(totals_layout.sheet, totals_layout.economic_total_row, COL_TOTAL),
                        option.npc, s.number("£"))
        writer.formula(sheet, npc_rank_row, col, f"1+SUMPRODUCT(({npcs}<{its_npc})*1)",
                        option.rank_by_npc, s.number("count"))
    preferred, cheapest = appraised.preferred, appraised.cheapest
    row = npc_rank_row + 2
    # The names of the options ranked first, looked up from the live ranks: a weight or score typed
    # over on Inputs changes them with the ranking.
    shortlist = f"{cell(None, option_names, cols[0], True, True)}:{cell(None, option_names, cols[-1], True, True)}"
    for at, label, rank, option, style in ((row, "Preferred by weighted score", rank_row, preferred, s.bold),
                                           (row + 1, "Lowest net present cost on the shortlist", npc_rank_row,
                                            cheapest, s.text)):
        ranks = f"{cell(None, rank, cols[0], True, True)}:{cell(None, rank, cols[-1], True, True)}"
        sheet.write_string(at, 0, label, s.bold)
        writer.formula(sheet, at, 1, f"INDEX({shortlist},MATCH(1,{ranks},0))", names[option.option], style)

    # Value for money: score against cost, one point an option.
    # Each point is labelled with its option's name, so the chart reads on paper without a legend.
    chart = writer.workbook.add_chart({"type": "scatter"})
    by_cost = sorted(range(len(scored)), key=lambda i: scored[i].npc)
    for index, (col, option) in enumerate(zip(cols, scored)):
        shade = colour(index)
        chart.add_series({"name": chart_text(names[option.option], SHEET, option_names, col),
                          "categories": [SHEET, npc_row, col, npc_row, col],
                          "values": [SHEET, total_row, col, total_row, col],
                          "marker": {"type": "circle", "size": 9, "fill": {"color": shade},
                                     "border": {"color": shade}},
                          # Above and below by turns along the cost axis, so that neighbours' names part.
                          "data_labels": {"series_name": True,
                                          "position": ("above", "below")[by_cost.index(index) % 2],
                                          "font": {"size": CHART_TEXT}}})
    chart_fonts(chart, f"Value for money: weighted score ({low:g} to {high:g}) against net present cost",
                x_title="Net present cost (£)", x={"num_format": "£#,##0"},
                y={"min": low, "max": high, "num_format": "0"})
    chart.set_legend({"none": True})
    # Within the first page's columns (the sheet runs on across pages), and 21 rows of 20 pixels tall.
    chart.set_size({"width": 680, "height": 420})
    # On a page of its own.
    sheet.set_h_pagebreaks([row + 2, row + 29])
    sheet.insert_chart(row + 3, 0, chart)

    # How far each weight would have to move to change the preferred option.
    row += 29
    sheet.write_string(row, 0, "Switching values of the weights (results, not formulas: costmodel solves them "
                               "exactly, each weight moving while the others scale to keep 100%)", s.section_wrap)
    row += 1
    words_col = result_col + 1  # the wide column
    for col, text in ((0, "Criterion"), (1, "Weight now"), (2, "Changes below"), (3, "Changes above"),
                      (words_col, "In words")):
        sheet.write_string(row, col, text, s.heading)
    for switch in appraised.switches:
        row += 1
        sheet.write_string(row, 0, switch.criterion.name, s.text)
        sheet.write_number(row, 1, switch.weight, s.number("rate", "fixed"))
        for col, found in ((2, switch.below), (3, switch.above)):
            if found is None:
                sheet.write_string(row, col, "never", s.fixed_text)
            else:
                sheet.write_number(row, col, found[0], s.number("rate", "fixed"))
        sheet.write_string(row, words_col, appraised.in_words(switch), s.wrap)

    # How far each judged score would have to move, where the scale allows it.
    row += 2
    sheet.write_string(row, 0, "Scores that could change the preferred option within the scale (results, "
                               "not formulas)", s.section_wrap)
    row += 1
    if not appraised.score_switches:
        sheet.write_string(row, 0, "None: no single score, moved anywhere on the scale, changes the preferred option.",
                           s.note)
        return
    for col, text in ((0, "Option and criterion"), (1, "Score now"), (2, "Changes at"), (words_col, "In words")):
        sheet.write_string(row, col, text, s.heading)
    for switch in appraised.score_switches:
        row += 1
        sheet.write_string(row, 0, f"{names[switch.option]}: {switch.criterion.name}", s.text)
        sheet.write_number(row, 1, switch.score, s.number("points", "fixed"))
        sheet.write_number(row, 2, switch.at, s.number("points", "fixed"))
        sheet.write_string(row, words_col, appraised.score_in_words(switch), s.wrap)
