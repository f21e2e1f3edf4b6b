"""Shared fixtures: the built layers of data/layers/ (read once per session)."""

from __future__ import annotations

import geopandas as gpd
import pytest

from cmgis import raw
from cmgis.layers import list_built_layers, load_layer
from cmgis.network import RoadGraph, graph_from_arrays


@pytest.fixture(scope="session")
def built_layers() -> dict[str, gpd.GeoDataFrame]:
    """Every vector layer of data/layers/cmgis.gpkg, by id."""
    return {name: load_layer(name) for name in list_built_layers()}


@pytest.fixture(scope="session")
def road_graph() -> RoadGraph:
    """The road graph of data/raw/."""
    return graph_from_arrays(raw.graph_from_raw())
