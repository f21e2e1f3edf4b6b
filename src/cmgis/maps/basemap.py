"""The offline street basemap, drawn from the bundled data: roads, canal, moat, landmarks.

Every cmgis web map stands on it (`cmgis.maps.webmap.build_map`), so a map is never a grey
canvas without a network. It is thin and light so the data layers stay readable:

- roads from the road graph (``roads``, EPSG:4326), in three drawing classes. The raw
  graph has no OSM highway classes (``data/raw/NOTICE.md``), so the classes are derived
  from the graph itself: an edge's share of sampled shortest paths
  (`through_traffic`, a sampled edge betweenness). The busiest edges holding
  `ROAD_CLASS_SHARES` of the network's length are ``major`` and ``medium``; the rest are
  ``minor`` and drawn only from zoom `MINOR_ROADS_MIN_ZOOM`.
- the Mae Kha canal and the old-city moat in blue, the old-city walls in brown;
- landmarks as small dots whose name (and kind, in the page language) shows on hover;
- the labels of `cmgis.maps.labels` (districts, tambons, named places).

Lines are simplified in EPSG:32647, rounded to 5 decimals (about 1 m) and sent to the
browser as encoded polylines (Google's format, decoded by a few lines of script): about a
quarter of the size of the same lines as GeoJSON. The prepared data is cached per
language and per data file (`street_basemap`).

No streamlit here; the only I/O is reading the built layers (`cmgis.data.layers`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

from cmgis import settings
from cmgis._errors import InputError
from cmgis.data.layers import list_built_layers, load_layer
from cmgis.i18n import t
from cmgis.map_text import escape_map_text
from cmgis.maps.labels import (
    DistrictLabels,
    MapLabel,
    district_labels,
    label_records,
    landmark_label,
    place_labels,
    zone_outline,
)
from cmgis.maps.legend import LegendItem, LegendSection, swatch_svg
from cmgis.projection import to_metric, to_store

#: Drawing classes of roads, busiest first.
ROAD_CLASSES: tuple[str, ...] = ("major", "medium", "minor")
#: Share of the network's length in the ``major`` and ``medium`` classes (busiest edges).
ROAD_CLASS_SHARES: tuple[float, float] = (0.10, 0.22)
#: Minor roads appear from this zoom (below it they would only grey the map).
MINOR_ROADS_MIN_ZOOM = 14
#: Number of sampled sources of shortest paths for `through_traffic`.
TRAFFIC_SOURCES = 40
#: Simplification tolerance of each road class and of the water lines (metres).
SIMPLIFY_M: dict[str, float] = {"major": 4.0, "medium": 4.0, "minor": 3.0, "water": 2.0}
#: Decimals of lon/lat sent to the browser (5 = about 1.1 m).
DECIMALS = 5
_BUILD_LOCK = threading.Lock()  # street_basemap builds one at a time (see there)
#: Version of the on-disk cache of encoded roads (change it when the encoding changes).
CACHE_VERSION = 1


@dataclass(frozen=True)
class RoadStyle:
    """How a road class is drawn (Leaflet path options; CSS pixels)."""

    color: str
    weight: float
    opacity: float
    min_zoom: int = 0


#: Light greys, wider for busier roads; minor roads only when zoomed in.
ROAD_STYLES: dict[str, RoadStyle] = {
    "major": RoadStyle("#9a9a9a", 2.6, 0.85),
    "medium": RoadStyle("#b4b4b4", 1.6, 0.8),
    "minor": RoadStyle("#c8c8c8", 0.9, 0.75, min_zoom=MINOR_ROADS_MIN_ZOOM),
}
WATER_COLOR = "#6baed6"
WALL_COLOR = "#b07a5a"


# ---------------------------------------------------------------------------------------
# Road classes from the graph
# ---------------------------------------------------------------------------------------


def through_traffic(
    u: Sequence[int] | npt.NDArray[np.int64],
    v: Sequence[int] | npt.NDArray[np.int64],
    length_m: Sequence[float] | npt.NDArray[np.float64],
    *,
    sources: int = TRAFFIC_SOURCES,
    seed: int = 0,
) -> npt.NDArray[np.float64]:
    """Share of sampled shortest paths that run along each edge (a sampled betweenness).

    From ``sources`` nodes picked at random (seeded: the result is deterministic), the
    shortest paths (by ``length_m``) to every reachable node are followed; an edge's value
    is the number of those paths that use it, divided by the number of paths. Parallel
    edges between the same two nodes share the value of the shortest of them.

    Parameters
    ----------
    u, v
        End nodes of each undirected edge (integer node ids, 0-based).
    length_m
        Length of each edge in metres (positive).
    """
    u_arr, v_arr = np.asarray(u, dtype=np.int64), np.asarray(v, dtype=np.int64)
    lengths = np.asarray(length_m, dtype=float)
    if not (len(u_arr) == len(v_arr) == len(lengths)):
        raise InputError("u, v and length_m must have one value per edge")
    if len(u_arr) == 0:
        return np.zeros(0)
    lo, hi = np.minimum(u_arr, v_arr), np.maximum(u_arr, v_arr)
    pairs = pd.DataFrame({"lo": lo, "hi": hi, "len": np.maximum(lengths, 0.01)})
    best = pairs.groupby(["lo", "hi"], sort=False)["len"].min().reset_index()
    n = int(max(hi.max(), 0)) + 1
    graph = coo_matrix((best["len"], (best["lo"], best["hi"])), shape=(n, n)).tocsr()
    best_keys = best["lo"].to_numpy(dtype=np.int64) * n + best["hi"].to_numpy(dtype=np.int64)
    key_order = np.argsort(best_keys)
    sorted_keys = best_keys[key_order]
    load = np.zeros(len(best))
    present = np.unique(np.concatenate([lo, hi]))
    rng = np.random.default_rng(seed)
    picked = rng.choice(present, size=min(sources, len(present)), replace=False)
    total_paths = 0
    for source in picked:
        dist, pred = dijkstra(graph, directed=False, indices=int(source), return_predecessors=True)
        reach = np.flatnonzero(np.isfinite(dist))
        total_paths += len(reach) - 1
        below = [0] * n  # paths ending at or below each node of the shortest-path tree
        for node in reach.tolist():
            below[node] = 1
        preds = pred.tolist()
        for node in reach[np.argsort(-dist[reach], kind="stable")].tolist():
            parent = preds[node]
            if parent >= 0:
                below[parent] += below[node]
        child = reach[pred[reach] >= 0]
        parent_arr = pred[child].astype(np.int64)
        keys = np.minimum(parent_arr, child) * n + np.maximum(parent_arr, child)
        np.add.at(load, key_order[np.searchsorted(sorted_keys, keys)], np.asarray(below)[child])
    if total_paths:
        load /= total_paths
    edge_keys = lo * n + hi
    return load[key_order[np.searchsorted(sorted_keys, edge_keys)]]


def road_classes(
    traffic: npt.NDArray[np.float64], length_m: npt.NDArray[np.float64] | Sequence[float]
) -> list[str]:
    """The drawing class of each edge from its `through_traffic`.

    Edges are ranked by traffic; the busiest ones holding the first share of the total
    length (`ROAD_CLASS_SHARES`) are ``major``, the next share ``medium``, the rest
    ``minor``. Edges without traffic are always ``minor``.
    """
    lengths = np.asarray(length_m, dtype=float)
    order = np.argsort(-np.asarray(traffic), kind="stable")
    total = float(lengths.sum()) or 1.0
    cum_before = np.cumsum(lengths[order]) - lengths[order]
    share = cum_before / total
    major, medium = ROAD_CLASS_SHARES
    classes = np.full(len(lengths), "minor", dtype=object)
    ranked = np.where(share < major, "major", np.where(share < major + medium, "medium", "minor"))
    classes[order] = ranked
    classes[np.asarray(traffic) <= 0] = "minor"
    return [str(c) for c in classes]


# ---------------------------------------------------------------------------------------
# Encoded polylines
# ---------------------------------------------------------------------------------------


def _encode_scaled(scaled: npt.NDArray[np.float64], previous: npt.NDArray[np.float64]) -> str:
    if scaled.size == 0:
        return ""
    deltas = np.diff(scaled.astype(np.int64), axis=0, prepend=previous.astype(np.int64)[None, :])
    out: list[str] = []
    values: list[int] = [int(v) for v in deltas.ravel()]
    for value in values:
        rest = ~(value << 1) if value < 0 else value << 1
        while rest >= 0x20:
            out.append(chr((0x20 | (rest & 0x1F)) + 63))
            rest >>= 5
        out.append(chr(rest + 63))
    return "".join(out)


def _decode_values(encoded: str) -> list[int]:
    values: list[int] = []
    shift = result = 0
    for char in encoded:
        byte = ord(char) - 63
        result |= (byte & 0x1F) << shift
        shift += 5
        if byte < 0x20:
            values.append(~(result >> 1) if result & 1 else result >> 1)
            shift = result = 0
    return values


def encode_polyline(latlon: npt.NDArray[np.float64], *, decimals: int = DECIMALS) -> str:
    """Google's encoded polyline of ``(lat, lon)`` rows, at ``decimals`` decimals."""
    return _encode_scaled(np.round(np.asarray(latlon, dtype=float) * 10**decimals), np.zeros(2))


