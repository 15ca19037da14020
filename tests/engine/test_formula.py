"""One definition per cost line: every formula renders as Excel text that agrees with numpy."""

import random
import re

import numpy as np
import pytest

from costmodel import lines as L
from costmodel.lines.formula import ALLOWED_CONSTANTS, Const, Input, Max, Series, constants

GROUPS = list(L.GROUPS)
FORMULAS = [row for group in GROUPS for row in group.rows] + list(L.TIMELINE_ROWS)


class CellRefs:
    """Renders each name as the kind of cell reference the workbook uses."""

    choices = {"period": "after_go_live", "index": "pay", "months": "months", "demand": "growth", "to_index": "general",
               "limits": "cap_and_floor", "index_1": "pay_award", "index_2": "index:cpi", "index_3": "none",
               "break": "stated", "progression": "none", "basis": "margin"}

    def input(self, name): return f"Inputs!$D${abs(hash(name)) % 900 + 10}"
    def input_row(self, name): return "Inputs!F40"
    def choice(self, name): return self.choices[name]
    def series(self, name): return f"F${abs(hash(name)) % 20 + 3}" if name != "y" else "F$3"
    def row(self, name): return f"F{abs(hash(name)) % 50 + 30}"
    def total(self, name): return f"F{abs(hash(name)) % 50 + 90}"
    def prev(self, name): return f"E{abs(hash(name)) % 20 + 3}"
    def before(self, name): return f"E{abs(hash(name)) % 50 + 30}"
    def chosen_series(self, name): return "0" if self.choice(name) == "none" else f"Inputs!F${abs(hash(name)) % 20 + 3}"
    def group_costs(self, node): return "SUM(F30:F40)+SUM(F42)*F$8"


def test_every_line_has_a_plain_english_definition_and_a_category_or_is_a_working_row():
    assert len(FORMULAS) > 20
    for formula in FORMULAS:
        assert len(formula.definition) > 20, formula.key
        from costmodel.lines import CATEGORIES
        assert formula.category is None or formula.category in CATEGORIES, formula.key


@pytest.mark.parametrize("formula", FORMULAS, ids=lambda f: f.key)
def test_formulas_hold_no_constants_but_0_1_12_and_100(formula):
    assert set(constants(formula.formula)) <= set(ALLOWED_CONSTANTS)
    text = formula.formula.render(CellRefs())
    # Numbers in the text that are not part of a cell reference
    bare = re.findall(r"(?<![$A-Z0-9])(\d+(?:\.\d+)?)(?![\d!$])", text)
    assert {float(n) for n in bare} <= set(ALLOWED_CONSTANTS), text


def test_a_constant_outside_the_allowed_set_refuses_to_render():
    with pytest.raises(ValueError, match="Inputs sheet"):
        (Input("salary") * Const(1.138)).render(CellRefs())


def test_pay_renders_as_the_excel_formula_a_reviewer_reads():
    class Named(CellRefs):
        def input(self, name): return {"count": "Inputs!$D$10", "fte": "Inputs!$D$11", "salary": "Inputs!$D$12",
                                       "vacancy": "Inputs!$D$13"}[name]
        def series(self, name): return {"pay_index": "F$8"}[name]
        def row(self, name): return {"in_post": "F20"}[name]

    text = L.staffing.PAY.formula.render(Named())
    assert text == "Inputs!$D$10*Inputs!$D$11*Inputs!$D$12*F$8*F20*(1-Inputs!$D$13)"


def test_brackets_follow_precedence():
    a, b, c = Input("a"), Input("b"), Input("c")

    class Letters(CellRefs):
        def input(self, name): return name.upper() + "1"

    assert (a - (b - c)).render(Letters()) == "A1-(B1-C1)"
    assert ((a - b) - c).render(Letters()) == "A1-B1-C1"
    assert (a / (b * c)).render(Letters()) == "A1/(B1*C1)"
    assert ((a + b) * c).render(Letters()) == "(A1+B1)*C1"
    assert (-(a + b)).render(Letters()) == "-(A1+B1)"
    assert Max(Const(0), a - b).render(Letters()) == "MAX(0,A1-B1)"
    assert (Series("y").at_least(a) * b).render(Letters()) == "(F$3>=A1)*B1"
    assert ((a + b).above(c)).render(Letters()) == "(A1+B1>C1)"


class Literal:
    """Renders every name as a number, so the Excel text can be evaluated and compared with numpy."""

    def __init__(self, values, choices):
        self.values, self.choices = values, choices

    def _value(self, name):
        return repr(self.values[name])

    def input(self, name): return self._value("in:" + name)
    def input_row(self, name): return self._value("inrow:" + name)
    def choice(self, name): return self.choices[name]
    def series(self, name): return self._value("series:" + name)
    def row(self, name): return self._value("row:" + name)
    def total(self, name): return self._value("total:" + name)
    def prev(self, name): return self._value("prev:" + name)
    def before(self, name): return self._value("before:" + name)
    def chosen_series(self, name): return self._value("chosen:" + name)
    def group_costs(self, node): return self._value("groups:" + node.name)


