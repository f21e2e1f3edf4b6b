"""Benchmark of the offline street basemap: bytes it adds to a map, time to prepare and draw.

Run from the repository root: ``python benchmarks/bench_basemap.py``. Side by side in the
same run, for the Map page's default layers at its default view:

- html: the map HTML with the street basemap and district labels against the same map
  without them (``streets=False``), and against the naive way of sending the same roads
  (the road layer as GeoJSON, simplified and rounded like every web layer, as
  `cmgis.maps.feature_collection` makes it);
- prepare: the first `street_basemap` with an empty disk cache (road classes from the
  graph, encoding), the first of a new process (roads from the disk cache, labels), and
  a call cached in memory;
- build: `build_map` with and without the basemap (median of several).

The last line is ``added_kb=<x> naive_roads_kb=<y> html_kb=<z> prepare_s=<cold>
disk_cached_s=<new process> cached_ms=<warm> build_s=<with> build_plain_s=<without>``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import median_s  # noqa: E402

from cmgis.data import load_layer  # noqa: E402
from cmgis.maps import (  # noqa: E402
    DEFAULT_LAYERS,
    WebLayer,
    basemap,
    build_map,
    feature_collection,
)
from cmgis.maps.basemap import street_basemap  # noqa: E402

VIEW = (18.782, 98.962, 13)


def _layers() -> list[WebLayer]:
    out = []
    for layer_id in DEFAULT_LAYERS:
        if layer_id == "elevation":
            continue  # the relief image is the same with or without streets
        fc = feature_collection(load_layer(layer_id), layer_id=layer_id, lang="th", detail=1)
        out.append(WebLayer(layer_id, layer_id, fc))
    return out


def main() -> None:
    """Measure and print; the last line is machine-readable."""
    os.environ["CMGIS_CACHE_DIR"] = tempfile.mkdtemp(prefix="cmgis-bench-basemap-")
    start = time.perf_counter()
    street_basemap("th")
    prepare_s = time.perf_counter() - start
    for cached in (basemap._street_basemap, basemap._road_lines, basemap._cached_road_lines):
        cached.cache_clear()  # as in a new process: only the disk cache is left
    basemap._classified_roads.cache_clear()
    start = time.perf_counter()
    street_basemap("th")
    disk_cached_s = time.perf_counter() - start
    cached_ms = median_s(lambda _i: street_basemap("th"), repeats=20) * 1000
    layers = _layers()
    kwargs = {"center": VIEW[:2], "zoom": VIEW[2], "lang": "th", "credits": ["c"]}

    def html(streets: bool) -> str:
        return str(build_map(layers, streets=streets, **kwargs).get_root().render())

    with_streets, plain = html(True), html(False)
    added_kb = (len(with_streets.encode()) - len(plain.encode())) / 1024
    roads = feature_collection(load_layer("roads"), layer_id="roads", lang="th", detail=1)
    naive_kb = len(json.dumps(roads, separators=(",", ":")).encode()) / 1024
    build_s = median_s(lambda _i: html(True), repeats=5)
    build_plain_s = median_s(lambda _i: html(False), repeats=5)
    print(f"map html with the street basemap: {len(with_streets.encode()) / 1024:.0f} KiB")
    print(f"  added by the basemap (roads by class, water, landmarks, labels): {added_kb:.0f} KiB")
    print(f"  the same roads as compact GeoJSON (naive): {naive_kb:.0f} KiB")
    print(f"  ratio naive/encoded roads: {naive_kb / max(added_kb, 1e-9):.1f}x")
    print(f"prepare: cold {prepare_s:.2f} s (road classes from the graph)")
    print(f"  new process with the disk cache {disk_cached_s:.2f} s; in memory {cached_ms:.2f} ms")
    print(f"build + render: {build_s:.2f} s with, {build_plain_s:.2f} s without")
    print(
        f"added_kb={added_kb:.0f} naive_roads_kb={naive_kb:.0f} "
        f"html_kb={len(with_streets.encode()) / 1024:.0f} prepare_s={prepare_s:.2f} "
        f"disk_cached_s={disk_cached_s:.2f} "
        f"cached_ms={cached_ms:.2f} build_s={build_s:.2f} build_plain_s={build_plain_s:.2f}"
    )


if __name__ == "__main__":
    main()
