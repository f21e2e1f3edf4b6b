"""Analytic Hierarchy Process: weights from pairwise comparisons, and their consistency.

Weights are the principal right eigenvector of the positive reciprocal comparison matrix,
normalised to sum to 1; consistency follows Saaty (1980): CI = (λmax − n) / (n − 1),
CR = CI / RI(n) with Saaty's random index RI. A CR above 0.10 is refused
(`InconsistentJudgementsError`), naming the judgements that disagree most with the
weights the matrix implies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cmgis._errors import InputError

#: Saaty's random consistency index RI for n = 1..15 (Saaty 1980, The Analytic Hierarchy
#: Process, McGraw-Hill; the table repeated in Saaty 1990, EJOR 48: 9-26).
RANDOM_INDEX: tuple[float, ...] = (
    0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
)  # fmt: skip

#: The largest consistency ratio accepted (Saaty's 10 %).
MAX_CR = 0.10


class InconsistentJudgementsError(InputError):
    """The comparisons contradict each other too much (CR > 0.10)."""


@dataclass(frozen=True)
class Conflict:
    """One judgement and what the rest of the matrix implies for it.

    Attributes
    ----------
    i, j
        Row and column (criterion ``i`` compared with ``j``).
    given
        The judgement a_ij.
    implied
        The ratio w_i / w_j of the derived weights.
    deviation
        |ln(given / implied)|: 0 for a judgement in line with the rest.
    """

    i: int
    j: int
    given: float
    implied: float
    deviation: float


@dataclass(frozen=True)
class AHPResult:
    """Weights and consistency of one comparison matrix."""

    weights: tuple[float, ...]
    lambda_max: float
    ci: float
    cr: float
    conflicts: tuple[Conflict, ...]

    @property
    def consistent(self) -> bool:
        """True when CR ≤ 0.10 (always for n ≤ 2)."""
        return self.cr <= MAX_CR


def _fraction(v: float) -> str:
    if v >= 1:
        return f"{v:.3g}"
    return f"1/{1 / v:.3g}"


def check_matrix(matrix: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The matrix as floats, checked: square, positive, finite, reciprocal, ones on the diagonal."""
    try:
        a = np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise InputError(f"the comparison matrix must hold numbers: {err}") from err
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 1:
        raise InputError(f"the comparison matrix must be square, got shape {a.shape}")
    if a.shape[0] > len(RANDOM_INDEX):
        raise InputError(f"at most {len(RANDOM_INDEX)} criteria can be compared, got {a.shape[0]}")
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise InputError("every judgement must be a positive number (1/9 … 9)")
    if not np.allclose(np.diag(a), 1.0):
        raise InputError("each criterion compared with itself must be 1 (the diagonal)")
    if not np.allclose(a * a.T, 1.0, rtol=1e-6):
        i, j = np.argwhere(~np.isclose(a * a.T, 1.0, rtol=1e-6))[0]
        raise InputError(
            f"judgements must be reciprocal: a[{i}][{j}] = {a[i, j]:g} but "
            f"a[{j}][{i}] = {a[j, i]:g}, expected {1 / a[i, j]:g}"
        )
    return a


def matrix_from_upper(upper: Sequence[float], n: int) -> npt.NDArray[np.float64]:
    """The full reciprocal matrix from its upper triangle, row by row (a_01, a_02, … a_12 …)."""
    if len(upper) != n * (n - 1) // 2:
        raise InputError(f"{n} criteria need {n * (n - 1) // 2} judgements, got {len(upper)}")
    a = np.ones((n, n), dtype=np.float64)
    k = 0
    for i in range(n):
        for j in range(i + 1, n):
            v = float(upper[k])
            if not (math.isfinite(v) and v > 0):
                raise InputError(f"judgement {i + 1} vs {j + 1} must be positive, got {v:g}")
            a[i, j], a[j, i] = v, 1.0 / v
            k += 1
    return a


def ahp_weights(matrix: npt.ArrayLike) -> AHPResult:
    """Principal-eigenvector weights, λmax, CI, CR and the judgements ranked by conflict."""
    a = check_matrix(matrix)
    n = a.shape[0]
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    lam = float(values[k].real)
    w = np.abs(vectors[:, k].real)
    w = w / w.sum()
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX[n - 1]
    cr = ci / ri if ri > 0 else 0.0
    conflicts = []
    for i in range(n):
        for j in range(i + 1, n):
            implied = float(w[i] / w[j])
            conflicts.append(
                Conflict(i, j, float(a[i, j]), implied, abs(math.log(a[i, j] / implied)))
            )
    conflicts.sort(key=lambda c: c.deviation, reverse=True)
    return AHPResult(tuple(float(x) for x in w), lam, max(ci, 0.0), max(cr, 0.0), tuple(conflicts))


def explain_conflicts(result: AHPResult, names: Sequence[str], *, top: int = 3) -> str:
    """Plain-language list of the judgements that disagree most with the derived weights."""
    lines = []
    for c in result.conflicts[:top]:
        lines.append(
            f"{names[c.i]} vs {names[c.j]}: you said {_fraction(c.given)}, "
            f"the other judgements imply about {_fraction(c.implied)}"
        )
    return "; ".join(lines)


def require_consistent(result: AHPResult, names: Sequence[str]) -> AHPResult:
    """Return ``result`` if CR ≤ 0.10, else raise `InconsistentJudgementsError` explaining why."""
    if result.consistent:
        return result
    raise InconsistentJudgementsError(
        f"the comparisons are inconsistent: consistency ratio {result.cr:.3f} is above "
        f"{MAX_CR:.2f}. Revise the judgements that conflict most: "
        + explain_conflicts(result, names)
    )