def decode_polyline(encoded: str, *, decimals: int = DECIMALS) -> list[tuple[float, float]]:
    """The ``(lat, lon)`` rows of an encoded polyline (the inverse of `encode_polyline`)."""
    values = _decode_values(encoded)
    lats = np.cumsum(values[0::2]) / 10**decimals
    lons = np.cumsum(values[1::2]) / 10**decimals
    return [(float(a), float(b)) for a, b in zip(lats, lons, strict=True)]


def _lines_of(geom: Any) -> list[Any]:
    """The line strings (or polygon rings) of a geometry, in order."""
    if geom is None or geom.is_empty:
        return []
    kind = geom.geom_type
    if kind == "LineString":
        return [geom]
    if kind == "Polygon":
        return [geom.exterior, *geom.interiors]
    if kind.startswith("Multi") or kind == "GeometryCollection":
        return [line for part in geom.geoms for line in _lines_of(part)]
    return []


def encode_lines(lines: Sequence[npt.NDArray[np.float64]], *, decimals: int = DECIMALS) -> str:
    """Several ``(lat, lon)`` lines as one string: encoded polylines joined by ``","``.

    Each line's first point is encoded relative to the previous line's last point (the
    next line usually starts nearby), which keeps the string short; ``","`` never occurs
    inside an encoded polyline (its characters are ``?`` to ``~``).
    """
    parts = []
    previous = np.zeros(2)
    for line in lines:
        arr = np.round(np.asarray(line, dtype=float) * 10**decimals)
        parts.append(_encode_scaled(arr, previous))
        previous = arr[-1]
    return ",".join(parts)


