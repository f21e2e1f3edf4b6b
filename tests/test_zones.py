"""The five districts: built by their methods, contain their anchors, plausible areas."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely

from cmgis import settings
from cmgis._errors import InputError
from cmgis.network import RoadGraph
from cmgis.zones import ZONE_IDS, build_zones, load_zone_spec


@pytest.fixture(scope="module")
def zones(built_layers: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    return built_layers["zones"].set_index("zone_id")


def test_five_zones_with_names_and_attributes(zones: gpd.GeoDataFrame) -> None:
    assert list(zones.index) == list(ZONE_IDS)
    assert zones.loc["nimman", "name_th"] == "นิมมานเหมินท์"
    assert zones.loc["old_town", "name_th"] == "เมืองเก่า"
    assert zones.loc["mae_kha", "name_th"] == "คลองแม่ข่า"
    for col in ("theme_en", "theme_th", "strategies", "plan_items", "method", "parameters"):
        assert zones[col].str.len().gt(0).all(), col
    assert zones["geometry"].geom_type.isin(["Polygon", "MultiPolygon"]).all()
    for params in zones["parameters"]:
        assert isinstance(json.loads(params), dict)


def test_each_zone_contains_its_anchors(
    zones: gpd.GeoDataFrame, built_layers: dict[str, gpd.GeoDataFrame]
) -> None:
    anchors = built_layers["zone_anchors"]
    assert set(anchors["zone_id"]) == {"nimman", "suan_dok", "mae_hia"}
    for _, a in anchors.iterrows():
        assert zones.loc[a["zone_id"], "geometry"].contains(a.geometry), a["name"]


def test_suan_dok_contains_the_hospital_and_faculty(
    zones: gpd.GeoDataFrame, built_layers: dict[str, gpd.GeoDataFrame]
) -> None:
    pois = built_layers["pois"].set_index("name")
    for name in ("โรงพยาบาลมหาราชนครเชียงใหม่", "คณะแพทยศาสตร์"):
        assert zones.loc["suan_dok", "geometry"].contains(pois.loc[name, "geometry"])


def test_old_town_lies_inside_the_moat(
    zones: gpd.GeoDataFrame, built_layers: dict[str, gpd.GeoDataFrame]
) -> None:
    old = zones.loc["old_town", "geometry"]
    moat = shapely.union_all(built_layers["old_city_moat"].geometry.values)
    outer = shapely.convex_hull(moat)
    assert outer.contains(old)
    # it does not overlap the water (beyond rounding at the corners)
    assert old.intersection(moat).area / old.area < 0.01
    # all five gates are on its edge (within 80 m, in metres)
    old_m = gpd.GeoSeries([old], crs=4326).to_crs(settings.METRIC_CRS).iloc[0]
    gates_m = built_layers["old_city_gates"].to_crs(settings.METRIC_CRS)
    assert gates_m.distance(old_m.exterior).max() < 80


def test_areas_plausible(zones: gpd.GeoDataFrame) -> None:
    a = zones["area_km2"]
    # Old Town: the moat is a square of about 1.6 km a side (1.5-1.6 km inside): 2.2-2.6 km².
    assert 2.2 < a["old_town"] < 2.6
    # An 800 m walking catchment on a street grid covers at most the 2 km² disc of radius
    # 800 m, plus the 50 m edge buffer and the campus closing: 1-3 km².
    assert 1.0 < a["nimman"] < 3.0
    assert 1.0 < a["suan_dok"] < 3.0
    # The canal corridor: 500 m wide along ~13.8 km inside the tambons, clipped to the
    # municipal tambons: well under 0.5 × 13.8 = 6.9 km² … and more than half of it.
    assert 3.5 < a["mae_kha"] < 7.0
    # Mae Hia: the tambon (about 15-20 km² in COD-AB) plus part of a 1.5 km disc (7 km²).
    assert 15 < a["mae_hia"] < 27
    # area_km2 is computed in EPSG:32647
    metric = zones.to_crs(settings.METRIC_CRS).area / 1e6
    assert (metric - a).abs().max() < 1e-3


def test_mae_hia_flagged_approximate_others_not(zones: gpd.GeoDataFrame) -> None:
    assert bool(zones.loc["mae_hia", "approximate"]) is True
    assert not zones.drop(index="mae_hia")["approximate"].astype(bool).any()
    assert "placed by hand" in zones.loc["mae_hia", "method"]


def test_mae_kha_corridor_stays_in_municipal_tambons(
    zones: gpd.GeoDataFrame, built_layers: dict[str, gpd.GeoDataFrame]
) -> None:
    t = built_layers["tambons"]
    outside = shapely.union_all(t[t["municipality_coverage"] == "none"].geometry.values)
    assert zones.loc["mae_kha", "geometry"].intersection(outside).area < 1e-9


def test_spec_change_changes_zone(
    built_layers: dict[str, gpd.GeoDataFrame], road_graph: RoadGraph
) -> None:
    spec = load_zone_spec()
    for z in spec["zone"]:
        if z["id"] == "mae_kha":
            z["buffer_m"] = 100
    zones, _ = build_zones(built_layers, road_graph, spec=spec)
    z = zones.set_index("zone_id")
    assert z.loc["mae_kha", "area_km2"] < 3.0
    assert json.loads(z.loc["mae_kha", "parameters"])["buffer_m"] == 100


def test_missing_anchor_is_a_clear_error(
    built_layers: dict[str, gpd.GeoDataFrame], road_graph: RoadGraph
) -> None:
    spec = load_zone_spec()
    for z in spec["zone"]:
        if z["id"] == "nimman":
            z["anchors"] = [{"layer": "pois", "name": "No Such Place"}]
    with pytest.raises(InputError, match="No Such Place"):
        build_zones(built_layers, road_graph, spec=spec)
