"""Indicators: recomputing gives the stored values; definitions complete; ISC as the report."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from cmgis import settings
from cmgis.data.network import RoadGraph
from cmgis.data.raw import OSM_EXTRACT_BOUNDS_LONLAT
from cmgis.districts.indicators import (
    INDICATORS,
    RANK_MIN_COVERAGE_PCT,
    compute_indicators,
    definition,
    isc_scores,
    load_indicators,
    normalised_scores,
    ranks,
    unranked_reason,
)
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
    # Mae Hia is clipped to the extract; the Mae Kha corridor runs south out of it
    assert z.loc["mae_hia", "osm_coverage_pct"] == pytest.approx(100)
    assert z.loc["mae_kha", "osm_coverage_pct"] < RANK_MIN_COVERAGE_PCT


def test_no_ranking_below_the_coverage_threshold() -> None:
    table = pd.DataFrame(
        {
            "osm_coverage_pct": [100.0, 100.0, 79.0],
            "office_density_per_km2": [10.0, 20.0, 99.0],
            "mean_elevation_m": [300.0, 310.0, 320.0],
        },
        index=["a", "b", "c"],
    )
    r = ranks(table)
    # c has the highest value but only 79 % coverage: no rank, and it takes no rank away
    assert math.isnan(r.loc["c", "office_density_per_km2"])
    assert r.loc["b", "office_density_per_km2"] == 1
    assert math.isnan(normalised_scores(table).loc["c", "office_density_per_km2"])
    assert unranked_reason(table, "c", "office_density_per_km2") == "low_coverage"
    assert unranked_reason(table, "a", "office_density_per_km2") == ""
    # not OSM-based (elevation): coverage does not matter
    assert r.loc["c", "mean_elevation_m"] == 1
    # the real table: Mae Kha (79 % covered) is not ranked on any OSM-based indicator
    stored = load_indicators("zones")
    real = ranks(stored)
    osm = [d.id for d in INDICATORS if d.osm_based]
    assert real.loc["mae_kha", osm].isna().all()
    assert real.drop(index="mae_kha")[osm].notna().all().all()


def _zone_m(built_layers: dict[str, gpd.GeoDataFrame], zone_id: str) -> BaseGeometry:
    zones = built_layers["zones"].set_index("zone_id").to_crs(settings.METRIC_CRS)
    return zones.geometry[zone_id]


def _extract_m() -> BaseGeometry:
    return (
        gpd.GeoSeries([box(*OSM_EXTRACT_BOUNDS_LONLAT)], crs=settings.STORE_CRS)
        .to_crs(settings.METRIC_CRS)
        .iloc[0]
    )


@pytest.mark.parametrize("zone_id", ["old_town", "mae_kha"])
def test_landmarks_within_800m_counts_the_kinds_its_definition_names(
    built_layers: dict[str, gpd.GeoDataFrame], zone_id: str
) -> None:
    d = next(d for d in INDICATORS if d.id == "landmarks_within_800m")
    for word in ("university", "hospital", "market", "mall", "bus", "rail"):
        assert word in d.formula
    assert "monuments are not counted" in d.formula
    lm = built_layers["landmarks"].to_crs(settings.METRIC_CRS)
    near = _zone_m(built_layers, zone_id).buffer(800)
    wanted = lm["kind"].isin(["uni", "hospital", "market", "mall", "bus", "rail"])
    clinic = lm["name"].str.lower().str.contains("clinic|คลินิก")
    expected = int((wanted & ~clinic & lm.within(near)).sum())
    stored = load_indicators("zones").loc[zone_id, "landmarks_within_800m"]
    assert stored == expected
    # monuments and clinics near the zone exist and are left out
    assert int(lm.within(near).sum()) > expected


@pytest.mark.parametrize("zone_id", ["mae_kha", "nimman"])
def test_road_length_and_intersections_over_the_covered_area_only(
    built_layers: dict[str, gpd.GeoDataFrame], road_graph: RoadGraph, zone_id: str
) -> None:
    for ind in ("road_density_km_per_km2", "intersection_density_per_km2"):
        assert "covered part of the area" in definition(ind).formula
    covered = _zone_m(built_layers, zone_id).intersection(_extract_m())
    roads = built_layers["roads"].to_crs(settings.METRIC_CRS)
    road_km = roads.clip(covered).length.sum() / 1000
    junctions = shapely.points(road_graph.xy_m[road_graph.degree() >= 3])
    n_junctions = int(shapely.within(junctions, covered).sum())
    stored = load_indicators("zones").loc[zone_id]
    area = covered.area / 1e6
    assert stored["road_density_km_per_km2"] == pytest.approx(road_km / area, abs=1e-3)
    assert stored["intersection_density_per_km2"] == pytest.approx(n_junctions / area, abs=1e-3)


def test_coworking_is_a_lower_bound_everywhere(
    built_layers: dict[str, gpd.GeoDataFrame],
) -> None:
    d = definition("coworking_count")
    assert d.lower_bound is True
    assert "LOWER BOUND" in d.formula and "ค่าขั้นต่ำ" in d.formula_th
    assert [x.id for x in INDICATORS if x.lower_bound] == ["coworking_count"]
    # it counts the points of the coworking layer (spaces found by name) in the zone
    cw = built_layers["coworking"].to_crs(settings.METRIC_CRS)
    stored = load_indicators("zones")
    for zone_id in stored.index:
        inside = int(cw.within(_zone_m(built_layers, zone_id)).sum())
        assert stored.loc[zone_id, "coworking_count"] == inside
    assert stored["coworking_count"].sum() <= len(cw) == 3


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


def test_exported_indicator_layers_flag_the_lower_bound() -> None:
    from cmgis.sources.builtin import indicator_layer

    for layer_id in ("zone_indicators", "tambon_indicators"):
        gdf = indicator_layer(layer_id)
        assert gdf["coworking_count_is_lower_bound"].all()
        assert not [c for c in gdf.columns if c.endswith("_is_lower_bound") and "cowork" not in c]
