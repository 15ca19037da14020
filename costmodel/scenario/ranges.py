"""A scenario's uncertain figures: each ranged figure, what it is, its distribution and correlations.

What a range or a distribution stated in a scenario means: its quantiles, its mean, and the
figures that are one quantity (a draw name). The loader checks a scenario's ranges with these;
uncertainty/ draws from them. Each distribution is turned from a uniform number by our own
inverse cumulative distribution function, so a seed gives the same draws on any machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from ..scale import derived_from
from .posts import Staffing
from .schema import Figure, Scenario

#: z for the 10th and 90th percentiles of a normal distribution: a normal figure's low and high
#: for sensitivity, where the scenario gives only its standard deviation.
Z90 = 1.2815515655446004


@dataclass
class RangedInput:
    """One uncertain quantity: a ranged figure, or several sharing a draw name, drawn together."""

    figure: Figure
    #: What it is, such as "Director of Children's Services: salary"
    what: str
    option: str | None
    figures: list[Figure] | None = None

    @property
    def label(self) -> str:
        if self.figures and len(self.figures) > 1:
            return f"{self.what} (every option that shares it)"
        return f"{self.what} ({self.option})" if self.option else self.what

    @property
    def path(self) -> str:
        return self.figure.path or ""

    @property
    def members(self) -> list[Figure]:
        return self.figures or [self.figure]

    @property
    def low(self) -> float:
        if self.figure.low is not None:
            return self.figure.low
        return float(quantile(self.figure, np.array([0.1]))[0])

    @property
    def high(self) -> float:
        if self.figure.high is not None:
            return self.figure.high
        return float(quantile(self.figure, np.array([0.9]))[0])


def ranged_figures(scenario: Scenario) -> list[RangedInput]:
    """Every figure the scenario gives a range or distribution, one by one, in the order of the file.

    Found by one walk of the whole scenario, kept beside it (`derived_from`): a run asks half a dozen
    times (the review, the sensitivity analysis, the simulation, the workbook)."""
    held = derived_from(scenario)
    found = held.get("ranged_figures")
    if found is None:
        found = []
        # Posts another option employs too (staffing_same_as) are one figure for all of those options.
        shared = {option.staffing_same_as for option in scenario.options if option.staffing_same_as is not None}
        _walk(scenario, found, label=None, option=None, field=None, shared_staffing=shared)
        found = held["ranged_figures"] = tuple(sorted(found, key=lambda r: r.figure.line or 0))
    return list(found)


def ranged_inputs(scenario: Scenario) -> list[RangedInput]:
    """The scenario's uncertain quantities: figures sharing a draw name become one, labelled by the name."""
    out: list[RangedInput] = []
    by_draw: dict[str, RangedInput] = {}
    for ranged in ranged_figures(scenario):
        name = ranged.figure.draw
        if name is None:
            out.append(ranged)
        elif name in by_draw:
            by_draw[name].figures.append(ranged.figure)
        else:
            by_draw[name] = RangedInput(ranged.figure, ranged.what, ranged.option, [ranged.figure])
            out.append(by_draw[name])
    return out


#: How an input of posts several options employ is named: not by the one option that lists them.
SHARED_POSTS = "every option employing these posts"

#: Sections of a line named by the line they belong to: a contract's uplift clause and its break.
_NAMED_WITH_THEIR_LINE = ("Uplift", "ContractBreak")


def _walk(node, found, label, option, field, shared_staffing=frozenset()) -> None:
    if isinstance(node, Figure):
        if node.has_range and node.line is not None:
            words = (field or "value").replace("_", " ")
            if label and field == "value":
                what = label  # a section's single figure (general inflation) is named by the section
            elif label and "/" in words:
                what = f"{label} {words}"  # a year in a table by year
            else:
                what = f"{label}: {words}" if label else words.capitalize()
            what = what.replace("Vat", "VAT").replace("vat ", "VAT ")
            found.append(RangedInput(node, what, option))
        return
    if isinstance(node, BaseModel):
        name = getattr(node, "title", None) or getattr(node, "name", None)
        here_option = option
        if type(node).__name__ == "Option":
            here_option, name = node.name, None
        if isinstance(name, str):
            here_label = name
        elif label and type(node).__name__ in _NAMED_WITH_THEIR_LINE:
            here_label = f"{label} {field.rstrip('_')}"  # "Provider contract uplift: margin"
        elif field and type(node).__name__ not in ("Option", "Scenario", "Assumptions"):
            # A section with no name of its own (the failure risk) is named by its key.
            here_label = field.replace("_", " ").capitalize()
        else:
            here_label = label
        for key in type(node).model_fields:
            if key == "staffing" and getattr(node, "staffing_same_as", None) is not None:
                continue  # the posts of the option named, found there: one figure, one input
            owner = SHARED_POSTS if key == "staffing" and getattr(node, "id", None) in shared_staffing else here_option
            _walk(getattr(node, key), found, here_label, owner, key, shared_staffing)
    elif isinstance(node, (list, Staffing)):
        for item in node.ranged_candidates() if isinstance(node, Staffing) else node:
            _walk(item, found, label, option, field, shared_staffing)
    elif isinstance(node, dict):
        for key, item in node.items():
            # A rate in a table by year is named by its year: "Pay awards 2019/20".
            year = f"{key}/{(key + 1) % 100:02d}" if isinstance(key, int) and key > 1900 else str(key)
            _walk(item, found, label, option, year, shared_staffing)


