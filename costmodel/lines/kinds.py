"""Kinds of line an option lists, each declared once: its section, its items' inputs, its rows.

A kind of line is one call of `line_kind`: the key an option lists its items under (`non_pay`),
the inputs each item states (declared with `inputs()`, with how a scenario writes them, their
limits and defaults), and the rows that cost an item, after its share of the year running. The
scenario's schema for the items, the engine's instances, the option sheet's rows and the Inputs
sheet's labels all follow from it. A new kind is a module of this package (found and loaded by
`lines/__init__`) and its test; see docs/architecture.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .activity import ACTIVE
from .declare import INPUTS, LineFormula, LineGroup
from .formula import Const, InputRow

#: The share of an item's full-year effect reached in each year, from its ramp on Inputs: a saving
#: that builds up as a service is remodelled (25%, 75%, 100%). The full-year column shows the full effect.
RAMP = LineFormula(
    "ramp", "Share of the full-year effect reached", None,
    "The share of the full-year effect reached in each year, as the item's ramp states it: nothing before "
    "the first year stated, the last share carried forward.",
    InputRow("ramp"), full_year=Const(1), unit="share",
)


@dataclass(frozen=True)
class LineKind:
    section: str
    label: str
    #: The rows that cost each item, after its share of the year running (`active`).
    rows: tuple[LineFormula, ...]
    #: The inputs each item states, in the order the Inputs sheet shows them.
    inputs: tuple[str, ...]
    #: What its items grow with unless they say ("general", "pay" or "none"); None for no such choice.
    index: str | None = "general"
    #: Defaults of this kind's items that differ from the inputs' own: (name, value, where it comes from).
    defaults: tuple[tuple[str, float, str | None], ...] = ()
    #: Where its items are written: under each option, or under an option's partnership.
    under: str = "option"
    #: Costed after the set-up and the failure risk (savings and income), rather than before them.
    after_setup: bool = False
    #: The rows of an item that reaches its full-year effect over a ramp (`ramp:`), after the share of
    #: the year running and the share of the full-year effect reached; None where items take no ramp.
    ramped_rows: tuple[LineFormula, ...] | None = None
    group: LineGroup = field(init=False, compare=False)
    #: The group of the items that state a ramp (the others keep the rows they always had).
    ramped_group: LineGroup | None = field(init=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "group", LineGroup(self.section, self.label, (ACTIVE, *self.rows)))
        ramped = None if self.ramped_rows is None else LineGroup(
            f"{self.section}_ramped", f"{self.label}: reaching the full-year effect over a ramp",
            (ACTIVE, RAMP, *self.ramped_rows))
        object.__setattr__(self, "ramped_group", ramped)

    def default_of(self, name: str) -> tuple[float | None, str | None]:
        """An item's value of `name` where it states none, and its source; (None, None) if it must state it."""
        for key, value, source in self.defaults:
            if key == name:
                return value, source
        spec = INPUTS[name]
        return spec.default, spec.default_source


#: Every kind of line an option lists, in the order an option's lines are costed and shown.
KINDS: dict[str, LineKind] = {}


def line_kind(section: str, label: str, rows: tuple[LineFormula, ...], inputs: tuple[str, ...], **terms) -> LineKind:
    """Declare a kind of line an option lists."""
    if section in KINDS:
        raise ValueError(f"a kind of line listed under {section!r} is declared twice")
    unknown = [name for name in inputs if name not in INPUTS or INPUTS[name].written_as is None]
    if unknown:
        raise ValueError(f"{section}: inputs {unknown} are not declared with how a scenario writes them")
    kind = LineKind(section, label, rows, inputs, **terms)
    KINDS[section] = kind
    return kind
