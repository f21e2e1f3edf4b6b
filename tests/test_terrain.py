"""The elevation GeoTIFF: CRS, transform, nodata, values from the raw grid."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio

from cmgis import settings
from cmgis.data import raw as raw
from cmgis.data.terrain import ELEVATION_NODATA


def test_elevation_geotiff_georeferencing() -> None:
    with rasterio.open(settings.elevation_tif()) as src:
        assert src.crs.to_epsg() == 4326
        assert src.nodata == ELEVATION_NODATA
        assert (src.height, src.width) == (69, 65)
        assert src.transform.a == pytest.approx(0.005)
        assert src.transform.e == pytest.approx(-0.005)
        # samples are pixel centres: the NW sample (98.80 E, 18.96 N) is the centre of (0, 0)
        assert src.xy(0, 0) == pytest.approx((98.80, 18.96))
        data = src.read(1)
    assert data.min() == 291 and data.max() == 1650


def test_elevation_values_match_samples() -> None:
    grid = raw.elevation_from_raw()
    samples = {(round(p["lat"], 3), round(p["lon"], 3)): p["m"] for p in _points()}
    with rasterio.open(settings.elevation_tif()) as src:
        for (lat, lon), m in list(samples.items())[::97]:
            value = next(src.sample([(lon, lat)]))[0]
            assert value == m
    assert np.isfinite(grid.elevation_m).all()


def _points() -> list[dict[str, float]]:
    import json

    return json.loads((settings.raw_dir() / "elevation.json").read_text())["grid"]