def decode_lines(encoded: str, *, decimals: int = DECIMALS) -> list[list[tuple[float, float]]]:
    """The lines of `encode_lines` (``(lat, lon)`` rows)."""
    out = []
    last = (0, 0)
    for part in encoded.split(",") if encoded else []:
        values = _decode_values(part)
        lats = last[0] + np.cumsum(values[0::2])
        lons = last[1] + np.cumsum(values[1::2])
        last = (int(lats[-1]), int(lons[-1]))
        out.append(
            [
                (float(a) / 10**decimals, float(b) / 10**decimals)
                for a, b in zip(lats, lons, strict=True)
            ]
        )
    return out


def encoded_lines(
    gdf: gpd.GeoDataFrame, *, tolerance_m: float, merge: bool
) -> list[npt.NDArray[np.float64]]:
    """The lines (or polygon rings) of ``gdf`` (EPSG:4326) as ``(lat, lon)`` arrays.

    Merged into continuous lines first when ``merge`` (roads: far fewer repeated
    vertices), simplified in EPSG:32647 with ``tolerance_m``; lines shorter than two
    distinct points after rounding are dropped.
    """
    if gdf.empty:
        return []
    metric = to_metric(gdf, name="basemap layer")
    geoms = metric.geometry.to_numpy()
    if merge:
        geoms = np.array([shapely.line_merge(shapely.union_all(geoms))], dtype=object)
    lines_only = bool(np.all(shapely.get_dimensions(geoms) == 1))
    # lines need no topology check (fast); polygon rings keep theirs
    simplified = shapely.simplify(geoms, tolerance_m, preserve_topology=not lines_only)
    back = to_store(gpd.GeoDataFrame(geometry=simplified, crs=metric.crs), name="basemap layer")
    parts = [line for geom in back.geometry for line in _lines_of(geom)]
    if not parts:
        return []
    coords, index = shapely.get_coordinates(np.array(parts, dtype=object), return_index=True)
    latlon = np.round(coords[:, ::-1], DECIMALS)
    # drop a vertex equal to the one before it in the same line (rounding can merge them)
    keep = np.ones(len(latlon), dtype=bool)
    keep[1:] = np.any(latlon[1:] != latlon[:-1], axis=1) | (index[1:] != index[:-1])
    latlon, index = latlon[keep], index[keep]
    starts = np.flatnonzero(np.r_[True, index[1:] != index[:-1]])
    return [line for line in np.split(latlon, starts[1:]) if len(line) >= 2]


