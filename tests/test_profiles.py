"""Tests of cmgis.districts.profiles with tiny fixtures built in code."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from cmgis import InputError
from cmgis.data.catalog import NoDataEntry
from cmgis.districts.profiles import indicator_ranks, indicator_rows, tambons_touching, zone_profile

CRS = "EPSG:4326"


@pytest.fixture
def zones() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "zone_id": ["a", "b"],
            "name_en": ["A", "B"],
            "name_th": ["เอ", "บี"],
            "theme_en": ["IT", "Food"],
            "theme_th": ["ไอที", "อาหาร"],
            "strategies": ["driving-spaces,default", "drivers"],
            "plan_items": ["2.1,1.1", ""],
            "parameters": ['{"catchment_m": 800}', "{}"],
            "approximate": [False, True],
            "area_km2": [1.0, 2.0],
            "method": ["walking catchment", "buffer"],
        },
        geometry=[box(98.95, 18.75, 98.97, 18.77), box(98.99, 18.75, 99.01, 18.77)],
        crs=CRS,
    )


@pytest.fixture
def tambons() -> gpd.GeoDataFrame:
    # "west" takes the left three quarters of zone a, "east" the rest and all of zone b
    return gpd.GeoDataFrame(
        {"tambon_code": ["T1", "T2"], "name_en": ["West", "East"], "name_th": ["ตก", "ออก"]},
        geometry=[box(98.90, 18.70, 98.965, 18.80), box(98.965, 18.70, 99.05, 18.80)],
        crs=CRS,
    )


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_km2": [1.0, 2.0],
            "office_density_per_km2": [5.0, np.nan],
            "hospitals_count": [0.0, 3.0],
        },
        index=pd.Index(["a", "b"], name="zone_id"),
    )


def test_ranks_follow_direction_and_leave_no_data_unranked(table: pd.DataFrame) -> None:
    ranks = indicator_ranks(table)
    assert "area_km2" not in ranks  # descriptive: not ranked
    assert ranks.at["a", "office_density_per_km2"] == 1
    assert np.isnan(ranks.at["b", "office_density_per_km2"])
    assert ranks.at["b", "hospitals_count"] == 1 and ranks.at["a", "hospitals_count"] == 2


def test_indicator_rows_show_no_data_not_zero(table: pd.DataFrame) -> None:
    rows = {r.definition.id: r for r in indicator_rows("b", table)}
    assert rows["office_density_per_km2"].value is None
    assert rows["office_density_per_km2"].rank is None
    assert rows["office_density_per_km2"].ranked_among == 1
    assert rows["hospitals_count"].value == 3.0 and rows["hospitals_count"].rank == 1
    assert rows["coworking_count"].value is None  # not in the table at all: no data
    with pytest.raises(InputError):
        indicator_rows("zz", table)


def test_tambons_touching_gives_area_shares(
    zones: gpd.GeoDataFrame, tambons: gpd.GeoDataFrame
) -> None:
    shares = tambons_touching(zones.iloc[[0]], tambons)
    assert [s.tambon_code for s in shares] == ["T1", "T2"]
    assert shares[0].share_of_zone_pct == pytest.approx(75.0, abs=0.5)
    assert shares[1].share_of_zone_pct == pytest.approx(25.0, abs=0.5)
    assert [s.tambon_code for s in tambons_touching(zones.iloc[[1]], tambons)] == ["T2"]


def test_zone_profile_gathers_everything(
    zones: gpd.GeoDataFrame, tambons: gpd.GeoDataFrame, table: pd.DataFrame
) -> None:
    pois = gpd.GeoDataFrame(
        {"name": ["x", "y", "z"], "category": ["office", "office", "temple"]},
        geometry=[Point(98.955, 18.76), Point(98.96, 18.76), Point(99.0, 18.76)],
        crs=CRS,
    )
    landmarks = gpd.GeoDataFrame(
        {"name": ["CMU", ""], "kind": ["uni", "market"]},
        geometry=[Point(98.955, 18.765), Point(98.956, 18.765)],
        crs=CRS,
    )
    coworking = gpd.GeoDataFrame({"name": ["Hub"]}, geometry=[Point(99.0, 18.76)], crs=CRS)
    gap = NoDataEntry("internet_speed_mbps", "Internet speed", "ความเร็ว", "none open", "w", "h")
    p = zone_profile(
        "a",
        zones=zones,
        tambons=tambons,
        indicators=table,
        pois=pois,
        landmarks=landmarks,
        coworking=coworking,
        no_data=[gap],
    )
    assert p.name_th == "เอ" and p.strategies == ("driving-spaces", "default")
    assert p.plan_items == ("2.1", "1.1")
    assert p.parameters == {"catchment_m": 800}
    assert p.approximate is False
    assert p.poi_counts == {"office": 2}
    assert [x.name for x in p.landmarks] == ["CMU"]  # unnamed points are not listed
    assert p.coworking == ()
    assert p.no_data == (gap,)
    assert [s.tambon_code for s in p.tambons] == ["T1", "T2"]
    b = zone_profile(
        "b", zones=zones, tambons=tambons, indicators=table, pois=pois,
        landmarks=landmarks, coworking=coworking,
    )  # fmt: skip
    assert b.approximate is True and b.plan_items == ()
    assert [x.name for x in b.coworking] == ["Hub"]
    with pytest.raises(InputError):
        zone_profile(
            "nope", zones=zones, tambons=tambons, indicators=table, pois=pois,
            landmarks=landmarks, coworking=coworking,
        )  # fmt: skip


def test_low_coverage_zone_is_not_ranked_and_says_why(table: pd.DataFrame) -> None:
    covered = table.assign(osm_coverage_pct=[60.0, 100.0], hospitals_count=[5.0, 3.0])
    rows = {r.definition.id: r for r in indicator_rows("a", covered)}
    # a has more hospitals but only 60 % of it is covered by the OSM data
    assert rows["hospitals_count"].value == 5.0
    assert rows["hospitals_count"].rank is None
    assert rows["hospitals_count"].unranked_reason == "low_coverage"
    assert rows["area_km2"].unranked_reason == "descriptive"
    b = {r.definition.id: r for r in indicator_rows("b", covered)}
    assert b["hospitals_count"].rank == 1 and b["hospitals_count"].ranked_among == 1
    assert b["hospitals_count"].unranked_reason == ""
    assert b["office_density_per_km2"].unranked_reason == "no_data"


def test_real_profiles_say_how_the_boundary_was_made(
    built_layers: dict[str, gpd.GeoDataFrame],
) -> None:
    from cmgis.districts.indicators import load_indicators

    for zone_id in built_layers["zones"]["zone_id"]:
        p = zone_profile(
            zone_id,
            zones=built_layers["zones"],
            tambons=built_layers["tambons"],
            indicators=load_indicators("zones"),
            pois=built_layers["pois"],
            landmarks=built_layers["landmarks"],
            coworking=built_layers["coworking"],
        )
        assert p.boundary_note_en and p.boundary_note_th and p.boundary_confidence
        assert "hard edge" in p.disjoint_rule
        assert p.osm_coverage_pct is not None
        if zone_id == "mae_kha":
            assert p.not_whole_municipal_share_pct is not None
            assert p.osm_coverage_pct < 80
            coworking = next(r for r in p.indicators if r.definition.id == "coworking_count")
            assert coworking.unranked_reason == "low_coverage"
        else:
            assert p.not_whole_municipal_share_pct is None