# --------------------------------------------------------------------------- distributions

def inverse_normal(u: np.ndarray) -> np.ndarray:
    """The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9)."""
    a = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02, 1.383577518672690e02,
         -3.066479806614716e01, 2.506628277459239e00)
    b = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01,
         -1.328068155288572e01)
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00, -2.549732539343734e00,
         4.374664141464968e00, 2.938163982698783e00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
    u = np.clip(np.asarray(u, dtype=float), 1e-15, 1 - 1e-15)
    out = np.empty_like(u)
    low, high = u < 0.02425, u > 1 - 0.02425
    middle = ~(low | high)
    q = u[middle] - 0.5
    r = q * q
    out[middle] = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
                   (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1))
    for mask, sign in ((low, 1.0), (high, -1.0)):
        q = np.sqrt(-2 * np.log(u[mask] if sign > 0 else 1 - u[mask]))
        out[mask] = sign * ((((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1))
    return out


def normal_cdf(z: np.ndarray) -> np.ndarray:
    """The standard normal distribution function (Abramowitz and Stegun 7.1.26, error below 1.5e-7)."""
    z = np.asarray(z, dtype=float)
    x = np.abs(z) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = 1.0 - poly * np.exp(-x * x)
    return 0.5 * (1.0 + np.sign(z) * erf)


def _beta_table(alpha: float, beta: float, points: int = 4001) -> tuple[np.ndarray, np.ndarray]:
    """The Beta distribution function on a fine grid, by Simpson's rule on its density."""
    x = np.linspace(0.0, 1.0, points)
    with np.errstate(divide="ignore", invalid="ignore"):
        density = np.where((x > 0) & (x < 1), x ** (alpha - 1) * (1 - x) ** (beta - 1), 0.0)
    if alpha == 1:
        density[0] = 1.0 if beta >= 1 else density[0]
    if beta == 1:
        density[-1] = 1.0 if alpha >= 1 else density[-1]
    # Cumulative trapezoid on a fine grid; PERT's shape parameters are at least 1, so the density is bounded.
    steps = (density[1:] + density[:-1]) / 2 * (x[1] - x[0])
    cdf = np.concatenate([[0.0], np.cumsum(steps)])
    return cdf / cdf[-1], x


def quantile(figure: Figure, u: np.ndarray) -> np.ndarray:
    """The figure's value at cumulative probability u (an array of numbers between 0 and 1)."""
    u = np.asarray(u, dtype=float)
    kind, central = figure.drawn_as, figure.value
    low, high = figure.low, figure.high
    if kind == "uniform":
        return low + u * (high - low)
    if kind == "triangular":
        split = (central - low) / (high - low)
        return np.where(u < split, low + np.sqrt(u * (high - low) * (central - low)),
                        high - np.sqrt((1 - u) * (high - low) * (high - central)))
    if kind == "pert":
        alpha = 1 + 4 * (central - low) / (high - low)
        beta = 1 + 4 * (high - central) / (high - low)
        cdf, x = _beta_table(alpha, beta)
        return low + np.interp(u, cdf, x) * (high - low)
    if kind == "normal":
        return central + figure.sd * inverse_normal(u)
    if kind == "lognormal":
        # Central is the mean and sd the standard deviation of the figure itself.
        sigma2 = np.log(1 + (figure.sd / central) ** 2)
        return np.exp(np.log(central) - sigma2 / 2 + np.sqrt(sigma2) * inverse_normal(u))
    raise ValueError(f"no distribution {kind!r}")


def mean_of(figure: Figure) -> float:
    """The distribution's mean, in closed form (for tests and for the Risk sheet's notes)."""
    kind, c, a, b = figure.drawn_as, figure.value, figure.low, figure.high
    return {"uniform": lambda: (a + b) / 2, "triangular": lambda: (a + b + c) / 3,
            "pert": lambda: (a + 4 * c + b) / 6, "normal": lambda: c, "lognormal": lambda: c}[kind]()


def correlation_matrix(inputs: list[RangedInput], correlations) -> np.ndarray | None:
    if not correlations:
        return None
    index = {ranged.path: i for i, ranged in enumerate(inputs)}
    matrix = np.eye(len(inputs))
    for pair in correlations:
        i, j = index[pair.between[0]], index[pair.between[1]]
        matrix[i, j] = matrix[j, i] = pair.coefficient.value
    return matrix
