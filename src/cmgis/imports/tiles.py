"""Vector tiles (PMTiles) of big imported layers, so the map stays fast with 200,000 shapes.

Sending every feature of a big layer to the browser as GeoJSON (what folium does) makes
tens of megabytes of map HTML and freezes the page. A layer with more than
`TILED_MIN_FEATURES` features is written once, with GDAL's PMTiles driver (bundled with
pyogrio), into one ``.pmtiles`` file under `cmgis.settings.tiles_dir` — a folder the app
serves statically — and the map draws it with the vendored protomaps-leaflet plugin,
which reads only the tiles in view by HTTP range requests (`cmgis.maps.tiled`).

Zooms `MIN_ZOOM`–`MAX_ZOOM` are written: from 12 a district fills the screen; at higher
zooms the browser over-zooms zoom 14's tiles. The file is a cache of the store (the
store holds the features): its name carries the layer's save time, a replaced layer gets
a new file, and a missing file is made again by `ensure_tiles`.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import geopandas as gpd
import pyogrio

from cmgis import settings
from cmgis.store import Store
from cmgis.user_layers.records import UserLayer, load_user_layer

#: Layers with more features than this are drawn from vector tiles.
TILED_MIN_FEATURES: Final = 5_000
MIN_ZOOM: Final = 12
MAX_ZOOM: Final = 14
#: Name of the one layer inside each PMTiles file.
TILE_LAYER: Final = "features"


def needs_tiles(record: UserLayer) -> bool:
    """Whether ``record`` is drawn from vector tiles (more than `TILED_MIN_FEATURES`)."""
    return record.feature_count > TILED_MIN_FEATURES


def tiles_name(record: UserLayer) -> str:
    """File name of the layer's tiles: slug plus a hash of its save time."""
    stamp = hashlib.sha256(f"{record.id}|{record.created_at}".encode()).hexdigest()[:12]
    return f"{record.slug}-{stamp}.pmtiles"


def tiles_url(record: UserLayer) -> str:
    """URL of the layer's tiles as the map's page sees it."""
    return f"{settings.TILES_URL}/{tiles_name(record)}"


def write_tiles(
    store: Store,
    record: UserLayer,
    folder: Path | None = None,
    *,
    layer: gpd.GeoDataFrame | None = None,
) -> Path:
    """Write the layer's PMTiles (atomically: a temporary file, then renamed).

    ``layer`` is the layer's features (EPSG:4326) when the caller has them (an import
    that was just stored); otherwise they are read from the store.
    """
    folder = folder or settings.tiles_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / tiles_name(record)
    if layer is None:
        layer = load_user_layer(store, record.slug)
    layer = layer[[*[c for c in layer.columns if c != "geometry"][:12], "geometry"]]
    partial = folder / f".{target.name}.{os.getpid()}.part.pmtiles"
    with warnings.catch_warnings():  # "tile exceeded 500 kB: lower resolution" at zoom 12
        warnings.simplefilter("ignore", RuntimeWarning)
        pyogrio.write_dataframe(
            layer,
            partial,
            driver="PMTiles",
            layer=TILE_LAYER,
            dataset_options={
                "MINZOOM": str(MIN_ZOOM),
                "MAXZOOM": str(MAX_ZOOM),
                "NAME": record.slug,
            },
        )
    os.replace(partial, target)
    return target


def ensure_tiles(
    store: Store,
    record: UserLayer,
    folder: Path | None = None,
    *,
    layer: gpd.GeoDataFrame | None = None,
) -> Path:
    """The layer's tiles, written first if they are not there yet."""
    target = (folder or settings.tiles_dir()) / tiles_name(record)
    return target if target.exists() else write_tiles(store, record, folder, layer=layer)


def delete_tiles(slug: str, folder: Path | None = None) -> None:
    """Remove every tile file of the layer ``slug`` (current and older saves)."""
    folder = folder or settings.tiles_dir()
    if folder.exists():
        for path in folder.glob(f"{slug}-*.pmtiles"):
            path.unlink(missing_ok=True)


@dataclass(frozen=True)
class MapTiles:
    """Where the map finds a big layer's tiles: URL, highest zoom written, layer name."""

    url: str
    max_zoom: int
    tile_layer: str


def tiles_for_map(store: Store, record: UserLayer) -> MapTiles | None:
    """The tiles to draw ``record`` from (made first if missing); ``None`` for a small layer."""
    if not needs_tiles(record):
        return None
    ensure_tiles(store, record)
    return MapTiles(tiles_url(record), MAX_ZOOM, TILE_LAYER)
