"""Shared fixtures: the built layers of data/layers/ (read once per session)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest

from cmgis.data import raw as raw
from cmgis.data.layers import list_built_layers, load_layer
from cmgis.data.network import RoadGraph, graph_from_arrays
from cmgis.store import Store, open_app_store
from tests.pg_support import PgCluster, PgClusterError

#: The store backends that the store tests and the feature tests using a store run against.
BACKENDS = ("sqlite", "postgresql")


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


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A throwaway PostgreSQL 15 + PostGIS cluster for the session (tests/pg_support.py).

    In CI (``CI=true``) a server that cannot start fails the tests; elsewhere they are
    skipped with the reason (install postgresql-15 postgresql-15-postgis-3).
    """
    cluster = PgCluster()
    try:
        cluster.start()
    except PgClusterError as err:
        cluster.stop()
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"the PostgreSQL test cluster did not start in CI: {err}")
        pytest.skip(f"no PostgreSQL/PostGIS here: {err}")
    try:
        yield cluster
    finally:
        cluster.stop()


def backend_url(request: pytest.FixtureRequest, backend: str, folder: Path) -> str:
    """A new empty store location of ``backend``: a SQLite file or a PostGIS schema."""
    if backend == "sqlite":
        return str(folder / "store.sqlite")
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    return cluster.url(schema=cluster.new_schema())


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty store location on each backend: a SQLite file, a PostGIS schema."""
    return backend_url(request, request.param, tmp_path)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An app store (every feature's migrations run) at ``store_url``, on each backend."""
    s = open_app_store(store_url)
    yield s
    s.close()