class Arrays:
    """The same numbers as 1x1 arrays, for numpy evaluation."""

    def __init__(self, values, choices):
        self.values, self.choices = values, choices

    def _get(self, key):
        return np.array([[self.values[key]]])

    def input(self, name): return self._get("in:" + name)
    def input_row(self, name): return self._get("inrow:" + name)
    def choice(self, name): return np.array([self.choices[name]])
    def series(self, name): return self._get("series:" + name)
    def row(self, name): return self._get("row:" + name)
    def total(self, name): return self._get("total:" + name)
    def prev(self, name): return self._get("prev:" + name)
    def before(self, name): return self._get("before:" + name)
    def chosen_series(self, name): return self._get("chosen:" + name)
    def group_costs(self, node): return self._get("groups:" + node.name)


def _excel_to_python(text: str) -> str:
    """Enough of Excel's grammar for our formulas: MAX, MIN, = as comparison, ^ as power."""
    text = text.replace("MAX(", "max(").replace("MIN(", "min(").replace(")^(", ")**(")
    return re.sub(r"(?<![<>=])=(?!=)", "==", text)


@pytest.mark.parametrize("formula", FORMULAS, ids=lambda f: f.key)
@pytest.mark.parametrize("choices", [
    {"period": "after_go_live", "index": "pay", "months": "years", "demand": "growth", "to_index": "none",
     "limits": "cap_and_floor", "index_1": "pay_award", "index_2": "index:cpi", "index_3": "none", "break": "none",
     "progression": "none", "basis": "margin"},
    {"period": "before_go_live", "index": "general", "months": "months", "demand": "by_year", "to_index": "pay",
     "limits": "cap", "index_1": "index:cpi", "index_2": "none", "index_3": "none", "break": "stated",
     "progression": "scale", "basis": "by_year"},
    {"period": "whole_horizon", "index": "none", "months": "years", "demand": "growth", "to_index": "general",
     "limits": "floor", "index_1": "none", "index_2": "none", "index_3": "none", "break": "none",
     "progression": "scale", "basis": "margin"},
    {"period": "after_go_live", "index": "pay", "months": "months", "demand": "by_year", "to_index": "general",
     "limits": "none", "index_1": "general_inflation", "index_2": "pay_award", "index_3": "index:rpi",
     "break": "stated", "progression": "none", "basis": "by_year"},
    {"period": "whole_horizon", "index": "general", "months": "months", "demand": "growth", "to_index": "pay",
     "limits": "cap_and_floor", "index_1": "index:cpi", "index_2": "none", "index_3": "none", "break": "stated",
     "progression": "scale", "basis": "by_year"},
])
def test_rendered_excel_text_computes_what_numpy_computes(formula, choices):
    rng = random.Random(formula.key)
    for _ in range(20):
        values = {}
        for kind, name in formula.formula.names():
            if kind == "choice":
                continue
            key = {"input": "in:", "input_row": "inrow:", "series": "series:", "row": "row:",
                   "total": "total:", "prev": "prev:", "before": "before:", "chosen_series": "chosen:",
                   "group_costs": "groups:"}[kind] + name
            # Years and year numbers compared by flags need equal values sometimes.
            values[key] = float(rng.choice([0, 1, 2018, 2019, rng.uniform(0.5, 5e4)]))
        if "in:pay_drift" in values:
            # Pay progression compounds a drift over the years in post, then takes the top of the scale:
            # a drift of 35,000% over 16,000 years overflows Python's float but not numpy's, and MIN
            # hides numpy's inf. A drift is a rate (the schema holds it to 20%), the years are years.
            values["in:pay_drift"] = float(rng.choice([0, 0.015, 0.2]))
            values["series:year"] = float(rng.choice([2018, 2019, 2047]))
            values["in:first_year"] = float(rng.choice([2018, 2019, 2047]))
        rendered = formula.formula.render(Literal(values, choices))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            numpy_value = np.asarray(formula.formula.evaluate(Arrays(values, choices)), dtype=float).reshape(-1)[0]
        try:
            excel_value = eval(_excel_to_python(rendered), {"max": max, "min": min})
        except ZeroDivisionError:
            # Excel shows #DIV/0! where numpy gives inf or nan: the two still agree.
            assert not np.isfinite(numpy_value), rendered
            continue
        except OverflowError:
            # A growth rate compounded over thousands of years: Excel shows #NUM!, numpy inf.
            assert not np.isfinite(numpy_value), rendered
            continue
        assert float(excel_value) == pytest.approx(numpy_value, rel=1e-12, abs=1e-9), rendered
