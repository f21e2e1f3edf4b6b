"""Benchmark: export every layer to each format (cmgis.export) on the bundled data.

Run ``python benchmarks/bench_export.py``. Measured in one process, median of a few runs
after a warm-up (these machines are shared and noisy):

- ``gpkg_all_s``: ``cmgis export --layers all --format gpkg`` end to end, loading every
  layer from data/layers and writing one GeoPackage with titles, metadata and the sources
  table (target: <= 2 s);
- ``<format>_s``: writing all the layers that format holds (vectors, or the elevation
  raster for tif), from layers already loaded, in EPSG:4326 (EPSG:32647 for tif);
- side by side (on the line before the last), ``gpkg_plain_s``: the same layers written with plain
  ``GeoDataFrame.to_file`` (no metadata, no sources table), to show what the credits cost.

The last line is ``gpkg_all_s=<x>`` then one ``<format>_s=<x>`` per format.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _timing import median_s  # benchmarks/_timing.py

from cmgis import export, sources


def main() -> None:
    """Run the benchmark and print the results."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-export-"))
    registry = sources.registry.layers()

    # warm-up: GDAL drivers, PROJ database, first file reads (reported as "cold")
    start = time.perf_counter()
    sources.export_selection("all", fmt="gpkg", crs="EPSG:4326", output=tmp / "warm.gpkg")
    cold_s = time.perf_counter() - start
    gpkg_all = median_s(
        lambda i: sources.export_selection(
            "all", fmt="gpkg", crs="EPSG:4326", output=tmp / f"all{i}.gpkg"
        ),
        3,
    )

    results: dict[str, float] = {}
    vectors = {i: e.load() for i, e in registry.items() if e.kind == "vector"}
    vector_metas = {i: registry[i].meta() for i in vectors}
    rasters = {i: e.load() for i, e in registry.items() if e.kind == "raster"}
    raster_metas = {i: registry[i].meta() for i in rasters}
    n_features = sum(len(g) for g in vectors.values() if hasattr(g, "__len__"))
    print(f"{len(vectors)} vector layers, {n_features} features; {len(rasters)} raster(s)")

    for key, fmt in export.FORMATS.items():
        layers, metas = (rasters, raster_metas) if key == "tif" else (vectors, vector_metas)
        crs = "EPSG:32647" if key == "tif" else "EPSG:4326"
        suffix = ".zip" if len(layers) > 1 and key in ("geojson", "tif") else fmt.extension
        repeats = 1 if key in ("kml", "kmz") else 3  # LIBKML rewrites the file per layer
        results[key] = median_s(
            lambda i, key=key, layers=layers, metas=metas, crs=crs, suffix=suffix: (
                export.export_layers(
                    layers, metas, fmt=key, crs=crs, output=tmp / f"{key}{i}{suffix}"
                )
            ),
            repeats,
        )
        print(f"{fmt.label:<28} {results[key]:7.3f} s")

    def plain(i: int) -> None:
        path = tmp / f"plain{i}.gpkg"
        for n, (layer_id, gdf) in enumerate(vectors.items()):
            gdf.to_file(path, layer=layer_id, driver="GPKG", mode="a" if n else "w")

    plain_s = median_s(plain, 3)
    print(
        f"GeoPackage with credits {results['gpkg']:.3f} s vs plain to_file {plain_s:.3f} s "
        f"(ratio {results['gpkg'] / plain_s:.2f}); end to end with loading {gpkg_all:.3f} s "
        f"(target <= 2 s; first, cold run {cold_s:.3f} s)"
    )
    print(f"gpkg_plain_s={plain_s:.3f} gpkg_cold_s={cold_s:.3f}")
    line = [f"gpkg_all_s={gpkg_all:.3f}"]
    line += [f"{key}_s={value:.3f}" for key, value in results.items()]
    print(" ".join(line))


if __name__ == "__main__":
    main()
