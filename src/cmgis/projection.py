"""CRS discipline: one helper to go metric (EPSG:32647) and back, and CRS checks."""

from __future__ import annotations

import geopandas as gpd

from cmgis import settings
from cmgis._errors import CRSError


def require_crs(gdf: gpd.GeoDataFrame, *, name: str = "layer") -> None:
    """Raise `CRSError` if ``gdf`` has no CRS."""
    if gdf.crs is None:
        raise CRSError(
            f"{name} has no coordinate reference system; expected one, e.g. EPSG:4326 "
            "(lon/lat). Set it in the file (a .prj for Shapefiles) and try again."
        )


def to_metric(gdf: gpd.GeoDataFrame, *, name: str = "layer") -> gpd.GeoDataFrame:
    """Return ``gdf`` reprojected to EPSG:32647 (UTM 47N, metres); input is not mutated."""
    require_crs(gdf, name=name)
    return gdf.to_crs(settings.METRIC_CRS)


def to_store(gdf: gpd.GeoDataFrame, *, name: str = "layer") -> gpd.GeoDataFrame:
    """Return ``gdf`` reprojected to EPSG:4326 (lon/lat degrees), the store CRS."""
    require_crs(gdf, name=name)
    return gdf.to_crs(settings.STORE_CRS)


def require_same_crs(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> None:
    """Raise `CRSError` unless both frames have the same CRS (check before any overlay)."""
    require_crs(a, name="left layer")
    require_crs(b, name="right layer")
    if a.crs != b.crs:
        raise CRSError(f"CRS mismatch: {a.crs.to_string()} vs {b.crs.to_string()}")
