"""How a line of the model is declared: its rows (formulas with definitions), and the inputs they name.

A kind of line is one declaration: its inputs (name, label, unit, and, for what a scenario
writes, how it is written, its limits and default) beside its formulas. The schema of the
scenario file, the Inputs sheet's labels, the categories and the totals are derived from the
declarations; nothing else spells an input's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from .formula import Expr

#: Largest single amount the model takes. A children's services budget is tens of millions; a
#: figure beyond this is a typing slip, not a plan.
MAX_AMOUNT = 5_000_000_000.0


@dataclass(frozen=True)
class InputSpec:
    """An input a formula names (`Input("salary")`): how a reader is shown it, and how it is written."""

    name: str
    #: The words on the Inputs sheet.
    label: str
    #: The unit shown beside it: "£", "£ a year", "rate", "year", ...
    unit: str
    #: Where a scenario states it on a line's item: how it is written ("amount", "rate", "number").
    written_as: str | None = None
    #: (lowest, highest[, a hint for a figure outside them]), checked where the scenario states it.
    limits: tuple | None = None
    #: Its value where the scenario does not state it, and where that comes from.
    default: float | None = None
    default_source: str | None = None


#: Every input, by the name its formulas use: filled by `inputs()` as the line modules declare them.
INPUTS: dict[str, InputSpec] = {}


def inputs(*specs: InputSpec) -> dict[str, InputSpec]:
    """Declare inputs; each name once, whichever lines use it."""
    for spec in specs:
        if spec.name in INPUTS and INPUTS[spec.name] != spec:
            raise ValueError(f"input {spec.name!r} is declared twice, differently")
        INPUTS[spec.name] = spec
    return {spec.name: spec for spec in specs}


@dataclass(frozen=True)
class LineFormula:
    key: str
    label: str
    #: None for a working row (such as the share of the year a post is filled),
    #: which the workbook shows but which is not itself a cost.
    category: str | None
    definition: str
    formula: Expr
    #: What the row is in the column for a full year once the option is live, at
    #: price-base prices, where that differs from its formula: a line's share of the
    #: year is then its period's share whatever its first and last year (1 after
    #: go-live, 0 for a line that runs only before it), and a one-off cost is 0.
    full_year: Expr | None = None
    unit: str = "£"


@dataclass(frozen=True)
class LineGroup:
    """The rows every instance of one kind of line has, in the order they are computed."""

    key: str
    label: str
    rows: tuple[LineFormula, ...]
