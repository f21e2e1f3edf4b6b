"""Zipped CSV: attributes, WKT geometry and lon/lat of points; every text cell formula-guarded."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from cmgis import settings
from cmgis.export.meta import LayerData, LayerMeta, as_vector, zip_with_readme
from cmgis.export.vector import prepare_vector
from cmgis.projection import require_crs
from cmgis.textclean import csv_safe


def vector_to_csv_frame(gdf: gpd.GeoDataFrame, crs: str) -> pd.DataFrame:
    """Attributes plus ``wkt`` in ``crs``, and for points ``lon``/``lat``.

    ``lon``/``lat`` are WGS 84 degrees taken from the data before reprojection; in a
    projected CRS points also get ``x_m`` and ``y_m`` (their coordinates in ``crs``).
    Text starting with ``=``, ``+``, ``-`` or ``@`` (user-typed titles may) is prefixed
    with ``'`` so that a spreadsheet shows it instead of running it as a formula.
    """
    projected = prepare_vector(gdf, crs)
    geom = projected.geometry
    frame = pd.DataFrame(projected.drop(columns=geom.name))
    for column in frame.columns:
        if pd.api.types.is_object_dtype(frame[column]) or pd.api.types.is_string_dtype(
            frame[column]
        ):
            frame[column] = frame[column].map(csv_safe)
    frame["wkt"] = geom.to_wkt(rounding_precision=-1)
    is_point = (geom.geom_type == "Point").to_numpy()
    if is_point.any():
        # only point rows have x/y (geopandas refuses .x on other geometry types)
        lonlat = gdf.geometry.to_crs(settings.STORE_CRS).to_numpy()
        projected_xy = geom.to_numpy()

        def coord(geoms: np.ndarray, axis: str) -> np.ndarray:
            out = np.full(len(geoms), np.nan)
            out[is_point] = [getattr(g, axis) for g in geoms[is_point]]
            return out

        frame["lon"] = coord(lonlat, "x")
        frame["lat"] = coord(lonlat, "y")
        if crs != "EPSG:4326":
            frame["x_m"] = coord(projected_xy, "x")
            frame["y_m"] = coord(projected_xy, "y")
    return frame


def write_csv(
    layers: Mapping[str, LayerData],
    metas: Mapping[str, LayerMeta],
    crs: str,
    path: Path,
    when: dt.datetime,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for layer_id, data in layers.items():
            gdf = as_vector(data)
            require_crs(gdf, name=layer_id)
            file = Path(tmp) / f"{layer_id}.csv"
            # A byte-order mark so Excel reads the Thai text as UTF-8.
            vector_to_csv_frame(gdf, crs).to_csv(file, index=False, encoding="utf-8-sig")
            files.append(file)
        notes = [
            "Geometry is in the column 'wkt' (OGC Well-Known Text) in the coordinate system "
            "below; points also have 'lon'/'lat' (WGS 84 degrees)"
            + ("." if crs == "EPSG:4326" else " and 'x_m'/'y_m' (metres in that system).")
        ]
        zip_with_readme(path, files, metas, layers, crs, "CSV", when, notes)
