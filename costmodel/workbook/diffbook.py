"""A diff report as a workbook: the changes, what the two scenarios conclude (where either has
an appraisal), and a waterfall chart per option from the old net present cost to the new, one
bar per change."""

from __future__ import annotations

from .book import Book, chart_text
from .styles import MONEY, Styles


def build_diff_workbook(report) -> bytes:
    opened = Book(title="costmodel diff")
    book = opened.workbook
    s = Styles(book)
    money = book.add_format({"num_format": MONEY})
    changes = book.add_worksheet("Changes")
    changes.set_column(0, 0, 6)
    changes.set_column(1, 1, 70)
    changes.set_column(2, 3, 30)
    changes.write_string(0, 0, "What changed", s.title)
    changes.write_string(1, 0, f"From {report.old_name} to {report.new_name}. Changes are applied one at a time, "
                               "in the order of the new file; each option's change is attributed to them.",
                         s.subtitle)
    for col, text in enumerate(["Step", "What changed", "Was", "Is now"]):
        changes.write_string(3, col, text, s.heading)
    row = 4
    for n, step in enumerate(report.steps, start=1):
        for change in step.changes:
            changes.write_number(row, 0, n)
            changes.write_string(row, 1, change.where)
            changes.write_string(row, 2, _text(change.old))
            changes.write_string(row, 3, _text(change.new))
            row += 1
    if report.text_changes:
        row += 1
        changes.write_string(row, 0, "Text only: these cannot move a figure", s.section)
        row += 1
        for change in report.text_changes:
            changes.write_string(row, 1, change.where)
            changes.write_string(row, 2, _text(change.old))
            changes.write_string(row, 3, _text(change.new))
            row += 1
    _outcome_sheet(book, s, report)
    for option_id, name in report.options.items():
        sheet = book.add_worksheet(_sheet_name(option_id, book))
        sheet.set_column(0, 0, 46)
        sheet.set_column(1, 4, 16)
        # The sheet's title is its chart's: the one cell the chart can take its title from as text.
        title = f"What moved the net present cost: {name}"
        sheet.write_string(0, 0, title, s.title)
        sheet.write_string(1, 0, "Net present cost, old to new: each bar between is one step of Changes.", s.subtitle)
        for col, text in enumerate(["Bar", "Change in NPC", "Base (hidden)", "Rise", "Fall"]):
            sheet.write_string(3, col, text, s.heading)
        old = report.old_totals.get(option_id, (0.0, 0.0))[1]
        new = report.new_totals.get(option_id, (0.0, 0.0))[1]
        bars = [("Old NPC", old, 0.0, old, 0.0)]
        running = old
        for n, step in enumerate(report.steps, start=1):
            delta = step.npc.get(option_id, 0.0)
            low = min(running, running + delta)
            bars.append((f"Step {n}", delta, low, max(delta, 0.0), max(-delta, 0.0)))
            running += delta
        bars.append(("New NPC", new, 0.0, new, 0.0))
        for i, (label, change, base, rise, fall) in enumerate(bars):
            sheet.write_string(4 + i, 0, label)
            for col, value in enumerate((change, base, rise, fall), start=1):
                sheet.write_number(4 + i, col, float(value), money)
        last = 4 + len(bars) - 1
        chart = book.add_chart({"type": "column", "subtype": "stacked"})
        chart.add_series({"name": "Base", "categories": [sheet.name, 4, 0, last, 0],
                          "values": [sheet.name, 4, 2, last, 2], "fill": {"none": True}, "border": {"none": True}})
        chart.add_series({"name": "Rise", "categories": [sheet.name, 4, 0, last, 0],
                          "values": [sheet.name, 4, 3, last, 3], "fill": {"color": "#C0504D"}})
        chart.add_series({"name": "Fall", "categories": [sheet.name, 4, 0, last, 0],
                          "values": [sheet.name, 4, 4, last, 4], "fill": {"color": "#9BBB59"}})
        chart.set_title({"name": chart_text(title[:120], sheet.name, 0, 0)})
        axis_min = _axis_floor(bars)
        chart.set_y_axis({"num_format": "£#,##0", "min": axis_min})
        if axis_min > 0:
            sheet.write_string(2, 0, f"The chart's axis starts at £{axis_min:,.0f}, not zero, so the changes can be "
                                     "seen.", s.note)
        chart.set_legend({"none": True})
        chart.set_size({"width": 720, "height": 380})
        sheet.insert_chart(last + 2, 0, chart)
    return opened.close()


