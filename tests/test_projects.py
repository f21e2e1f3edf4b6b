"""Tests of cmgis.plan.projects: placing the plan's proposals and the spatial join with zones."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, MultiPoint, Point, box

from cmgis import InputError
from cmgis.data.layers import load_layer
from cmgis.plan.projects import (
    COLUMNS,
    GEOMETRY_TYPES,
    build_projects_layer,
    check_zone_id,
    filter_projects,
    listing_rows,
    load_projects_layer,
    projects_catalog_entry,
    projects_in_zone,
    save_projects_layer,
    zones_touched,
)
from cmgis.plan.spec import load_plan
from cmgis.projection import to_metric


@pytest.fixture(scope="module")
def layer() -> gpd.GeoDataFrame:
    return build_projects_layer()


def _row(layer: gpd.GeoDataFrame, code: str) -> dict[str, object]:
    rows = layer[layer["code"] == code].to_dict("records")
    assert len(rows) == 1
    return rows[0]


def _metric_distance_m(a: Point, b: Point) -> float:
    pts = to_metric(gpd.GeoDataFrame(geometry=[a, b], crs="EPSG:4326"))
    return float(pts.geometry.iloc[0].distance(pts.geometry.iloc[1]))


def test_purple_bus_alignment_runs_from_cmu_into_suan_dok(layer: gpd.GeoDataFrame) -> None:
    bus = _row(layer, "P05")
    line = bus["geometry"]
    assert isinstance(line, LineString)
    assert bus["geometry_method"] == "indicative"
    assert bus["approximate"]
    assert "suan_dok" in str(bus["zones_touched"]).split(",")
    landmarks = load_layer("landmarks")
    cmu = landmarks[landmarks["name"] == "มหาวิทยาลัยเชียงใหม่"].geometry.iloc[0]
    pois = load_layer("pois")
    faculty = pois[pois["name"] == "คณะแพทยศาสตร์"].geometry.iloc[0]
    assert _metric_distance_m(Point(line.coords[0]), cmu) < 300
    assert _metric_distance_m(Point(line.coords[-1]), faculty) < 300
    # a road path is longer than the straight line, but not absurdly so
    straight_m = _metric_distance_m(cmu, faculty)
    length_m = float(bus["length_m"])  # type: ignore[arg-type]
    assert straight_m < length_m < 3 * straight_m


def test_canal_project_touches_mae_kha(layer: gpd.GeoDataFrame) -> None:
    canal = _row(layer, "P06")
    assert canal["geometry_method"] == "zone-derived"
    assert "mae_kha" in str(canal["zones_touched"]).split(",")
    zones = load_layer("zones")
    assert canal["geometry"].equals(zones[zones["zone_id"] == "mae_kha"].geometry.iloc[0])


@pytest.mark.parametrize(
    ("code", "zone_id"),
    [("P01", "nimman"), ("P02", "old_town"), ("P04", "suan_dok"), ("P07", "mae_hia")],
)
def test_zone_projects_touch_their_zone(layer: gpd.GeoDataFrame, code: str, zone_id: str) -> None:
    row = _row(layer, code)
    assert row["geometry_method"] == "zone-derived"
    assert zone_id in str(row["zones_touched"]).split(",")


def test_smart_cmu_and_coworking_and_unplaced(layer: gpd.GeoDataFrame) -> None:
    cmu = _row(layer, "P03")
    assert cmu["geometry_method"] == "landmark-point"
    assert isinstance(cmu["geometry"], Point)
    cowork = _row(layer, "P09")
    assert cowork["geometry_method"] == "baseline-points"
    assert isinstance(cowork["geometry"], MultiPoint)
    assert len(cowork["geometry"].geoms) == len(load_layer("coworking"))
    # light rail, design centre, walking street, crafts at RMUTL, the Chiangmai&Co sandbox
    # (no feature in the data), safe urban agriculture, craft districts
    for code in ("P08", "P10", "P11", "P12", "P13", "P15", "P16"):
        row = _row(layer, code)
        assert row["geometry"] is None
        assert row["geometry_method"] == "none"
        assert row["zones_touched"] == ""


def test_air_purifiers_on_the_two_faculties_named_in_osm(layer: gpd.GeoDataFrame) -> None:
    row = _row(layer, "P14")
    assert row["geometry_method"] == "poi-points"
    assert bool(row["approximate"])
    pois = load_layer("pois")
    names = ("คณะแพทยศาสตร์", "ลานพระวิษณุกรรม คณะวิศวกรรมศาสตร์")
    expected = [pois[pois["name"] == n].geometry.iloc[0] for n in names]
    assert [g.equals(e) for g, e in zip(row["geometry"].geoms, expected, strict=True)] == [
        True,
        True,
    ]


def test_layer_schema_and_stakeholders(layer: gpd.GeoDataFrame) -> None:
    assert list(layer.columns) == [*COLUMNS, "geometry"]
    assert layer.crs == "EPSG:4326"
    assert len(layer) == len(load_plan().place_projects)
    assert _row(layer, "P04")["partners"].startswith("Faculty of Medicine, Chiang Mai University")
    assert _row(layer, "P13")["lead"] == "Chiangmai&Co"
    assert str(_row(layer, "P06")["source"]).startswith("Action plan report (Thai), report, lines")
    assert set(layer["strategy"]) <= {"default", "driving-spaces", "drivers"}


def test_zones_touched_ignores_a_shared_boundary_only() -> None:
    zones = gpd.GeoDataFrame(
        {"zone_id": ["a", "b"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs="EPSG:4326",
    )
    geoms = gpd.GeoSeries(
        [box(0.2, 0.2, 1, 0.8), LineString([(0.5, 0.5), (1.5, 0.5)]), None], crs="EPSG:4326"
    )
    assert zones_touched(geoms, zones) == [["a"], ["a", "b"], []]
    with pytest.raises(InputError, match="CRS mismatch"):
        zones_touched(geoms.set_crs("EPSG:32647", allow_override=True), zones)


def test_filters_and_zone_listing(layer: gpd.GeoDataFrame) -> None:
    drivers = filter_projects(layer, strategy="drivers")
    assert set(drivers["strategy"]) == {"drivers"}
    assert "P06" not in set(drivers["code"])  # the report files the canal under Default
    assert "P06" in set(filter_projects(layer, strategy="default")["code"])
    assert "P06" in set(projects_in_zone(layer, "mae_kha")["code"])
    assert "P07" not in set(projects_in_zone(layer, "mae_kha")["code"])
    plan = load_plan()
    rows = listing_rows(plan, layer, strategy="default")
    assert {r["strategy"] for r in rows} == {"default"}
    assert {"1.1.1", "1.1.2", "1.2.1", "1.2.2", "P05", "P06", "P08"} <= {r["code"] for r in rows}
    canal = next(r for r in rows if r["code"] == "P06")
    assert canal["filed_under"] == "G1.3.4; co-sensing: driving-spaces"
    in_mae_kha = listing_rows(plan, layer, zone_id="mae_kha")
    assert all("mae_kha" in r["zones_touched"].split(",") for r in in_mae_kha)
    with pytest.raises(InputError, match="unknown strategy"):
        listing_rows(plan, layer, strategy="disruption")
    with pytest.raises(InputError, match="unknown zone 'x'"):
        check_zone_id("x", load_layer("zones"))


def test_save_load_round_trip_and_catalog_entry(layer: gpd.GeoDataFrame, tmp_path: Path) -> None:
    path = save_projects_layer(layer, tmp_path / "t.gpkg")
    back = load_projects_layer(path)
    assert list(back["code"]) == list(layer["code"])
    assert back.crs == "EPSG:4326"
    assert back.geometry.isna().sum() == layer.geometry.isna().sum()
    entry = projects_catalog_entry(layer)
    assert entry.id == "projects"
    assert entry.feature_count == len(layer)
    assert "indicative (1)" in entry.method
    assert entry.approximate


def test_geometry_types_declared(layer: gpd.GeoDataFrame) -> None:
    placed = layer.geometry.dropna()
    assert set(placed.geom_type) <= set(GEOMETRY_TYPES)
    assert placed.is_valid.all()
