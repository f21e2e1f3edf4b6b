"""The elevation raster: a GeoTIFF made with rasterio from the Open-Meteo sample grid."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import rasterio
from rasterio.features import geometry_mask
from rasterio.transform import Affine, from_origin

from cmgis import settings
from cmgis._errors import DataMissingError
from cmgis.data.raw import ElevationGrid

ELEVATION_NODATA: int = -32768


def elevation_transform(grid: ElevationGrid) -> Affine:
    """The affine transform of the grid, samples taken as pixel centres (EPSG:4326)."""
    half = grid.step_deg / 2
    return from_origin(grid.west_lon - half, grid.north_lat + half, grid.step_deg, grid.step_deg)


def write_elevation_tif(grid: ElevationGrid, path: Path) -> Path:
    """Write the grid as an int16 GeoTIFF (EPSG:4326, metres, nodata -32768, tiled, deflate)."""
    data = np.where(np.isfinite(grid.elevation_m), grid.elevation_m, ELEVATION_NODATA)
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = {
        "driver": "GTiff",
        "width": data.shape[1],
        "height": data.shape[0],
        "count": 1,
        "dtype": "int16",
        "crs": settings.STORE_CRS,
        "transform": elevation_transform(grid),
        "nodata": ELEVATION_NODATA,
        "compress": "deflate",
        "tiled": True,
        "blockxsize": 16,
        "blockysize": 16,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data.astype(np.int16), 1)
        dst.update_tags(
            units="m",
            source=str(grid.meta.get("source", "")),
            licence=str(grid.meta.get("licence", "")),
            fetched=str(grid.meta.get("fetched", "")),
            TIFFTAG_DATETIME=str(grid.meta.get("fetched", "")),
        )
        dst.set_band_description(1, "elevation_m")
    return path


def load_elevation(
    path: Path | None = None,
) -> tuple[npt.NDArray[np.float64], Affine, str]:
    """The elevation array (float, NaN for nodata), its transform and CRS string."""
    path = path or settings.elevation_tif()
    if not path.exists():
        raise DataMissingError(f"{path} not found; run `cmgis build-layers` first")
    with rasterio.open(path) as src:
        band = src.read(1, masked=True)
        return band.astype(np.float64).filled(np.nan), src.transform, str(src.crs)


def zonal_mean_elevation_m(areas: gpd.GeoDataFrame, *, path: Path | None = None) -> list[float]:
    """Mean elevation (m) of the raster cells whose centres fall in each area.

    Areas smaller than a cell (about 530 m) take the value of the cell under their
    representative point, so every area gets a value; NaN only where there is no data.
    """
    data, transform, crs = load_elevation(path)
    areas = areas.to_crs(crs)
    out: list[float] = []
    for geom in areas.geometry:
        mask = ~geometry_mask([geom], out_shape=data.shape, transform=transform)
        values = data[mask]
        values = values[np.isfinite(values)]
        if values.size == 0:
            pt = geom.representative_point()
            row, col = rasterio.transform.rowcol(transform, pt.x, pt.y)
            inside = 0 <= row < data.shape[0] and 0 <= col < data.shape[1]
            out.append(float(data[row, col]) if inside else float("nan"))
        else:
            out.append(float(values.mean()))
    return out