@functools.lru_cache(maxsize=2)
def _cached_road_lines(path: Path, mtime: float, size: int) -> dict[str, str] | None:
    """Encoded road lines saved by an earlier process for this data file, or ``None``."""
    target = _cache_file(path, mtime, size)
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or set(data) != set(ROAD_CLASSES):
        return None
    return {str(k): str(v) for k, v in data.items()}


def _cache_file(path: Path, mtime: float, size: int) -> Path:
    key = hashlib.sha256(f"{CACHE_VERSION}|{path}|{mtime}|{size}".encode()).hexdigest()[:16]
    return settings.cache_dir() / f"basemap_roads_{key}.json"


def _save_road_lines(path: Path, mtime: float, size: int, lines: dict[str, str]) -> None:
    """Keep the encoded roads for the next process (best effort: a cache, never required)."""
    target = _cache_file(path, mtime, size)
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = target.with_suffix(f".{os.getpid()}.tmp")
        staged.write_text(json.dumps(lines), encoding="utf-8")
        os.replace(staged, target)


# ---------------------------------------------------------------------------------------
# The prepared basemap
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StreetBasemap:
    """The street basemap prepared for the browser in one language (plain data).

    ``roads`` maps a road class to its lines (`encode_lines`); ``water_lines``,
    ``water_areas`` (rings) and ``walls`` are encoded the same way; ``landmarks`` are
    ``(lat, lon, label)`` with the label escaped; ``labels`` the place labels.
    """

    lang: str
    roads: dict[str, str]
    water_lines: str
    water_areas: str
    walls: str
    landmarks: tuple[tuple[float, float, str], ...]
    labels: tuple[MapLabel, ...]
    districts: tuple[MapLabel, ...] = ()
    outlines: dict[str, dict[str, Any]] = field(default_factory=dict)

    def road_count(self) -> int:
        """Number of road lines."""
        return sum(len(lines.split(",")) for lines in self.roads.values() if lines)


def _optional_layer(layer_id: str, path: Path) -> gpd.GeoDataFrame | None:
    return load_layer(layer_id, path=path) if layer_id in list_built_layers(path) else None


@functools.lru_cache(maxsize=2)
def _classified_roads(path: Path, _mtime: float) -> gpd.GeoDataFrame | None:
    """The roads layer with its drawing class (``cls``), cached per file and its mtime."""
    roads = _optional_layer("roads", path)
    if roads is None or roads.empty:
        return None
    traffic = through_traffic(roads["u"], roads["v"], roads["length_m"])
    classes = road_classes(traffic, roads["length_m"].to_numpy(dtype=float))
    return roads.assign(cls=classes)


@functools.lru_cache(maxsize=2)
def _road_lines(path: Path, mtime: float) -> dict[str, str]:
    """Encoded road lines by class, cached per data file and its modification time.

    In memory, and on disk under `cmgis.settings.cache_dir` so a new server process does
    not compute the road classes again (a few seconds).
    """
    size = path.stat().st_size
    cached = _cached_road_lines(path, mtime, size)
    if cached is not None:
        return cached
    roads = _classified_roads(path, mtime)
    if roads is None:
        return dict.fromkeys(ROAD_CLASSES, "")
    lines = {
        cls: encode_lines(
            encoded_lines(roads[roads["cls"] == cls], tolerance_m=SIMPLIFY_M[cls], merge=True)
        )
        for cls in ROAD_CLASSES
    }
    _save_road_lines(path, mtime, size, lines)
    return lines


