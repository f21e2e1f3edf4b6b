"""CRS discipline: the one home of conversion to metres (EPSG:32647) and back, and CRS checks.

Frames and series go through `to_metric` / `to_store`; plain coordinate arrays through
`metric_transformer` / `lonlat_transformer`; one shapely geometry through
`to_metric_geometry`. No other module builds its own pyproj transformer for these CRSs.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from cmgis import settings
from cmgis._errors import CRSError

Frame = TypeVar("Frame", gpd.GeoDataFrame, gpd.GeoSeries)


def require_crs(gdf: gpd.GeoDataFrame | gpd.GeoSeries, *, name: str = "layer") -> None:
    """Raise `CRSError` if ``gdf`` has no CRS."""
    if gdf.crs is None:
        raise CRSError(
            f"{name} has no coordinate reference system; expected one, e.g. EPSG:4326 "
            "(lon/lat). Set it in the file (a .prj for Shapefiles) and try again."
        )


def to_metric(gdf: Frame, *, name: str = "layer") -> Frame:
    """Return ``gdf`` (frame or series) reprojected to EPSG:32647 (UTM 47N, metres).

    The input is not mutated.
    """
    require_crs(gdf, name=name)
    return gdf.to_crs(settings.METRIC_CRS)


def to_store(gdf: Frame, *, name: str = "layer") -> Frame:
    """Return ``gdf`` reprojected to EPSG:4326 (lon/lat degrees), the store CRS."""
    require_crs(gdf, name=name)
    return gdf.to_crs(settings.STORE_CRS)


@cache
def metric_transformer() -> Transformer:
    """lon/lat (EPSG:4326) → metres (EPSG:32647), x before y, for coordinate arrays."""
    return Transformer.from_crs(settings.STORE_CRS, settings.METRIC_CRS, always_xy=True)


@cache
def lonlat_transformer() -> Transformer:
    """Metres (EPSG:32647) → lon/lat (EPSG:4326), x before y, for coordinate arrays."""
    return Transformer.from_crs(settings.METRIC_CRS, settings.STORE_CRS, always_xy=True)


def to_metric_geometry(geom: BaseGeometry) -> BaseGeometry:
    """One geometry from EPSG:4326 (lon/lat) to EPSG:32647 (metres), without a GeoSeries."""
    transformer = metric_transformer()

    def project(xy: np.ndarray[Any, np.dtype[np.float64]]) -> np.ndarray[Any, Any]:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    metric: BaseGeometry = shapely.transform(geom, project)
    return metric


def require_same_crs(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> None:
    """Raise `CRSError` unless both frames have the same CRS (check before any overlay)."""
    require_crs(a, name="left layer")
    require_crs(b, name="right layer")
    if a.crs != b.crs:
        raise CRSError(f"CRS mismatch: {a.crs.to_string()} vs {b.crs.to_string()}")


@cache
def _to_lonlat(crs: str) -> Transformer:
    return Transformer.from_crs(crs, settings.STORE_CRS, always_xy=True)


def bounds_to_lonlat(
    bounds: tuple[float, float, float, float], crs: str
) -> tuple[float, float, float, float]:
    """``bounds`` (min x, min y, max x, max y) in ``crs`` as lon/lat bounds (EPSG:4326).

    The four corners are transformed (enough for the small areas cmgis checks); used to
    test which CRS a file without one is likely in (`cmgis.imports`).
    """
    x0, y0, x1, y1 = bounds
    xs, ys = _to_lonlat(crs).transform([x0, x0, x1, x1], [y0, y1, y0, y1])
    return (float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys)))
