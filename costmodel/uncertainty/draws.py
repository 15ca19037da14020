"""Drawing a scenario's uncertain inputs, together: uniform numbers, correlated where stated, turned
into each figure's distribution (scenario/ranges.py).

Draws are built only from the uniform numbers of NumPy's PCG64 generator, whose stream does
not change between NumPy versions, turned into each distribution by our own inverse
cumulative distribution functions. So a seed gives the same draws on any machine, and a
workbook's Risk sheet re-runs to the same figures when an auditor verifies it.
"""

from __future__ import annotations

import numpy as np

from ..scenario.ranges import (  # noqa: F401 - what a scenario's ranges mean, read from here by the analyses
    Z90,
    RangedInput,
    correlation_matrix,
    inverse_normal,
    mean_of,
    normal_cdf,
    quantile,
    ranged_figures,
    ranged_inputs,
)


def uniforms(generator: np.random.Generator, draws: int, inputs: int, cholesky: np.ndarray | None) -> np.ndarray:
    """(draws, inputs) uniform numbers, correlated through a Gaussian copula where asked."""
    u = generator.random((draws, inputs))
    if cholesky is None:
        return u
    return normal_cdf(inverse_normal(u) @ cholesky.T)


def values_for(inputs: list[RangedInput], u: np.ndarray) -> dict[str, np.ndarray]:
    """Figure (by its path in the scenario, which any copy of it keeps) -> its drawn values."""
    out = {}
    for k, ranged in enumerate(inputs):
        values = quantile(ranged.figure, u[:, k])
        for figure in ranged.members:
            out[figure.path] = values
    return out
