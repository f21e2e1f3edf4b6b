"""Input and schema checks: layer schemas are declared once here and checked on build."""

from __future__ import annotations

import geopandas as gpd

from cmgis import settings
from cmgis.plan import projects as projects
from cmgis._errors import CRSError, InputError

#: Required columns and geometry types of every built vector layer.
LAYER_SCHEMAS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "tambons": (
        ("tambon_code", "name_en", "name_th", "municipality_coverage", "area_km2"),
        ("Polygon", "MultiPolygon"),
    ),
    "old_city_moat": (("osm_id", "osm_url", "name_en", "name_th"), ("Polygon",)),
    "old_city_walls": (("osm_id", "osm_url", "name_en", "name_th"), ("Polygon",)),
    "old_city_gates": (("osm_id", "osm_url", "name_en", "name_th"), ("Point",)),
    "mae_kha_canal": (("name_th", "name_en", "length_m"), ("LineString",)),
    "pois": (("poi_id", "name", "category", "osm_category", "purpose"), ("Point",)),
    "coworking": (("poi_id", "name"), ("Point",)),
    "landmarks": (("landmark_id", "name", "kind", "kind_source", "note"), ("Point",)),
    "named_places": (("name", "weight"), ("Point",)),
    "roads": (("edge_id", "u", "v", "length_m"), ("LineString",)),
    "zone_anchors": (("zone_id", "name", "source", "approximate"), ("Point",)),
    "zones": (
        (
            "zone_id",
            "name_en",
            "name_th",
            "theme_en",
            "theme_th",
            "strategies",
            "plan_items",
            "area_km2",
            "method",
            "parameters",
            "approximate",
        ),
        ("Polygon", "MultiPolygon"),
    ),
    "projects": (projects.COLUMNS, projects.GEOMETRY_TYPES),
}


def validate_layer(layer_id: str, gdf: gpd.GeoDataFrame) -> None:
    """Check a built layer against its schema: columns, geometry types, validity, EPSG:4326.

    Raises
    ------
    InputError
        Naming the layer and what is missing or wrong.
    """
    if layer_id not in LAYER_SCHEMAS:
        raise InputError(f"no schema declared for layer {layer_id!r}")
    columns, geom_types = LAYER_SCHEMAS[layer_id]
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        raise InputError(f"layer {layer_id!r} lacks columns {missing}")
    if gdf.crs is None or gdf.crs != settings.STORE_CRS:
        raise CRSError(f"layer {layer_id!r} must be in {settings.STORE_CRS}, got {gdf.crs}")
    # rows without geometry are allowed (e.g. plan items the report gives no place)
    wrong = sorted(set(gdf.geom_type.dropna()) - set(geom_types))
    if wrong:
        raise InputError(f"layer {layer_id!r} has geometry types {wrong}; expected {geom_types}")
    present = gdf.geometry[gdf.geometry.notna()]
    invalid = int((~present.is_valid).sum())
    if invalid:
        raise InputError(f"layer {layer_id!r} has {invalid} invalid geometries")