def print_streets(*, path: Path | None = None) -> dict[str, gpd.GeoDataFrame]:
    """The basemap for a printed map, in EPSG:4326: roads by class, water lines and areas.

    Keys: the `ROAD_CLASSES`, ``"water_lines"`` (the canal) and ``"water_areas"`` (the
    moat); a layer missing from the data is left out. Roads are merged per class.
    """
    path = (path or settings.layers_gpkg()).resolve()
    if not path.exists():
        return {}
    out: dict[str, gpd.GeoDataFrame] = {}
    roads = _classified_roads(path, path.stat().st_mtime)
    if roads is not None:
        for cls in ROAD_CLASSES:
            part = roads[roads["cls"] == cls]
            merged = shapely.line_merge(shapely.union_all(part.geometry.to_numpy()))
            out[cls] = gpd.GeoDataFrame(geometry=[merged], crs=roads.crs)
    for key, layer_id in (("water_lines", "mae_kha_canal"), ("water_areas", "old_city_moat")):
        gdf = _optional_layer(layer_id, path)
        if gdf is not None and not gdf.empty:
            out[key] = gdf[[gdf.geometry.name]]
    return out


@functools.lru_cache(maxsize=8)
def _street_basemap(path: Path, mtime: float, lang: str) -> StreetBasemap:
    layers = {
        lid: _optional_layer(lid, path)
        for lid in (
            "mae_kha_canal",
            "old_city_moat",
            "old_city_walls",
            "landmarks",
            "zones",
            "tambons",
            "named_places",
        )
    }

    def lines(layer_id: str) -> str:
        gdf = layers[layer_id]
        if gdf is None:
            return ""
        return encode_lines(encoded_lines(gdf, tolerance_m=SIMPLIFY_M["water"], merge=False))

    marks, zones = layers["landmarks"], layers["zones"]
    landmarks = tuple(
        (
            round(float(row.geometry.y), DECIMALS),
            round(float(row.geometry.x), DECIMALS),
            escape_map_text(landmark_label(row, lang)),
        )
        for _, row in (marks.iterrows() if marks is not None else iter(()))
        if row.geometry is not None and row.geometry.geom_type == "Point"
    )
    return StreetBasemap(
        lang=lang,
        roads=_road_lines(path, mtime),
        water_lines=lines("mae_kha_canal"),
        water_areas=lines("old_city_moat"),
        walls=lines("old_city_walls"),
        landmarks=landmarks,
        labels=tuple(
            place_labels(tambons=layers["tambons"], named_places=layers["named_places"], lang=lang)
        ),
        districts=tuple(district_labels(zones, lang)),
        outlines={
            str(z): o
            for z in (zones["zone_id"] if zones is not None and "zone_id" in zones else ())
            if (o := zone_outline(zones, str(z))) is not None
        },
    )


def street_basemap(lang: str, *, path: Path | None = None) -> StreetBasemap:
    """The street basemap of the built data in ``lang`` (cached per language and file).

    Parameters
    ----------
    lang
        ``"th"`` or ``"en"``: landmark kinds and place labels.
    path
        The built GeoPackage; defaults to ``settings.layers_gpkg()``. A missing file
        gives an empty basemap (the map still draws, without streets).
    """
    path = (path or settings.layers_gpkg()).resolve()
    if not path.exists():
        return StreetBasemap(lang, dict.fromkeys(ROAD_CLASSES, ""), "", "", "", (), ())
    with _BUILD_LOCK:  # one build at a time: a page waits for the warming thread's build
        return _street_basemap(path, path.stat().st_mtime, "th" if lang == "th" else "en")


def warm_street_basemaps(path: Path | None = None) -> None:
    """Build (or read from the disk cache) the street basemap in both languages.

    The app server runs this in a thread when it starts (`start_warming`), so the first
    person to open a map does not wait for the road classes of a fresh install.
    """
    for lang in ("th", "en"):
        street_basemap(lang, path=path)


def start_warming() -> threading.Thread:
    """`warm_street_basemaps` in a daemon thread; returns the started thread."""
    thread = threading.Thread(target=warm_street_basemaps, name="cmgis-warm-basemap", daemon=True)
    thread.start()
    return thread


# ---------------------------------------------------------------------------------------
# The folium element
# ---------------------------------------------------------------------------------------

#: Map panes of the basemap: relief under the streets, both under the data layers (400).
PANES: dict[str, int] = {"cmgisRelief": 150, "cmgisStreets": 250, "cmgisBasePoints": 440}


