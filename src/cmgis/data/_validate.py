"""Schema check of built layers: each layer's schema is declared once, in its definition."""

from __future__ import annotations

import geopandas as gpd

from cmgis import settings
from cmgis._errors import CRSError, InputError
from cmgis.data.definitions import DTYPE_KINDS, LAYER_DEFS

#: Required columns and geometry types of every built vector layer (from the definitions).
LAYER_SCHEMAS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    d.id: (d.columns, d.geometry_types) for d in LAYER_DEFS.values() if d.kind == "vector"
}


def validate_layer(layer_id: str, gdf: gpd.GeoDataFrame) -> None:
    """Check a built layer against its schema: columns, types, geometry types, validity, CRS.

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
    for column, kind in LAYER_DEFS[layer_id].dtypes:
        if gdf[column].dtype.kind not in DTYPE_KINDS[kind]:
            raise InputError(
                f"layer {layer_id!r} column {column!r} has type {gdf[column].dtype}; "
                f"expected {kind}"
            )
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
