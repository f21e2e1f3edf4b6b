"""Tests of cmgis.suitability.ahp: eigenvector weights and consistency on published examples."""

import numpy as np
import pytest

from cmgis import InputError
from cmgis.suitability.ahp import (
    InconsistentJudgementsError,
    ahp_weights,
    check_matrix,
    matrix_from_upper,
    require_consistent,
)

# Saaty, T. L. (1990). How to make a decision: the Analytic Hierarchy Process.
# European Journal of Operational Research 48(1), 9-26: the "relative wealth of nations"
# example (also in Saaty 1980, The Analytic Hierarchy Process, McGraw-Hill). Nations in
# order: U.S., U.S.S.R., China, France, U.K., Japan, W. Germany. Published results:
# eigenvector 0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094; lambda_max = 7.61;
# C.I. = 0.10; C.R. = 0.08.
WEALTH = [
    [1, 4, 9, 6, 6, 5, 5],
    [1 / 4, 1, 7, 5, 5, 3, 4],
    [1 / 9, 1 / 7, 1, 1 / 5, 1 / 5, 1 / 7, 1 / 5],
    [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
    [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
    [1 / 5, 1 / 3, 7, 3, 3, 1, 2],
    [1 / 5, 1 / 4, 5, 3, 3, 1 / 2, 1],
]


def test_saaty_1990_wealth_of_nations_published_numbers():
    result = ahp_weights(WEALTH)
    assert np.round(result.weights, 3).tolist() == [0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094]
    assert round(result.lambda_max, 2) == 7.61
    assert round(result.ci, 2) == 0.10
    assert round(result.cr, 2) == 0.08
    assert result.consistent


def test_consistent_matrix_gives_exact_ratios_and_zero_cr():
    w = np.array([0.5, 0.25, 0.125, 0.125])
    a = w[:, None] / w[None, :]
    result = ahp_weights(a)
    assert np.allclose(result.weights, w)
    assert result.cr == pytest.approx(0.0, abs=1e-9)
    assert result.lambda_max == pytest.approx(4.0)


def test_inconsistent_judgement_is_refused_and_named():
    # Consistent 4x4 (weights 8:4:2:1) except criterion B vs D, reversed to 1/9.
    a = matrix_from_upper([2, 4, 8, 2, 1 / 9, 2], 4)
    result = ahp_weights(a)
    assert result.cr > 0.10
    worst = result.conflicts[0]
    assert (worst.i, worst.j) == (1, 3)
    with pytest.raises(InconsistentJudgementsError) as err:
        require_consistent(result, ["A", "B", "C", "D"])
    msg = str(err.value)
    assert "consistency ratio" in msg
    assert "B vs D: you said 1/9" in msg


def test_matrix_from_upper_builds_reciprocals():
    a = matrix_from_upper([3, 5, 1 / 2], 3)
    assert a[1, 0] == pytest.approx(1 / 3)
    assert a[2, 1] == pytest.approx(2)
    check_matrix(a)


@pytest.mark.parametrize(
    "matrix",
    [
        [[1, 2], [2, 1]],  # not reciprocal
        [[1, -2], [-0.5, 1]],  # negative
        [[2, 1], [1, 2]],  # diagonal not 1
        [[1, 2, 3], [0.5, 1, 2]],  # not square
    ],
)
def test_bad_matrices_are_refused(matrix):
    with pytest.raises(InputError):
        ahp_weights(matrix)


def test_two_criteria_are_always_consistent():
    result = ahp_weights([[1, 3], [1 / 3, 1]])
    assert result.weights == pytest.approx((0.75, 0.25))
    assert result.cr == 0.0