def _page_safe(encoded: str) -> str:
    """An encoded string safe in folium's page: ``{`` as ``!`` and ``\\`` as a space.

    branca renders a map's scripts through Jinja a second time, where ``{{``, ``{%`` or
    ``{#`` would be read as template syntax; a backslash would be doubled by JSON. The
    browser's decoder maps both back.
    """
    return encoded.replace("{", "!").replace("\\", " ")


def basemap_payload(basemap: StreetBasemap, *, with_landmarks: bool = True) -> dict[str, Any]:
    """What the browser gets: encoded lines with their styles, landmarks, labels."""
    roads = [
        {
            "cls": cls,
            "lines": _page_safe(basemap.roads.get(cls, "")),
            "color": ROAD_STYLES[cls].color,
            "weight": ROAD_STYLES[cls].weight,
            "opacity": ROAD_STYLES[cls].opacity,
            "minZoom": ROAD_STYLES[cls].min_zoom,
        }
        for cls in reversed(ROAD_CLASSES)  # minor first, major on top
        if basemap.roads.get(cls)
    ]
    return {
        "roads": roads,
        "waterLines": _page_safe(basemap.water_lines),
        "waterAreas": _page_safe(basemap.water_areas),
        "walls": _page_safe(basemap.walls),
        "water": WATER_COLOR,
        "wall": WALL_COLOR,
        "landmarks": [list(x) for x in basemap.landmarks] if with_landmarks else [],
        "labels": label_records(basemap.labels),
    }


