"""Timing helper shared by the benchmarks (imported as a sibling module of the scripts)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_s(run: Callable[[int], object], repeats: int = 5) -> float:
    """Median wall time in seconds of ``run(i)`` over ``repeats`` calls (``i`` = 0, 1, ...)."""
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        run(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times)
