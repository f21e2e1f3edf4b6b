"""Helpers of the workshop tests: a tiny zones index built in code."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import box

from cmgis.workshop import ZoneIndex

#: Two test boxes inside the Chiang Mai area (test fixtures, not real zone boundaries).
ZONE_A = box(98.960, 18.790, 98.970, 18.800)
ZONE_B = box(98.980, 18.780, 98.990, 18.790)


def make_zone_index() -> ZoneIndex:
    """A `ZoneIndex` of the two test boxes ``zone_a`` and ``zone_b``."""
    frame = gpd.GeoDataFrame(
        {"zone_id": ["zone_a", "zone_b"]}, geometry=[ZONE_A, ZONE_B], crs="EPSG:4326"
    )
    return ZoneIndex(frame)
