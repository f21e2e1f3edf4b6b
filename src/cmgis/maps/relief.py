"""Shaded relief with a hypsometric tint from the elevation raster: the offline basemap.

The image is computed from the elevation GeoTIFF (EPSG:4326, metres) and drawn by the web
map as an image overlay when no tile server is used, so the map has a ground to stand on
with no network. Slopes are computed in metres (cell sizes converted from degrees at the
raster's latitude).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
from rasterio.transform import Affine
from scipy import ndimage

from cmgis._errors import InputError

_M_PER_DEG_LAT = 111_320.0

#: Hypsometric tint: (elevation m, RGB) stops, pale lowland greens to upland browns.
TINT_STOPS: tuple[tuple[float, tuple[int, int, int]], ...] = (
    (250.0, (226, 236, 214)),
    (340.0, (214, 228, 196)),
    (450.0, (222, 220, 184)),
    (700.0, (214, 196, 160)),
    (1100.0, (196, 172, 140)),
    (1700.0, (236, 232, 226)),
)

Bounds = tuple[tuple[float, float], tuple[float, float]]


def hillshade(
    elevation_m: npt.NDArray[np.float64],
    *,
    cell_x_m: float,
    cell_y_m: float,
    azimuth_deg: float = 315.0,
    altitude_deg: float = 45.0,
) -> npt.NDArray[np.float64]:
    """Hillshade (0 dark – 1 lit) of an elevation grid, north up; NaN stays NaN.

    Parameters
    ----------
    elevation_m
        Elevations in metres, row 0 the northernmost.
    cell_x_m, cell_y_m
        Cell width and height in metres (positive).
    azimuth_deg, altitude_deg
        Direction (clockwise from north) and height above the horizon of the light.
    """
    if elevation_m.ndim != 2 or min(elevation_m.shape) < 2:
        raise InputError(f"elevation must be a 2-D grid of at least 2x2, got {elevation_m.shape}")
    if cell_x_m <= 0 or cell_y_m <= 0:
        raise InputError(f"cell sizes must be positive metres, got {cell_x_m}, {cell_y_m}")
    # rows grow southwards and columns eastwards, as in the usual (Horn/ESRI) formulation
    dz_dy, dz_dx = np.gradient(elevation_m, cell_y_m, cell_x_m)
    slope = np.arctan(np.hypot(dz_dx, dz_dy))
    aspect = np.arctan2(dz_dy, -dz_dx)
    az = np.radians(360.0 - azimuth_deg + 90.0)
    alt = np.radians(altitude_deg)
    shade = np.sin(alt) * np.cos(slope) + np.cos(alt) * np.sin(slope) * np.cos(az - aspect)
    return np.asarray(np.clip(shade, 0.0, 1.0), dtype=np.float64)


def tint(elevation_m: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """RGB (0-255 floats, shape ``(rows, cols, 3)``) of the hypsometric tint of each cell."""
    levels = np.array([s[0] for s in TINT_STOPS])
    colours = np.array([s[1] for s in TINT_STOPS], dtype=float)
    filled = np.where(np.isfinite(elevation_m), elevation_m, levels[0])
    return np.stack([np.interp(filled, levels, colours[:, i]) for i in range(3)], axis=-1)


def relief_rgba(
    elevation_m: npt.NDArray[np.float64],
    transform: Affine,
    *,
    upsample: int = 4,
    opacity: float = 0.85,
) -> tuple[npt.NDArray[np.uint8], Bounds]:
    """An RGBA image of tinted shaded relief and its bounds, for a web-map overlay.

    Parameters
    ----------
    elevation_m
        Elevations (m) in EPSG:4326 cells, NaN for no data, row 0 northernmost.
    transform
        The raster's affine transform (degrees; north-up, no rotation).
    upsample
        Each cell becomes ``upsample`` × ``upsample`` pixels, interpolated bilinearly,
        so the coarse grid (about 530 m cells) does not look like tiles.
    opacity
        Alpha of cells with data (0-1); no-data cells are fully transparent.

    Returns
    -------
    rgba, bounds
        ``uint8`` array ``(rows, cols, 4)`` and ``((south, west), (north, east))`` in
        degrees, the outer edges of the raster.
    """
    if transform.b != 0 or transform.d != 0 or transform.e >= 0:
        raise InputError("relief needs a north-up raster without rotation")
    if upsample < 1:
        raise InputError(f"upsample must be >= 1, got {upsample}")
    rows, cols = elevation_m.shape
    west, north = transform.c, transform.f
    east, south = west + transform.a * cols, north + transform.e * rows
    lat_mid = (north + south) / 2
    valid = np.isfinite(elevation_m)
    if not valid.any():
        raise InputError("the elevation raster has no data cells")
    filled = _fill_nodata(elevation_m)
    fine = ndimage.zoom(filled, upsample, order=1, mode="nearest")
    mask = ndimage.zoom(valid.astype(float), upsample, order=0, mode="nearest") > 0.5
    cell_x_m = abs(transform.a) / upsample * _M_PER_DEG_LAT * np.cos(np.radians(lat_mid))
    cell_y_m = abs(transform.e) / upsample * _M_PER_DEG_LAT
    shade = hillshade(fine, cell_x_m=float(cell_x_m), cell_y_m=cell_y_m)
    rgb = tint(fine) * (0.62 + 0.38 * shade)[..., None]
    alpha = np.where(mask, 255.0 * opacity, 0.0)
    rgba = np.concatenate([rgb, alpha[..., None]], axis=-1)
    image = np.clip(np.round(rgba), 0, 255).astype(np.uint8)
    return image, ((south, west), (north, east))


def _fill_nodata(elevation_m: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Copy with each NaN cell given the value of its nearest data cell."""
    invalid = ~np.isfinite(elevation_m)
    if not invalid.any():
        return elevation_m.astype(np.float64)
    _dist, (ri, ci) = ndimage.distance_transform_edt(invalid, return_indices=True)
    return np.asarray(elevation_m[ri, ci], dtype=np.float64)


def relief_from_tif(
    path: Path | None = None, *, upsample: int = 4
) -> tuple[npt.NDArray[np.uint8], Bounds]:
    """`relief_rgba` of the built elevation GeoTIFF (``settings.elevation_tif()`` by default)."""
    from cmgis.data.terrain import load_elevation

    elevation_m, transform, _crs = load_elevation(path)
    return relief_rgba(elevation_m, transform, upsample=upsample)
