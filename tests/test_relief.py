"""Tests of cmgis.maps.relief: hillshade and the tinted relief image."""

from __future__ import annotations

import numpy as np
import pytest
from rasterio.transform import from_origin

from cmgis import InputError
from cmgis.maps.relief import hillshade, relief_rgba


def test_hillshade_lights_slopes_facing_the_sun() -> None:
    # a ridge running north-south: the west face looks toward a north-west sun
    x = np.arange(20, dtype=float)
    elev = np.tile(500 - np.abs(x - 10) * 30, (20, 1))
    shade = hillshade(elev, cell_x_m=100, cell_y_m=100, azimuth_deg=270)
    west_face, east_face = shade[10, 5], shade[10, 15]
    assert west_face > east_face
    flat = hillshade(np.full((5, 5), 300.0), cell_x_m=100, cell_y_m=100, altitude_deg=45)
    assert np.allclose(flat, np.sin(np.radians(45)))
    with pytest.raises(InputError):
        hillshade(np.zeros(5), cell_x_m=1, cell_y_m=1)


def test_relief_rgba_bounds_upsampling_and_nodata() -> None:
    elev = np.linspace(300, 1500, 30).reshape(5, 6)
    elev[0, 0] = np.nan
    transform = from_origin(98.8, 18.9, 0.005, 0.005)
    rgba, ((south, west), (north, east)) = relief_rgba(elev, transform, upsample=3)
    assert rgba.shape == (15, 18, 4) and rgba.dtype == np.uint8
    assert (south, west, north, east) == pytest.approx((18.875, 98.8, 18.9, 98.83))
    assert rgba[0, 0, 3] == 0  # no data: transparent
    assert rgba[-1, -1, 3] > 0
    # higher ground is tinted browner (less green relative to red) than the lowland
    low, high = rgba[1, 5, :3].astype(int), rgba[-1, -1, :3].astype(int)
    assert (low[1] - low[0]) > (high[1] - high[0])
    with pytest.raises(InputError):
        relief_rgba(np.full((3, 3), np.nan), transform)
