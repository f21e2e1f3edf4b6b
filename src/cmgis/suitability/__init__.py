"""Site suitability: criteria rasters, AHP weights, weighted surfaces and candidate zones.

Modules: `criteria` (the grid and one normalised raster per criterion, from
``data/spec/suitability.toml``), `ahp` (pairwise-comparison weights and consistency),
`surface` (weighted surfaces, candidate zones, their indicators and files).

Public API: the names in ``__all__``. Inside ``src/cmgis`` import from the submodule.
"""

from cmgis.suitability.ahp import ahp_weights, matrix_from_upper, require_consistent
from cmgis.suitability.criteria import (
    CriteriaStack,
    Criterion,
    NormalisedStack,
    Spec,
    load_spec,
    normalise_stack,
)
from cmgis.suitability.surface import (
    CandidateParams,
    Surface,
    candidate_indicators,
    candidate_parameters,
    candidate_zones,
    candidates_layer,
    safe_layer_filename,
    save_candidates,
    stack_for_spec,
    surface_table,
    weighted_surface,
    weights_toml,
    write_surface,
)

__all__ = [
    "CandidateParams",
    "CriteriaStack",
    "Criterion",
    "NormalisedStack",
    "Spec",
    "Surface",
    "ahp_weights",
    "candidate_indicators",
    "candidate_parameters",
    "candidate_zones",
    "candidates_layer",
    "load_spec",
    "matrix_from_upper",
    "normalise_stack",
    "require_consistent",
    "safe_layer_filename",
    "save_candidates",
    "stack_for_spec",
    "surface_table",
    "weighted_surface",
    "weights_toml",
    "write_surface",
]
