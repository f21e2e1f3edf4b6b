"""Benchmark: saving and loading candidate zones as a user layer in the store vs a GeoPackage.

Run ``python benchmarks/bench_user_layers.py [RESOLUTION_M]`` (default 20 m). Candidate
zones are cut from the real suitability surface of the ``medical_wellness`` preset (10 %
share, 0.05 km²), then, median of 5 runs each, side by side in one process:

- ``save_s`` / ``load_s``: `cmgis.user_layers.records.save_candidate_layer` (replace) and
  `load_user_layer` on a SQLite store (GeoJSON text geometry, one transaction);
- ``gpkg_save_s`` / ``gpkg_load_s``: the former way, `cmgis.suitability.surface.save_candidates`
  to a GeoPackage file and ``geopandas.read_file``;
- ``refresh_ms``: `cmgis.sources.registry.layers` (which lists the saved layers) with
  20 saved layers, and ``refresh_empty_ms`` with none.

The last line is ``features=<n> vertices=<v> save_s=<x> load_s=<y> gpkg_save_s=<a>
gpkg_load_s=<b> refresh_ms=<r> refresh_empty_ms=<e>``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import geopandas as gpd
import shapely
from _timing import median_s  # benchmarks/_timing.py

from cmgis.data.layers import load_layer
from cmgis.sources import registry
from cmgis.store import open_app_store
from cmgis.suitability import surface as su
from cmgis.suitability.criteria import load_spec, normalise_stack
from cmgis.user_layers import records as ul


def main() -> None:
    resolution_m = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    spec = load_spec()
    preset = spec.preset("medical_wellness")
    stack = su.stack_for_spec(spec, resolution_m=resolution_m)
    surface = su.weighted_surface(normalise_stack(stack, spec.criteria), preset.weights)
    cands = su.candidate_zones(surface, su.CandidateParams(), districts=load_layer("zones"))
    params = {"preset": preset.id, "weights": dict(surface.weights), "resolution_m": resolution_m}
    layer = su.candidates_layer(cands, title_en=preset.title_en, title_th=preset.title_th,
                                parameters=params)  # fmt: skip
    vertices = int(shapely.get_num_coordinates(layer.geometry.to_numpy()).sum())
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CMGIS_DB"] = str(Path(tmp) / "bench.sqlite")
        store = open_app_store()

        def save(_: int) -> None:
            ul.save_candidate_layer(store, layer, name="bench", created_by="bench",
                                    parameters=params, replace=True)  # fmt: skip

        save_s = median_s(save)
        load_s = median_s(lambda _: ul.load_user_layer(store, "bench"))
        gpkg = Path(tmp) / "bench.gpkg"
        gpkg_save_s = median_s(lambda _: su.save_candidates(layer, gpkg))
        gpkg_load_s = median_s(lambda _: gpd.read_file(gpkg, layer=su.CANDIDATE_LAYER))
        ul.delete_user_layer(store, "bench")
        registry.layers()  # warm: built-in layers registered once
        refresh_empty_ms = 1000 * median_s(lambda _: registry.layers(), 20)
        for k in range(20):
            ul.save_candidate_layer(store, layer.head(3), name=f"bench {k}", created_by="b",
                                    parameters=params)  # fmt: skip
        refresh_ms = 1000 * median_s(lambda _: registry.layers(), 20)
        store.close()
    print(f"{len(layer)} candidate zones, {vertices} vertices ({resolution_m:g} m grid)")
    print(f"store: save {save_s:.3f} s, load {load_s:.3f} s")
    print(f"GeoPackage file: save {gpkg_save_s:.3f} s, load {gpkg_load_s:.3f} s")
    print(f"ratio store/file: save {save_s / gpkg_save_s:.2f}x, load {load_s / gpkg_load_s:.2f}x")
    print(f"export registry read: {refresh_empty_ms:.2f} ms (0 layers), {refresh_ms:.2f} ms (20)")
    print(
        f"features={len(layer)} vertices={vertices} save_s={save_s:.4f} load_s={load_s:.4f} "
        f"gpkg_save_s={gpkg_save_s:.4f} gpkg_load_s={gpkg_load_s:.4f} "
        f"refresh_ms={refresh_ms:.2f} refresh_empty_ms={refresh_empty_ms:.2f}"
    )


if __name__ == "__main__":
    main()
