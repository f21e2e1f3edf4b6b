"""Vector layers made ready for a file: reprojected, plain columns."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pyproj

from cmgis.geocheck import check_finite
from cmgis.projection import require_crs


def prepare_vector(gdf: gpd.GeoDataFrame, crs: str, *, name: str = "layer") -> gpd.GeoDataFrame:
    """Return ``gdf`` in ``crs`` with plain columns (lists/dicts as JSON text), index dropped.

    The input is not mutated. Raises `InputError` when a coordinate is not finite in
    ``crs`` (nothing valid could be written).
    """
    require_crs(gdf, name=name)
    check_finite(gdf, what=f"the layer {name!r}")
    out = gdf.to_crs(crs) if not gdf.crs.equals(pyproj.CRS(crs)) else gdf.copy()
    check_finite(out, what=f"the layer {name!r}")
    out = out.reset_index(drop=True)
    geom_name = out.geometry.name
    for column in out.columns:
        if column == geom_name:
            continue
        series = out[column]
        if series.dtype == object:
            if series.map(lambda v: isinstance(v, (list, dict, tuple))).any():
                out[column] = series.map(
                    lambda v: (
                        json.dumps(v, ensure_ascii=False)
                        if isinstance(v, (list, dict, tuple))
                        else v
                    )
                )
        elif pd.api.types.is_datetime64_any_dtype(series.dtype):
            out[column] = series.map(lambda v: v.isoformat() if pd.notna(v) else None)
    return out
