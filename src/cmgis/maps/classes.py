"""Choropleth classes: indicator values put into coloured classes (mapclassify), shared
by the web map and the printed map."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import mapclassify
import numpy as np
import numpy.typing as npt

from cmgis._errors import InputError

Scheme = Literal["quantiles", "natural_breaks", "equal_interval"]
SCHEMES: tuple[Scheme, ...] = ("quantiles", "natural_breaks", "equal_interval")
#: ColorBrewer YlOrRd, sequential, by number of classes (colorbrewer2.org, Cynthia Brewer).
YLORRD: dict[int, tuple[str, ...]] = {
    2: ("#ffeda0", "#f03b20"),
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
    6: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"),
    7: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"),
}
NO_DATA_COLOR = "#d9d9d9"


@dataclass(frozen=True)
class Classification:
    """Classes of an indicator's values.

    ``upper_bounds[i]`` is the upper edge of class ``i`` (its lower edge is the previous
    bound, or ``minimum`` for class 0); ``classes`` gives each value's class, ``None`` for
    no data (NaN), which is never put into a class.
    """

    scheme: Scheme
    k: int
    minimum: float
    upper_bounds: tuple[float, ...]
    classes: tuple[int | None, ...]
    colors: tuple[str, ...]

    def color_of(self, index: int) -> str:
        """Fill colour of value number ``index`` (grey for no data)."""
        cls = self.classes[index]
        return NO_DATA_COLOR if cls is None else self.colors[cls]

    def ranges(self) -> list[tuple[float, float]]:
        """``(low, high)`` of each class (none when no value has data)."""
        if not self.upper_bounds:
            return []
        lows = (self.minimum, *self.upper_bounds[:-1])
        return list(zip(lows, self.upper_bounds, strict=True))


def classify(
    values: Sequence[float | None], *, scheme: str = "quantiles", k: int = 5
) -> Classification:
    """Put indicator values into ``k`` classes with mapclassify.

    Parameters
    ----------
    values
        One value per area; ``None``/NaN means no data and stays out of every class.
    scheme
        ``"quantiles"``, ``"natural_breaks"`` (Fisher-Jenks, deterministic) or
        ``"equal_interval"``.
    k
        Number of classes, 2-7; lowered to the number of distinct values when there are
        fewer.
    """
    if scheme not in SCHEMES:
        raise InputError(f"unknown classification {scheme!r}; expected one of {SCHEMES}")
    if not 2 <= int(k) <= max(YLORRD):
        raise InputError(f"number of classes must be 2-{max(YLORRD)}, got {k!r}")
    arr = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    valid = arr[np.isfinite(arr)]
    if valid.size == 0:
        return Classification(scheme, 0, math.nan, (), tuple(None for _ in arr), ())
    distinct = np.unique(valid)
    k_eff = int(min(k, distinct.size))
    if k_eff < 2:
        bounds: npt.NDArray[np.float64] = np.array([float(distinct[0])])
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # mapclassify warns on ties; the bins are fine
            if scheme == "quantiles":
                bounds = mapclassify.Quantiles(valid, k=k_eff).bins
            elif scheme == "natural_breaks":
                bounds = mapclassify.FisherJenks(valid, k=k_eff).bins
            else:
                bounds = mapclassify.EqualInterval(valid, k=k_eff).bins
        bounds = np.unique(np.asarray(bounds, dtype=float))
    n = len(bounds)
    colors = YLORRD[max(n, 2)][-n:] if n < 2 else YLORRD[n]
    classes: list[int | None] = []
    for v in arr:
        if not np.isfinite(v):
            classes.append(None)
        else:
            classes.append(int(min(np.searchsorted(bounds, v, side="left"), n - 1)))
    return Classification(
        scheme=scheme,
        k=n,
        minimum=float(valid.min()),
        upper_bounds=tuple(float(b) for b in bounds),
        classes=tuple(classes),
        colors=tuple(colors),
    )


def format_number(value: float) -> str:
    """A value for a legend or profile: thousands separators, at most 2 decimals."""
    if not math.isfinite(value):
        return ""
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")
