"""Shared fixtures: a temp store and a tiny zones index built in code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from cmgis.sketches import ZoneIndex
from cmgis.store import Store, open_store

#: Two test boxes inside the Chiang Mai area (test fixtures, not real zone boundaries).
ZONE_A = box(98.960, 18.790, 98.970, 18.800)
ZONE_B = box(98.980, 18.780, 98.990, 18.790)


@pytest.fixture
def zones() -> ZoneIndex:
    frame = gpd.GeoDataFrame(
        {"zone_id": ["zone_a", "zone_b"]}, geometry=[ZONE_A, ZONE_B], crs="EPSG:4326"
    )
    return ZoneIndex(frame)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "store.sqlite")
    yield s
    s.close()
