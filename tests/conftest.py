"""Shared fixtures: the built layers of data/layers/ (read once per session)."""

from __future__ import annotations

from collections.abc import Iterator

import geopandas as gpd
import pytest

from cmgis.data import raw as raw
from cmgis.data.layers import list_built_layers, load_layer
from cmgis.data.network import RoadGraph, graph_from_arrays


@pytest.fixture(scope="session", autouse=True)
def _session_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests never use the user's own store (saved user layers would join `export all`)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CMGIS_DB", str(tmp_path_factory.mktemp("session_store") / "cmgis.sqlite"))
        yield


@pytest.fixture(scope="session")
def built_layers() -> dict[str, gpd.GeoDataFrame]:
    """Every vector layer of data/layers/cmgis.gpkg, by id."""
    return {name: load_layer(name) for name in list_built_layers()}


@pytest.fixture(scope="session")
def road_graph() -> RoadGraph:
    """The road graph of data/raw/."""
    return graph_from_arrays(raw.graph_from_raw())