def _outcome_sheet(book, s, report) -> None:
    """What each scenario concludes, and what changed in it; only where either side has something to conclude."""
    parts = [part for part in report.outcome.parts if part.in_old or part.in_new]
    if not parts:
        return
    sheet = book.add_worksheet(_sheet_name("Outcome", book))
    # The shortlist's option names fill column A; each change's words span the figures' columns.
    sheet.set_column(0, 0, 58)
    sheet.set_column(1, 7, 12)
    sheet.write_string(0, 0, "What the scenarios conclude", s.title)
    sheet.write_string(1, 0, f"From {report.old_name} to {report.new_name}: the outcome of each, compared whole "
                             "(not step by step).", s.subtitle)
    row = 3
    for part in parts:
        sheet.write_string(row, 0, f"{part.title}: {part.in_words}", s.section)
        row += 1
        if part.changes:
            sheet.write_string(row, 0, "About", s.heading)
            sheet.merge_range(row, 1, row, 7, "What changed", s.heading)
            row += 1
            for change in part.changes:
                sheet.write_string(row, 0, change.topic, s.text)
                sheet.merge_range(row, 1, row, 7, change.words, s.wrap)
                row += 1
        if part.name == "appraisal":
            row = _standings(sheet, s, report.outcome, row)
        row += 1


def _standings(sheet, s, outcome, row: int) -> int:
    """The shortlist side by side, old and new: rank by weighted score, the score, and rank by NPC."""
    old, new = outcome.old.appraisal, outcome.new.appraisal
    options = list((new.shortlist if new else {}).keys())
    options += [o for o in (old.shortlist if old else {}) if o not in options]
    if not options:
        return row
    row += 1
    columns = ["Shortlisted option", "Old: rank by weighted score", "Old: weighted score", "Old: rank by NPC",
               "New: rank by weighted score", "New: weighted score", "New: rank by NPC", "Preferred"]
    for col, text in enumerate(columns):
        sheet.write_string(row, col, text, s.heading if col in (0, 7) else s.heading_right)
    sheet.set_row(row, 45)
    row += 1
    score = s.number("points")
    for option in options:
        name = next(side.shortlist[option].name for side in (new, old) if side and option in side.shortlist)
        sheet.write_string(row, 0, name, s.text)
        marks = [side is not None and side.preferred == option for side in (old, new)]
        preferred = "old and new" if all(marks) else "old" if marks[0] else "new" if marks[1] else ""
        if preferred:
            sheet.write_string(row, 7, preferred, s.bold)
        for start, side in ((1, old), (4, new)):
            standing = side.shortlist.get(option) if side else None
            if standing is None:
                sheet.write_string(row, start, "not shortlisted" if side else "no appraisal", s.fixed_text)
                continue
            if side.scored:
                sheet.write_number(row, start, standing.rank_by_score)
                sheet.write_number(row, start + 1, standing.weighted, score)
            sheet.write_number(row, start + 2, standing.rank_by_npc)
        row += 1
    return row


def _text(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items() if k in ("id", "name", "title")) + ", ...}"
    return str(value)


def _sheet_name(option_id: str, book) -> str:
    import re

    name = re.sub(r"[\[\]:*?/\\']", "-", option_id)[:28] or "option"
    taken = {sheet.name.lower() for sheet in book.worksheets()}
    candidate, n = name, 2
    while candidate.lower() in taken:
        candidate, n = f"{name[:25]}-{n}", n + 1
    return candidate


def _axis_floor(bars) -> float:
    """A round axis start below the lowest running total, leaving room to see each change."""
    import math

    tops = [bar[2] + bar[3] + bar[4] for bar in bars] + [bar[1] for bar in (bars[0], bars[-1])]
    lowest = min(min(bar[2] for bar in bars[1:-1]) if len(bars) > 2 else bars[0][1], bars[0][1], bars[-1][1])
    span = max(max(abs(bar[1]) for bar in bars[1:-1]) if len(bars) > 2 else 0.0, max(tops) - lowest, 1.0)
    floor = lowest - 2 * span
    if floor <= 0:
        return 0.0
    step = 10 ** math.floor(math.log10(span))
    return math.floor(floor / step) * step
