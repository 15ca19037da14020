"""What every benchmark times with: the best of a few runs, taken in the benchmark's own process."""

from __future__ import annotations

import time


def best_of(runs: int, work) -> tuple[float, object]:
    """(the fastest of `runs` calls of `work`, in seconds, and what the last call gave).

    The fastest, not the mean: on a shared machine the slow runs are other work's noise.
    """
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result
