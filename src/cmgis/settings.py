"""Settings of cmgis: paths and coordinate systems, as typed module variables.

Attributes
----------
REPO_ROOT
    The checkout the package runs from (the package is installed editable).
DATA_DIR
    Root of the bundled data as it was when cmgis was imported; code reads `data_dir`,
    which follows the environment variable ``CMGIS_DATA_DIR`` at call time.
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

Environment variables are read here only, at call time: `data_dir` (``CMGIS_DATA_DIR``),
`store_url` (``CMGIS_DB``), `cache_dir` (``CMGIS_CACHE_DIR``), `read_only`
(``CMGIS_PUBLIC``, set by ``cmgis app --public``) and `bind_address`
(``CMGIS_BIND_ADDRESS``, set by ``cmgis app``),
and `public_url` (``CMGIS_PUBLIC_URL``, set by ``cmgis app --lan``).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_ROOT: Path = Path(__file__).resolve().parent
REPO_ROOT: Path = PACKAGE_ROOT.parents[1]
#: Environment variable naming the data root (``raw``, ``spec``, ``layers`` under it).
DATA_DIR_ENV_VAR = "CMGIS_DATA_DIR"
#: Environment variable naming the store: a file path or ``sqlite:///path``.
DB_ENV_VAR = "CMGIS_DB"
#: Environment variable naming the folder of caches (criteria stacks of suitability).
CACHE_DIR_ENV_VAR = "CMGIS_CACHE_DIR"
#: Environment variable that makes the process read-only (``cmgis app --public`` sets it).
PUBLIC_ENV_VAR = "CMGIS_PUBLIC"
#: Environment variable with the address the app listens on (``cmgis app`` sets it).
BIND_ADDRESS_ENV_VAR = "CMGIS_BIND_ADDRESS"
#: The address ``cmgis app`` listens on unless told otherwise: this computer only.
LOCALHOST: str = "127.0.0.1"
#: Environment variable naming the address phones reach the app at (``cmgis app --lan``).
PUBLIC_URL_ENV_VAR = "CMGIS_PUBLIC_URL"


def data_dir() -> Path:
    """Root of the bundled data: ``CMGIS_DATA_DIR`` when set, else ``data/`` of the checkout."""
    return Path(os.environ.get(DATA_DIR_ENV_VAR, "") or REPO_ROOT / "data")


def store_url() -> str:
    """The store named by ``CMGIS_DB`` (a path or URL), or ``""`` for the default location."""
    return os.environ.get(DB_ENV_VAR, "").strip()


def public_url() -> str:
    """The app's address on the hall's network (``CMGIS_PUBLIC_URL``), or ``""`` when unset.

    ``cmgis app --lan`` sets it for the app it starts, so join links and QR codes point at
    the address phones can reach, not at ``localhost``.
    """
    return os.environ.get(PUBLIC_URL_ENV_VAR, "").strip().rstrip("/")


def cache_dir() -> Path:
    """Where caches go: ``CMGIS_CACHE_DIR`` when set, else the user's cache directory."""
    env = os.environ.get(CACHE_DIR_ENV_VAR, "")
    if env:
        return Path(env)
    import platformdirs  # imported here: only the default needs it

    return Path(platformdirs.user_cache_dir("cmgis", appauthor=False))


def read_only() -> bool:
    """Whether this process is the public read-only app: every actor is a viewer.

    True when ``CMGIS_PUBLIC`` is set to anything but ``""``, ``0``, ``false`` or ``no``;
    `cmgis.accounts` then refuses every write of the library, whatever a page asks.
    """
    value = os.environ.get(PUBLIC_ENV_VAR, "").strip().lower()
    return value not in ("", "0", "false", "no")


def bind_address() -> str:
    """The address the app process listens on (``CMGIS_BIND_ADDRESS``; localhost if unset)."""
    return os.environ.get(BIND_ADDRESS_ENV_VAR, "").strip() or LOCALHOST


def is_loopback(address: str) -> bool:
    """Whether ``address`` is reachable from this computer only (127.x, ::1, localhost)."""
    import ipaddress  # imported here: only the app's start needs it

    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: may be any interface


def raw_dir() -> Path:
    """Raw sources with their NOTICE.md: ``raw/`` under `data_dir`."""
    return data_dir() / "raw"


def spec_dir() -> Path:
    """Readable specs that drive the build: ``spec/`` under `data_dir`."""
    return data_dir() / "spec"


def layers_dir() -> Path:
    """Built layers: ``layers/`` under `data_dir`."""
    return data_dir() / "layers"


#: The same folders as constants, fixed when cmgis is imported (code uses the functions).
DATA_DIR: Path = data_dir()
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
    return (layers_dir or _layers_dir()) / LAYERS_GPKG_NAME


def elevation_tif(layers_dir: Path | None = None) -> Path:
    """Path of the elevation GeoTIFF."""
    return (layers_dir or _layers_dir()) / ELEVATION_TIF_NAME


def catalog_json(layers_dir: Path | None = None) -> Path:
    """Path of the layer catalog."""
    return (layers_dir or _layers_dir()) / CATALOG_JSON_NAME


_layers_dir = layers_dir  # the functions above take a parameter of the same name


#: Folder of the vector tiles of big imported layers (`cmgis.imports.tiles`): inside the
#: app's ``static/`` so Streamlit serves it (at `TILES_URL`). The files are a cache made
#: from the store; a missing one is made again when the layer is drawn.
TILES_DIR: Path = REPO_ROOT / "static" / "imports"
#: URL of `TILES_DIR` as the map's page sees it (inside streamlit-folium's iframe).
TILES_URL: str = "/app/static/imports"


def tiles_dir() -> Path:
    """Where the vector tiles of big imported layers are written (`TILES_DIR`)."""
    return TILES_DIR
