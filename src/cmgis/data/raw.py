"""Readers of the raw sources in ``data/raw/`` (see its NOTICE.md): one builder per file.

Each builder returns a GeoDataFrame in EPSG:4326 (or plain arrays for the road graph and
the elevation grid) with the source's own attributes kept where they carry meaning.
Nothing here invents a value: corrections of known source errors are applied in
`cmgis.data.layers` and recorded there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
from shapely import linestrings, points

from cmgis import settings
from cmgis._errors import DataMissingError

TAMBONS_FILE = "tambons_mueang_chiang_mai.geojson"
OLD_CITY_FILE = "old_city_moat_walls_gates.geojson"
CANAL_FILE = "mae_kha_canal_line.geojson"
POIS_FILE = "pois.json"
LANDMARKS_FILE = "landmarks.json"
NETWORK_FILE = "network.graph.json"
ELEVATION_FILE = "elevation.json"

#: Extent of the OSM extract behind pois.json, landmarks.json and network.graph.json,
#: as (min_lon, min_lat, max_lon, max_lat). Outside it, "no POI" means "no data".
OSM_EXTRACT_BOUNDS_LONLAT: tuple[float, float, float, float] = (98.936, 18.750, 99.032, 18.830)


def _path(name: str, raw_dir: Path | None) -> Path:
    path = (raw_dir or settings.raw_dir()) / name
    if not path.exists():
        raise DataMissingError(f"raw source {path} is missing; expected the files of data/raw/")
    return path


def _read_json(name: str, raw_dir: Path | None) -> Any:
    with _path(name, raw_dir).open(encoding="utf-8") as f:
        return json.load(f)


def tambons_from_raw(raw_dir: Path | None = None) -> gpd.GeoDataFrame:
    """The 16 tambons of Mueang Chiang Mai (RTSD via OCHA HDX COD-AB), EPSG:4326."""
    gdf = gpd.read_file(_path(TAMBONS_FILE, raw_dir))
    return gdf.set_crs(settings.STORE_CRS, allow_override=True)


def old_city_from_raw(raw_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Moat, wall and gate features of the old city (OSM), EPSG:4326, tags as dicts."""
    data = _read_json(OLD_CITY_FILE, raw_dir)
    gdf = gpd.GeoDataFrame.from_features(data["features"], crs=settings.STORE_CRS)
    return gdf


def canal_from_raw(raw_dir: Path | None = None) -> gpd.GeoDataFrame:
    """The Mae Kha canal as one LineString (OSM ways joined), EPSG:4326."""
    gdf = gpd.read_file(_path(CANAL_FILE, raw_dir))
    return gdf.set_crs(settings.STORE_CRS, allow_override=True)


def pois_from_raw(raw_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Points of interest (OSM via Overpass), EPSG:4326, columns name, cat, p."""
    data = _read_json(POIS_FILE, raw_dir)
    df = pd.DataFrame(data["pois"])
    return gpd.GeoDataFrame(
        df.drop(columns=["lon", "lat"]),
        geometry=points(df["lon"].to_numpy(), df["lat"].to_numpy()),
        crs=settings.STORE_CRS,
    )


def named_places_from_raw(raw_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Named residential places (``homes`` in pois.json), EPSG:4326, columns name, w."""
    data = _read_json(POIS_FILE, raw_dir)
    df = pd.DataFrame(data["homes"])
    return gpd.GeoDataFrame(
        df.drop(columns=["lon", "lat"]),
        geometry=points(df["lon"].to_numpy(), df["lat"].to_numpy()),
        crs=settings.STORE_CRS,
    )


def landmarks_from_raw(raw_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Landmarks (universities, hospitals, markets, malls, stations …), EPSG:4326."""
    data = _read_json(LANDMARKS_FILE, raw_dir)
    df = pd.DataFrame(data["landmarks"])
    return gpd.GeoDataFrame(
        df.drop(columns=["lon", "lat"]),
        geometry=points(df["lon"].to_numpy(), df["lat"].to_numpy()),
        crs=settings.STORE_CRS,
    )


@dataclass(frozen=True)
class RawGraph:
    """The road graph as arrays: node lon/lat (EPSG:4326) and undirected edges.

    Attributes
    ----------
    lonlat
        ``(n_nodes, 2)`` float array of lon, lat in degrees.
    edges
        ``(n_edges, 2)`` int array of node indices.
    length_m
        ``(n_edges,)`` edge lengths in metres, as given by the source.
    """

    lonlat: npt.NDArray[np.float64]
    edges: npt.NDArray[np.int64]
    length_m: npt.NDArray[np.float64]


def graph_from_raw(raw_dir: Path | None = None) -> RawGraph:
    """The drivable road graph (OSM, largest component), as arrays."""
    data = _read_json(NETWORK_FILE, raw_dir)
    lonlat = np.asarray(data["coords"], dtype=np.float64).reshape(-1, 2)
    flat = np.asarray(data["edges"], dtype=np.float64).reshape(-1, 3)
    return RawGraph(
        lonlat=lonlat,
        edges=flat[:, :2].astype(np.int64),
        length_m=flat[:, 2],
    )


def roads_from_raw(raw_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Road edges of the graph as two-point LineStrings, EPSG:4326, with ``length_m``."""
    graph = graph_from_raw(raw_dir)
    coords = np.stack([graph.lonlat[graph.edges[:, 0]], graph.lonlat[graph.edges[:, 1]]], axis=1)
    return gpd.GeoDataFrame(
        {
            "edge_id": np.arange(len(graph.edges), dtype=np.int64),
            "u": graph.edges[:, 0],
            "v": graph.edges[:, 1],
            "length_m": graph.length_m,
        },
        geometry=linestrings(coords),
        crs=settings.STORE_CRS,
    )


@dataclass(frozen=True)
class ElevationGrid:
    """Elevation samples on a regular lon/lat grid, north row first.

    Attributes
    ----------
    elevation_m
        ``(rows, cols)`` array of whole metres, row 0 the northernmost latitude.
    west_lon, north_lat
        Centre of the north-west sample, degrees.
    step_deg
        Spacing of samples in degrees (the same in lon and lat).
    meta
        The source's header (source, licence, attribution, fetched date …).
    """

    elevation_m: npt.NDArray[np.float64]
    west_lon: float
    north_lat: float
    step_deg: float
    meta: dict[str, Any]


def elevation_from_raw(raw_dir: Path | None = None) -> ElevationGrid:
    """The Open-Meteo (Copernicus GLO-90) elevation samples as a north-up grid."""
    data = _read_json(ELEVATION_FILE, raw_dir)
    grid = pd.DataFrame(data["grid"])
    lats = np.sort(grid["lat"].unique())
    lons = np.sort(grid["lon"].unique())
    if len(lats) * len(lons) != len(grid):
        raise DataMissingError("elevation.json is not a complete regular grid")
    table = grid.pivot(index="lat", columns="lon", values="m").sort_index(ascending=False)
    meta = {k: v for k, v in data.items() if k != "grid"}
    return ElevationGrid(
        elevation_m=table.to_numpy(dtype=np.float64),
        west_lon=float(lons[0]),
        north_lat=float(lats[-1]),
        step_deg=float(data["step_deg"]),
        meta=meta,
    )
