"""Cell formats, made once per workbook. Inputs look different from calculations (FAST)."""

from __future__ import annotations

MONEY = '£#,##0;(£#,##0);"–"'
MONEY_PENCE = '£#,##0.00;(£#,##0.00);"–"'
#: Check results are 1 or 0 (not TRUE/FALSE: LibreOffice 7.4 crashes printing conditional formats on truth values).
AGREES = '"agrees";;"differs"'
PASSES = '"passes";;"FAILS"'
#: A flag is 1 or 0 in its cell, for formulas to multiply by, and reads Yes or No.
YES_NO = '"Yes";"Yes";"No"'
NUMBER_FORMATS = {
    "£": MONEY, "£ a year": MONEY, "pounds": MONEY,
    "rate": "0.0%", "share": "0.000", "index": "0.0000", "factor": "0.0000",
    "year": "0", "months": "0", "flag": YES_NO, "count": "0", "posts": "#,##0.##", "FTE": "0.00", "number": "#,##0.##",
    "pence": MONEY_PENCE, "agrees": AGREES, "passes": PASSES, "points": "0.00",
    # A weekly unit cost is read to the penny; children are an average over the year, so in part.
    "£ a week": MONEY_PENCE, "children": "#,##0.0#", "weeks": "0.00",
}
INPUT_FILL = "#FFF2CC"
INPUT_FONT = "#1F3C88"
HEAD_FILL = "#DDE5F0"


class Styles:
    def __init__(self, workbook):
        self.workbook = workbook
        self._cache: dict[tuple, object] = {}
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        #: A title in the row titles a sheet repeats on each page across: wrapped there, so each page shows it whole.
        self.title_wrap = workbook.add_format({"bold": True, "font_size": 14, "text_wrap": True, "valign": "top"})
        self.subtitle = workbook.add_format({"italic": True, "font_color": "#555555"})
        self.heading = workbook.add_format({"bold": True, "bg_color": HEAD_FILL, "bottom": 1, "text_wrap": True,
                                            "valign": "top"})
        # Over a column of figures the heading sits right, above the figures it names.
        self.heading_right = workbook.add_format({"bold": True, "bg_color": HEAD_FILL, "bottom": 1,
                                                  "text_wrap": True, "valign": "top", "align": "right"})
        self.fixed_text = workbook.add_format({"font_color": "#7F7F7F", "italic": True, "text_wrap": True,
                                               "valign": "top"})
        #: A default or derived text that may run to two lines (who employs the staff in a year).
        self.fixed_wrap = workbook.add_format({"font_color": "#7F7F7F", "italic": True, "text_wrap": True,
                                               "valign": "top", "align": "right"})
        self.section = workbook.add_format({"bold": True, "font_size": 12})
        self.section_wrap = workbook.add_format({"bold": True, "font_size": 12, "text_wrap": True, "valign": "top"})
        self.bold = workbook.add_format({"bold": True, "valign": "top", "text_wrap": True})
        # Text wraps in its column rather than run into the next or be cut off where that is not empty;
        # each row is made as tall as its text needs when the workbook is closed (book.py).
        self.text = workbook.add_format({"valign": "top", "text_wrap": True})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.centred = workbook.add_format({"align": "center", "valign": "top"})
        #: Bold words that run on over the empty cells to their right (the answer at the top of Summary).
        self.bold_line = workbook.add_format({"bold": True})
        self.note = workbook.add_format({"italic": True, "font_color": "#555555"})
        #: A note that stays in its column (or merged cells), where running on would cross into the next page.
        self.note_wrap = workbook.add_format({"italic": True, "font_color": "#555555", "text_wrap": True,
                                              "valign": "top"})
        self.subtitle_wrap = workbook.add_format({"italic": True, "font_color": "#555555", "text_wrap": True,
                                                  "valign": "top"})
        # An input is the one kind of cell a reader may change: unlocked, on sheets that are protected.
        self.input_text = workbook.add_format({"font_color": INPUT_FONT, "bg_color": INPUT_FILL, "border": 1,
                                               "border_color": "#BFBFBF", "valign": "top", "locked": False})
        #: The key's example of an input: the input's look, but words, locked.
        self.input_key = workbook.add_format({"font_color": INPUT_FONT, "bg_color": INPUT_FILL, "border": 1,
                                              "border_color": "#BFBFBF", "valign": "top"})
        self.good = workbook.add_format({"bold": True, "font_color": "#006100", "bg_color": "#C6EFCE"})
        self.bad = workbook.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"})
        #: Words that need attention (a warning nobody has acknowledged).
        self.bad_text = workbook.add_format({"bold": True, "font_color": "#9C0006", "text_wrap": True, "valign": "top"})

    def number(self, unit: str, kind: str = "calc", bold: bool = False):
        """A number format for a unit; kind 'input' (typed in), 'calc' (a formula) or 'fixed' (by definition)."""
        key = (unit, kind, bold)
        if key not in self._cache:
            # At the top of its cell, level with the first line of the row's wrapped text.
            spec = {"num_format": NUMBER_FORMATS.get(unit, "General"), "valign": "top"}
            if kind == "input":
                spec.update(font_color=INPUT_FONT, bg_color=INPUT_FILL, border=1, border_color="#BFBFBF", locked=False)
            elif kind == "fixed":
                spec.update(font_color="#7F7F7F", italic=True)
            if bold:
                spec.update(bold=True, top=1)
            self._cache[key] = self.workbook.add_format(spec)
        return self._cache[key]

