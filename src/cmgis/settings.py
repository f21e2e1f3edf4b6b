"""Settings of cmgis: paths and coordinate systems, as typed module variables.

Attributes
----------
REPO_ROOT
    The checkout the package runs from (the package is installed editable).
DATA_DIR
    Root of the bundled data; override with the environment variable ``CMGIS_DATA_DIR``.
RAW_DIR
    Raw sources with their NOTICE.md (``data/raw``).
SPEC_DIR
    Readable, editable specs that drive the build (``data/spec``), e.g. ``zones.toml``.
LAYERS_DIR
    Built layers (``data/layers``): ``cmgis.gpkg``, ``elevation.tif``, ``catalog.json``.
STORE_CRS
    The CRS every layer is stored and exchanged in (EPSG:4326, lon/lat degrees).
METRIC_CRS
    The CRS for lengths, areas and buffers (EPSG:32647, WGS 84 / UTM 47N, metres).

Functions take ``None`` for a path and fall back to these, so tests can pass a temp path.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_ROOT: Path = Path(__file__).resolve().parent
REPO_ROOT: Path = PACKAGE_ROOT.parents[1]
DATA_DIR: Path = Path(os.environ.get("CMGIS_DATA_DIR", str(REPO_ROOT / "data")))
RAW_DIR: Path = DATA_DIR / "raw"
SPEC_DIR: Path = DATA_DIR / "spec"
LAYERS_DIR: Path = DATA_DIR / "layers"
LAYERS_GPKG_NAME: str = "cmgis.gpkg"
ELEVATION_TIF_NAME: str = "elevation.tif"
CATALOG_JSON_NAME: str = "catalog.json"

STORE_CRS: str = "EPSG:4326"
METRIC_CRS: str = "EPSG:32647"

#: The area the app deals with: a little more than the Mueang Chiang Mai tambons
#: (98.8617–99.0486 E, 18.6992–18.8758 N), as (min_lon, min_lat, max_lon, max_lat).
AREA_BOUNDS_LONLAT: tuple[float, float, float, float] = (98.80, 18.62, 99.12, 18.96)


def layers_gpkg(layers_dir: Path | None = None) -> Path:
    """Path of the GeoPackage that holds every vector layer."""
    return (layers_dir or LAYERS_DIR) / LAYERS_GPKG_NAME


def elevation_tif(layers_dir: Path | None = None) -> Path:
    """Path of the elevation GeoTIFF."""
    return (layers_dir or LAYERS_DIR) / ELEVATION_TIF_NAME


def catalog_json(layers_dir: Path | None = None) -> Path:
    """Path of the layer catalog."""
    return (layers_dir or LAYERS_DIR) / CATALOG_JSON_NAME
