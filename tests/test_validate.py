"""Layer schema checks."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point, Polygon

from cmgis import CRSError, InputError
from cmgis.data._validate import validate_layer


def test_valid_layer_passes(built_layers: dict[str, gpd.GeoDataFrame]) -> None:
    for layer_id, gdf in built_layers.items():
        validate_layer(layer_id, gdf)


def test_missing_column_wrong_crs_wrong_type_invalid() -> None:
    gdf = gpd.GeoDataFrame({"name": ["x"], "weight": [1]}, geometry=[Point(99, 18.8)], crs=4326)
    validate_layer("named_places", gdf)
    with pytest.raises(InputError, match="lacks columns"):
        validate_layer("named_places", gdf.drop(columns="weight"))
    with pytest.raises(CRSError, match="EPSG:4326"):
        validate_layer("named_places", gdf.to_crs(32647))
    square = Polygon([(99, 18.8), (99.01, 18.8), (99.01, 18.81), (99, 18.81)])
    with pytest.raises(InputError, match="geometry types"):
        validate_layer("named_places", gdf.set_geometry([square], crs=4326))
    bow = Polygon([(99, 18.8), (99.01, 18.81), (99.01, 18.8), (99, 18.81)])
    cols = {c: ["x"] for c in ("tambon_code", "name_en", "name_th", "municipality_coverage")}
    bad = gpd.GeoDataFrame({**cols, "area_km2": [1.0]}, geometry=[bow], crs=4326)
    with pytest.raises(InputError, match="1 invalid geometries"):
        validate_layer("tambons", bad)


def test_declared_column_types_are_checked() -> None:
    gdf = gpd.GeoDataFrame(
        {"name": ["x"], "weight": ["heavy"]}, geometry=[Point(99, 18.8)], crs=4326
    )
    with pytest.raises(InputError, match=r"column 'weight' has type \w+; expected int"):
        validate_layer("named_places", gdf)