class StreetBasemapLayer(MacroElement):
    """Draws a `StreetBasemap` on a folium map in panes under the data layers.

    Roads are one SVG path per class (class ``cmgis-road cmgis-road-<class>``); labels
    are ``div.cmgis-label`` markers shown from their ``min_zoom``; landmarks are small
    dots with a hover tooltip (class ``cmgis-landmark``).
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var data = {{ this.payload|tojson }};
          var panes = {{ this.panes|tojson }};
          Object.keys(panes).forEach(function (name) {
            var p = map.getPane(name) || map.createPane(name);
            p.style.zIndex = panes[name];
            if (name !== "cmgisBasePoints") { p.style.pointerEvents = "none"; }
          });
          var lp = map.getPane("cmgisLabels") || map.createPane("cmgisLabels");
          lp.style.zIndex = 620; lp.style.pointerEvents = "none";
          function dec(s) {  // lines joined by ",", each starting from the last point
            var lines = [], pts = [], i = 0, lat = 0, lng = 0;
            function num() {
              var r = 0, sh = 0, b;
              do {
                b = s.charCodeAt(i++); b = (b === 33 ? 123 : b === 32 ? 92 : b) - 63;
                r |= (b & 31) << sh; sh += 5;
              } while (b >= 32);
              return (r & 1) ? ~(r >> 1) : (r >> 1);
            }
            while (i < s.length) {
              if (s.charAt(i) === ",") { lines.push(pts); pts = []; i++; continue; }
              lat += num(); lng += num();
              pts.push([lat / 1e5, lng / 1e5]);
            }
            if (pts.length) { lines.push(pts); }
            return lines;
          }
          var byZoom = [];
          function add(layer, minZoom) {
            byZoom.push([layer, minZoom || 0]);
          }
          var base = {pane: "cmgisStreets", interactive: false};
          if (data.waterAreas.length) {
            add(L.polygon(dec(data.waterAreas), L.extend({color: data.water, weight: 1,
              fillColor: data.water, fillOpacity: 0.55, className: "cmgis-water"}, base)));
          }
          if (data.walls.length) {
            add(L.polygon(dec(data.walls), L.extend({color: data.wall, weight: 1,
              fillColor: data.wall, fillOpacity: 0.35, className: "cmgis-wall"}, base)));
          }
          data.roads.forEach(function (r) {
            add(L.polyline(dec(r.lines), L.extend({color: r.color, weight: r.weight,
              opacity: r.opacity, className: "cmgis-road cmgis-road-" + r.cls}, base)),
              r.minZoom);
          });
          if (data.waterLines.length) {
            add(L.polyline(dec(data.waterLines), L.extend({color: data.water, weight: 3,
              opacity: 0.9, className: "cmgis-water"}, base)));
          }
          data.landmarks.forEach(function (x) {
            add(L.circleMarker([x[0], x[1]], {pane: "cmgisBasePoints", radius: 3,
              color: "#6b6b6b", weight: 1, fillColor: "#ffffff", fillOpacity: 1,
              className: "cmgis-landmark"}).bindTooltip(x[2], {direction: "top"}));
          });
          data.labels.forEach(function (x) {
            add(L.marker([x.lat, x.lon], {pane: "cmgisLabels", interactive: false,
              keyboard: false, icon: L.divIcon({className: "cmgis-label cmgis-label-" + x.kind,
              html: "<span>" + x.html + "</span>", iconSize: null})}), x.minZoom);
          });
          function update() {
            var z = map.getZoom();
            // small district names when the whole city is in view (they would overlap)
            L.DomUtil[z <= 12 ? "addClass" : "removeClass"](map.getContainer(), "cmgis-z-low");
            byZoom.forEach(function (e) {
              var show = z >= e[1];
              if (show && !map.hasLayer(e[0])) { e[0].addTo(map); }
              if (!show && map.hasLayer(e[0])) { map.removeLayer(e[0]); }
            });
          }
          map.whenReady(update);
          map.on("zoomend", update);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, basemap: StreetBasemap, *, with_landmarks: bool = True) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "CmgisStreetBasemap"
        self.payload = basemap_payload(basemap, with_landmarks=with_landmarks)
        self.panes = PANES
        self.css = BASEMAP_CSS


#: Label and landmark looks: dark text with a white halo, small and quiet.
BASEMAP_CSS = (
    ".cmgis-label{width:auto!important;height:auto!important;background:none;border:0}"
    ".cmgis-label span{position:absolute;transform:translate(-50%,-50%);white-space:nowrap;"
    "font:11px/1.2 'Noto Sans Thai','Noto Sans',Arial,sans-serif;color:#444;"
    "text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff}"
    ".cmgis-label-district span{font-size:13px;font-weight:700;color:#3f007d}"
    ".cmgis-label-district.cmgis-label-selected span{font-size:14px;color:#000;"
    "text-decoration:underline}"
    ".cmgis-z-low .cmgis-label-district span{font-size:10.5px;font-weight:600}"
    ".cmgis-label-tambon span{font-style:italic;color:#555;font-size:11px}"
    ".cmgis-label-place span{color:#666;font-size:10px}"
)


def add_street_basemap(
    m: Any, basemap: StreetBasemap, *, selected_zone: str = "", with_landmarks: bool = True
) -> None:
    """Draw ``basemap`` and the district labels on folium map ``m``.

    ``selected_zone`` (a zone id) is outlined and its label marked; ``with_landmarks``
    off when the landmarks are shown as a data layer already.
    """
    StreetBasemapLayer(basemap, with_landmarks=with_landmarks).add_to(m)
    DistrictLabels(
        list(basemap.districts),
        selected=selected_zone,
        selected_outline=basemap.outlines.get(selected_zone) if selected_zone else None,
    ).add_to(m)


def streets_legend_section(lang: str) -> LegendSection:
    """Legend rows of the street basemap in ``lang`` (roads by class, water, walls)."""
    return LegendSection(
        t("basemap.legend.title", lang),
        (
            LegendItem(
                swatch_svg("line", stroke=ROAD_STYLES["major"].color, stroke_width=3),
                t("basemap.legend.major_roads", lang),
            ),
            LegendItem(
                swatch_svg("line", stroke=ROAD_STYLES["minor"].color, stroke_width=1.5),
                t("basemap.legend.minor_roads", lang),
            ),
            LegendItem(
                swatch_svg("area", stroke=WATER_COLOR, fill=WATER_COLOR, fill_opacity=0.55),
                t("basemap.legend.water", lang),
            ),
        ),
    )


def size_note(basemap: StreetBasemap) -> str:
    """A one-line size summary (for benchmarks and logs): lines and characters sent."""
    payload = basemap_payload(basemap)
    chars = sum(len(r["lines"]) for r in payload["roads"])
    chars += sum(len(s) for s in (basemap.water_lines, basemap.water_areas, basemap.walls))
    return f"roads={basemap.road_count()} chars={chars} ({math.ceil(chars / 1024)} KiB)"
