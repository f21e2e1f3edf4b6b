"""Indicators: recomputing gives the stored values; definitions complete; ISC as the report."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from cmgis.indicators import (
    INDICATORS,
    compute_indicators,
    isc_scores,
    load_indicators,
    normalised_scores,
    ranks,
)
from cmgis.network import RoadGraph
from tests.thai_support import THAI, same_numbers_and_units


@pytest.mark.parametrize(("kind", "key"), [("zones", "zone_id"), ("tambons", "tambon_code")])
def test_recomputing_gives_stored_values(
    built_layers: dict[str, gpd.GeoDataFrame], road_graph: RoadGraph, kind: str, key: str
) -> None:
    stored = load_indicators(kind)
    fresh = compute_indicators(built_layers[kind], built_layers, road_graph, key=key)
    pd.testing.assert_frame_equal(
        fresh.sort_index(), stored.sort_index(), check_dtype=False, atol=1e-4
    )


def test_at_least_eight_indicators_with_full_definitions() -> None:
    assert len(INDICATORS) >= 8
    assert len({d.id for d in INDICATORS}) == len(INDICATORS)
    for d in INDICATORS:
        assert d.title_en and d.title_th and d.unit and d.formula and d.source_layers
        assert d.isc_dimension in {"innovative", "connected", "sustainable", "inclusive"}
        assert d.strategy in {"default", "driving-spaces", "drivers"}


def test_every_formula_has_a_thai_translation_with_the_same_numbers() -> None:
    for d in INDICATORS:
        assert THAI.search(d.formula_th), d.id
        assert same_numbers_and_units(d.formula, d.formula_th), d.id
        assert d.formula_in("th") == d.formula_th
        assert d.formula_in("en") == d.formula
    area = next(d for d in INDICATORS if d.id == "area_km2")
    assert area.formula_th == "พื้นที่ของรูปหลายเหลี่ยมใน EPSG:32647 / 1e6"


def test_no_data_outside_the_osm_extract_is_nan_not_zero(
    built_layers: dict[str, gpd.GeoDataFrame],
) -> None:
    t = load_indicators("tambons")
    # San Phisuea lies north of 18.830 N except a sliver; the OSM extract barely covers it
    codes = built_layers["tambons"].set_index("name_en")["tambon_code"]
    row = t.loc[codes["San Phisuea"]]
    if row["osm_coverage_pct"] < 5:
        assert math.isnan(row["office_density_per_km2"])
    # A zone fully inside the extract has real numbers
    z = load_indicators("zones")
    assert z.loc["old_town", "osm_coverage_pct"] == pytest.approx(100)
    assert z.loc["old_town", "temple_density_per_km2"] > 5  # the old city is full of wats
    # Mae Hia is mostly outside the extract: coverage says so
    assert z.loc["mae_hia", "osm_coverage_pct"] < 50


def test_expected_relations_between_zones() -> None:
    z = load_indicators("zones")
    # the medical district has the most health places per km² among the walkable districts
    assert z.loc["suan_dok", "health_density_per_km2"] > z.loc["old_town", "health_density_per_km2"]
    # the canal zone is (almost) all canal corridor, the Old Town none of it
    assert z.loc["mae_kha", "canal_corridor_share_pct"] > 90
    assert z.loc["nimman", "canal_corridor_share_pct"] == 0
    # Mae Hia lies towards Doi Suthep: higher on average than the Old Town
    assert z.loc["mae_hia", "mean_elevation_m"] > z.loc["old_town", "mean_elevation_m"]


def test_normalised_scores_and_ranks() -> None:
    table = pd.DataFrame(
        {"office_density_per_km2": [10.0, 20.0, np.nan], "area_km2": [1.0, 2.0, 3.0]},
        index=["a", "b", "c"],
    )
    s = normalised_scores(table)
    assert s.loc["a", "office_density_per_km2"] == 0
    assert s.loc["b", "office_density_per_km2"] == 100
    assert math.isnan(s.loc["c", "office_density_per_km2"])  # no data stays no data
    assert "area_km2" not in s  # descriptive, not scored
    r = ranks(table)
    assert r.loc["b", "office_density_per_km2"] == 1


def test_isc_scores_exactly_as_the_report() -> None:
    scores = {s.id: (s.score_pct, s.level) for s in isc_scores()}
    assert scores == {
        "overall": (67.13, "Potential Innovative City"),
        "innovative": (88.33, "High Potential Innovative City"),
        "connected": (85.18, "High Potential Innovative City"),
        "sustainable": (74.07, "New Coming Innovative City"),
        "inclusive": (25.93, "Newborn Innovative City"),
    }
