"""Formulas that evaluate with numpy and render as Excel formulas.

Each cost line is written once, as a small expression tree. The engine
evaluates it over every instance of the line (every post, every non-pay line)
and every year at once; the workbook renders the same tree as the formula in a
timeline row. Because both come from one tree, they cannot drift apart.

Names in a tree are resolved by whoever evaluates or renders it:

- `Input("salary")`: a number on the Inputs sheet, one per instance (or shared);
- `InputRow("share")`: a row of numbers by year on the Inputs sheet, one per instance;
- `Series("pay_index")`: a timeline row shared by every line of an option;
- `Row("pay")`: another row of the same instance (this post's pay);
- `Total("apprenticeship_levy")`: that row summed over every instance in the option;
- `GroupCosts(groups, excluding)`: the option's cost rows of those line groups (but those of the
  categories excluded), every instance, added up (the lines a company's or trust's contract sum covers);
- `Prev("general_index")`: this row's value in the previous column (for indices);
- `Before("price_factor")`: this instance's row in the previous column (a contract's price factor
  compounding from year to year); in the first year's column, the row's full-year value;
- `ChosenSeries("index_1")`: the timeline series an instance names by a choice (the index a
  contract's uplift follows, one of the scenario's named indices);
- `Pick("period", {...})`: a branch chosen per instance by a stated choice;
- `Power(base, exponent)`: growth compounded over years, `(1+g)^n` in Excel.

Only 0, 1, 12 and 100 may appear as constants in a rendered formula; every
other number lives on the Inputs sheet, where a reviewer can see its source.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

ALLOWED_CONSTANTS = (0.0, 1.0, 12.0, 100.0)


class Env(Protocol):
    """What evaluation needs: arrays shaped (instances, 1), (1, years) or (instances, years)."""

    def input(self, name: str) -> np.ndarray | float: ...
    def input_row(self, name: str) -> np.ndarray: ...
    def choice(self, name: str) -> np.ndarray: ...
    def series(self, name: str) -> np.ndarray: ...
    def row(self, name: str) -> np.ndarray: ...
    def total(self, name: str) -> np.ndarray: ...
    def prev(self, name: str) -> np.ndarray: ...
    def before(self, name: str) -> np.ndarray: ...
    def chosen_series(self, name: str) -> np.ndarray: ...


class RenderContext(Protocol):
    """What rendering needs: a cell reference for each name, for one instance and column."""

    def input(self, name: str) -> str: ...
    def input_row(self, name: str) -> str: ...
    def choice(self, name: str) -> str: ...
    def series(self, name: str) -> str: ...
    def row(self, name: str) -> str: ...
    def total(self, name: str) -> str: ...
    def prev(self, name: str) -> str: ...
    def before(self, name: str) -> str: ...
    def chosen_series(self, name: str) -> str: ...


class Expr(ABC):
    precedence = 9

    @abstractmethod
    def evaluate(self, env: Env) -> np.ndarray | float:
        """The value for every instance and year, as numpy broadcasting allows."""

    @abstractmethod
    def render(self, ctx: RenderContext) -> str:
        """The Excel formula text (without the leading '=') for one instance and column."""

    def names(self) -> set[tuple[str, str]]:
        """(kind, name) pairs this tree refers to."""
        return set()

    # Arithmetic builds trees.
    def __add__(self, other): return BinOp("+", self, wrap(other))
    def __radd__(self, other): return BinOp("+", wrap(other), self)
    def __sub__(self, other): return BinOp("-", self, wrap(other))
    def __rsub__(self, other): return BinOp("-", wrap(other), self)
    def __mul__(self, other): return BinOp("*", self, wrap(other))
    def __rmul__(self, other): return BinOp("*", wrap(other), self)
    def __truediv__(self, other): return BinOp("/", self, wrap(other))
    def __rtruediv__(self, other): return BinOp("/", wrap(other), self)
    def __neg__(self): return Neg(self)

    # Comparisons give 1 or 0 flags (FAST: flags instead of IFs).
    def at_least(self, other): return BinOp(">=", self, wrap(other))
    def at_most(self, other): return BinOp("<=", self, wrap(other))
    def above(self, other): return BinOp(">", self, wrap(other))
    def below(self, other): return BinOp("<", self, wrap(other))
    def equals(self, other): return BinOp("=", self, wrap(other))


def wrap(value) -> Expr:
    return value if isinstance(value, Expr) else Const(float(value))


@dataclass(frozen=True, eq=False)
class Const(Expr):
    value: float

    def evaluate(self, env):
        return self.value

    def render(self, ctx):
        if self.value not in ALLOWED_CONSTANTS:
            raise ValueError(f"constant {self.value!r} in a formula: put it on the Inputs sheet")
        return f"{self.value:g}"


@dataclass(frozen=True, eq=False)
class Named(Expr):
    """A name the evaluator or renderer resolves: its kind says which of their methods does."""

    name: str
    kind = ""

    def evaluate(self, env):
        return getattr(env, self.kind)(self.name)

    def render(self, ctx):
        return getattr(ctx, self.kind)(self.name)

    def names(self):
        return {(self.kind, self.name)}


class Input(Named):
    kind = "input"


class InputRow(Named):
    kind = "input_row"


class Series(Named):
    kind = "series"


class Row(Named):
    kind = "row"


class Total(Named):
    kind = "total"


@dataclass(frozen=True, eq=False)
class GroupCosts(Expr):
    """What the option's own body pays of the cost rows of the line groups `groups`, added up.

    By the period each line runs in: a line after go-live in full; a line all year (or one without
    a period of its own) x the share of the year live; a line before go-live not at all. Rows of
    the categories `in_full` are counted in full whatever the period (they are already only the
    body's, such as its irrecoverable VAT from go-live); rows of the categories `excluding` not at
    all. The groups must come before the row naming them. The engine adds up their totals by period;
    the workbook refers to the rows themselves (SUM(E12:E20)+SUM(E31)*E$7), so a reader clicking the
    cell sees which lines are counted."""

    groups: frozenset
    excluding: frozenset = frozenset()
    in_full: frozenset = frozenset()

    def weight(self, category: str, period: str) -> str:
        """How a row of this category, in a line running in `period`, is counted: "full", "live" or "none"."""
        if category in self.excluding or period == "before_go_live":
            return "none"
        return "full" if period == "after_go_live" or category in self.in_full else "live"

    def evaluate(self, env):
        return env.group_costs(self)

    def render(self, ctx):
        return ctx.group_costs(self)

    @property
    def name(self) -> str:
        """The groups it adds up, as one name."""
        return ",".join(sorted(self.groups))

    def names(self):
        return {("group_costs", self.name)}


class Prev(Named):
    kind = "prev"


class Before(Named):
    """This instance's row `name` in the previous column. The row it names has a constant full-year
    value (the full-year column, which is the column before the first year's), its opening value."""

    kind = "before"


class ChosenSeries(Named):
    """The timeline series (a row by year on Inputs) an instance names by its choice `name`; 0 for "none"."""

    kind = "chosen_series"


@dataclass(frozen=True, eq=False)
class IndexMix(Expr):
    """A weighted mix of series each instance chooses: weight_1 x series_1 + weight_2 x series_2 + ...

    Slot k weighs `ChosenSeries(f"{choice}_{k}")` by `Input(f"{weight}_{k}")`. Rendered, only the
    slots an instance uses appear (a single index reads `$D$40*Inputs!K12`), as a Pick shows only
    its chosen branch; an instance using none (a fixed uplift) reads 0.
    """

    choice: str
    weight: str
    slots: int
    precedence = 1

    def _slots(self):
        return [(f"{self.choice}_{k}", f"{self.weight}_{k}") for k in range(1, self.slots + 1)]

    def evaluate(self, env):
        total = 0.0
        for choice, weight in self._slots():
            used = (env.choice(choice) != "none").astype(float).reshape(-1, 1)
            if used.any():
                total = total + env.input(weight) * used * env.chosen_series(choice)
        return total

    def render(self, ctx):
        parts = [f"{ctx.input(weight)}*{ctx.chosen_series(choice)}" for choice, weight in self._slots()
                 if ctx.choice(choice) != "none"]
        return "+".join(parts) if parts else "0"

    def names(self):
        out = set()
        for choice, weight in self._slots():
            out |= {("choice", choice), ("input", weight), ("chosen_series", choice)}
        return out


#: Arrays of at least this many numbers are written into an environment's scratch arrays, where it
#: has them (env.scratch: engine/projection.py, Scratch), rather than into new ones.
SCRATCH_FROM = 2 ** 14

_PRECEDENCE = {"=": 0, ">=": 0, "<=": 0, ">": 0, "<": 0, "+": 1, "-": 1, "*": 2, "/": 2}
_NUMPY = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide,
    ">=": lambda a, b: np.greater_equal(a, b).astype(float),
    "<=": lambda a, b: np.less_equal(a, b).astype(float),
    ">": lambda a, b: np.greater(a, b).astype(float),
    "<": lambda a, b: np.less(a, b).astype(float),
    "=": lambda a, b: np.equal(a, b).astype(float),
}


#: The same operations writing into a given array of numbers (a comparison's True and False as 1 and 0).
_INTO = {"+": np.add, "-": np.subtract, "/": np.divide, ">=": np.greater_equal, "<=": np.less_equal,
         ">": np.greater, "<": np.less, "=": np.equal}


def by_shape(value) -> int:
    """A factor's place in a product of (instances, years) arrays: one number for all, one for each
    instance, a row of years, then an array of both (the order among each kind kept).

    Ordered by size, a row of 30 years comes before a column of 4,000 posts, and every post's own
    figure after it is a pass over posts x years; ordered this way, each instance's figures are
    multiplied together first, then the rows of years, and the two meet once.
    """
    shape = np.shape(value)
    if math.prod(shape) == 1:
        return 0
    if shape[-1] == 1:
        return 1
    return 2 if math.prod(shape[:-1]) == 1 else 3


def _outer(expr: Expr) -> int:
    return getattr(expr, "outer_precedence", expr.precedence)


@dataclass(frozen=True, eq=False)
class BinOp(Expr):
    op: str
    left: Expr
    right: Expr

    @property
    def precedence(self):
        return _PRECEDENCE[self.op]

    def evaluate(self, env):
        scratch = getattr(env, "scratch", None)
        if self.op != "*":
            left, right = self.left.evaluate(env), self.right.evaluate(env)
            if scratch is None:
                return _NUMPY[self.op](left, right)
            shape = np.broadcast_shapes(np.shape(left), np.shape(right))
            if math.prod(shape) < SCRATCH_FROM:
                return _NUMPY[self.op](left, right)
            # A comparison's 1s and 0s go straight into a lent array of numbers, not into an array
            # of flags made afresh and then copied into another made afresh.
            return _INTO[self.op](left, right, out=scratch.take(shape))
        # A product of several factors, smallest first: a post's count x FTE x salary x (1 - vacancy)
        # are one number each, the pay index a row of years, and multiplying the small ones together
        # before anything the size of posts x years (x draws) saves whole-array passes.
        # An environment may order them otherwise (`factor_order`: by_shape, for a projection's line groups).
        order = getattr(env, "factor_order", np.size)
        factors = sorted((factor.evaluate(env) for factor in self.factors()), key=order)
        product = factors[0]
        if scratch is None:
            for factor in factors[1:]:
                product = np.multiply(product, factor)
            return product
        ours = False  # whether `product` is an array this product made, free to be written over
        for factor in factors[1:]:
            shape = np.broadcast_shapes(np.shape(product), np.shape(factor))
            if ours and shape == product.shape:
                np.multiply(product, factor, out=product)
            else:
                out = scratch.take(shape) if math.prod(shape) >= SCRATCH_FROM else None
                product = np.multiply(product, factor, out=out)
                ours = isinstance(product, np.ndarray)
        return product

    def factors(self) -> list[Expr]:
        """The factors of a chain of products, a * b * c, however it is bracketed (worked out once)."""
        if "_factors" not in self.__dict__:
            # A frozen tree: kept beside the node's fields, as functools.cached_property would.
            self.__dict__["_factors"] = [self] if self.op != "*" else [
                factor for side in (self.left, self.right)
                for factor in (side.factors() if isinstance(side, BinOp) else [side])]
        return self.__dict__["_factors"]

    @property
    def outer_precedence(self):
        # A comparison brackets itself, so to the expression around it, it is atomic.
        return 9 if self.precedence == 0 else self.precedence

    def render(self, ctx):
        left = self.left.render(ctx)
        if _outer(self.left) < self.precedence:
            left = f"({left})"
        right = self.right.render(ctx)
        # a-(b-c) and a/(b*c) need their brackets; a+(b+c) would not, but keeping
        # them costs nothing and matches the tree a reviewer sees in the definition.
        if _outer(self.right) < self.precedence or (
            _outer(self.right) == self.precedence and self.op in ("-", "/")
        ):
            right = f"({right})"
        if self.precedence == 0:
            return f"({left}{self.op}{right})"
        return f"{left}{self.op}{right}"

    def names(self):
        return self.left.names() | self.right.names()


@dataclass(frozen=True, eq=False)
class Neg(Expr):
    operand: Expr
    precedence = 3

    def evaluate(self, env):
        return np.negative(self.operand.evaluate(env))

    def render(self, ctx):
        inner = self.operand.render(ctx)
        return f"-({inner})" if _outer(self.operand) < 9 else f"-{inner}"

    def names(self):
        return self.operand.names()


@dataclass(frozen=True, eq=False)
class Abs(Expr):
    operand: Expr

    def evaluate(self, env):
        return np.abs(self.operand.evaluate(env))

    def render(self, ctx):
        return f"ABS({self.operand.render(ctx)})"

    def names(self):
        return self.operand.names()


@dataclass(frozen=True, eq=False)
class Power(Expr):
    """base raised to exponent: a number that grows at a rate, year after year ((1 + growth) ^ years)."""

    base: Expr
    exponent: Expr

    def evaluate(self, env):
        return np.power(self.base.evaluate(env), self.exponent.evaluate(env))

    def render(self, ctx):
        # Bracketed both sides: Excel reads -2^2 as 4, and a reader need not know why.
        return f"({self.base.render(ctx)})^({self.exponent.render(ctx)})"

    def names(self):
        return self.base.names() | self.exponent.names()


@dataclass(frozen=True, eq=False)
class _Extreme(Expr):
    left: Expr
    right: Expr
    excel = ""
    numpy = None

    def evaluate(self, env):
        left, right = self.left.evaluate(env), self.right.evaluate(env)
        scratch = getattr(env, "scratch", None)
        if scratch is not None:
            shape = np.broadcast_shapes(np.shape(left), np.shape(right))
            if math.prod(shape) >= SCRATCH_FROM:
                return type(self).numpy(left, right, out=scratch.take(shape))
        return type(self).numpy(left, right)

    def render(self, ctx):
        left, right = self.left.render(ctx), self.right.render(ctx)
        if not getattr(ctx, "elementwise", False):
            return f"{self.excel}({left},{right})"
        # Over a range (inside SUMPRODUCT), MAX would give one number for the whole range; pick
        # element by element with 1/0 flags instead: (a>b)*a+(a<=b)*b for MAX.
        if isinstance(self.left, Const) and self.left.value == 0:
            return f"(({right}){self.keep}0)*({right})"
        # Bracketed whole: a sum of two products, where MIN(...) was one term (a post's salary up to the
        # top of its scale is a factor of its pay).
        return f"((({left}){self.keep}({right}))*({left})+(({left}){self.other}({right}))*({right}))"

    def names(self):
        return self.left.names() | self.right.names()


class Max(_Extreme):
    excel = "MAX"
    numpy = staticmethod(np.maximum)
    keep, other = ">", "<="


class Min(_Extreme):
    excel = "MIN"
    numpy = staticmethod(np.minimum)
    keep, other = "<", ">="


@dataclass(frozen=True, eq=False)
class Pick(Expr):
    """One of several branches, chosen per instance by a stated choice (such as a line's index).

    Rendered, only the chosen branch appears: the reviewer sees `E$9` (the pay
    index row), not a nest of IFs.
    """

    choice: str
    branches: dict = field(default_factory=dict)

    def evaluate(self, env):
        # A branch that several rows name (a post's salary, with its pay progression, in pay, NI,
        # pension and VAT) is worked out once for the instances an evaluator holds, where it keeps a memo.
        memo = getattr(env, "memo", None)
        if memo is None:
            return self._evaluate(env)
        if id(self) not in memo:
            memo[id(self)] = self._evaluate(env)
        return memo[id(self)]

    def _evaluate(self, env):
        chosen = env.choice(self.choice)
        present = [key for key in self.branches if (chosen == key).any()]
        if len(present) == 1:
            # Every instance made the same choice (every post after go-live, say): that branch
            # alone, at its own shape, without a full-size select for each branch.
            return np.asarray(self.branches[present[0]].evaluate(env), dtype=float)
        values = [np.asarray(self.branches[key].evaluate(env), dtype=float) for key in present]
        shape = np.broadcast_shapes(*(v.shape for v in values), (len(chosen), 1))
        out = np.zeros(shape)
        for key, value in zip(present, values):
            mask = (chosen == key).reshape(-1, 1)
            out = np.where(mask, np.broadcast_to(value, shape), out)
        return out

    def render(self, ctx):
        return self.branches[ctx.choice(self.choice)].render(ctx)

    def names(self):
        out = {("choice", self.choice)}
        for branch in self.branches.values():
            out |= branch.names()
        return out


def constants(expr: Expr) -> list[float]:
    """Every constant in a tree (for the rule: only 0, 1, 12 and 100)."""
    if isinstance(expr, Const):
        return [expr.value]
    out = []
    for child in vars(expr).values():
        if isinstance(child, Expr):
            out.extend(constants(child))
        elif isinstance(child, dict):
            for branch in child.values():
                out.extend(constants(branch))
    return out
