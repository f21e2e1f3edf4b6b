"""Benchmark: a 200,000-polygon agency layer imported and shown on the Map page, vs naive.

Run ``python benchmarks/bench_import.py [N]`` (default 200,000). A layer of N small
polygons (building-footprint sized, 12–20 m) around Chiang Mai is generated with a fixed
seed and written as a FlatGeobuf file (the agency's file). Then, side by side:

- ``import_s``: `cmgis.imports.prepare_import` + `store_import` (checks, repairs, the
  store write, and the PMTiles vector tiles of a big layer), once;
  ``naive_import_s``: plain ``geopandas.read_file`` of the same file;
- ``map_html_mb`` / ``rerun_s``: the Map page (Streamlit AppTest) with the imported layer
  switched on: the map HTML sent to the browser and the median time of a rerun (5,
  interleaved with 5 reruns of the same page with the layer off, printed above it: the
  page's own cost);
  ``naive_map_html_mb`` / ``naive_rerun_s``: ``folium.GeoJson`` of the whole layer on a
  folium map, rendered to HTML (what a rerun of the naive page does, after its read).

The last line is ``features= import_s= naive_import_s= map_html_mb= naive_map_html_mb=
rerun_s= naive_rerun_s=``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import folium
import geopandas as gpd
import numpy as np
import shapely
from _timing import median_s  # benchmarks/_timing.py

ROOT = Path(__file__).resolve().parents[1]


def generated_layer(n: int) -> gpd.GeoDataFrame:
    """``n`` small squares on a jittered grid over the city (EPSG:4326), fixed seed."""
    rng = np.random.default_rng(13)
    side = int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    x0 = 98.93 + (i % side) * 0.00025 + rng.random(n) * 0.00003
    y0 = 18.74 + (i // side) * 0.00025 + rng.random(n) * 0.00003
    w = 0.00011 + rng.random(n) * 0.00007
    uses = np.array(["บ้านพักอาศัย", "ร้านค้า", "สำนักงาน", "วัด"])
    return gpd.GeoDataFrame(
        {"bldg_id": i, "use_th": uses[rng.integers(0, 4, n)], "floors": rng.integers(1, 6, n)},
        geometry=shapely.box(x0, y0, x0 + w, y0 + w),
        crs="EPSG:4326",
    )


def _map_html(at: object) -> str:
    el = next(e for e in at.main if type(e).__name__ == "UnknownElement")  # type: ignore[attr-defined]
    return str(el.proto.json_args)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CMGIS_DB"] = str(Path(tmp) / "bench.sqlite")
        from streamlit.testing.v1 import AppTest

        from cmgis.imports import delete_import, prepare_import, store_import
        from cmgis.store import open_app_store

        path = Path(tmp) / "buildings.fgb"
        generated_layer(n).to_file(path)
        store = open_app_store()
        start = time.perf_counter()
        record = store_import(store, prepare_import(path), imported_by="bench",
                              title="Bench buildings", source="generated")  # fmt: skip
        import_s = time.perf_counter() - start
        start = time.perf_counter()
        naive = gpd.read_file(path)
        naive_import_s = time.perf_counter() - start

        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.query_params["page"] = "map"
        at.run()
        # reruns with the layer on and off, interleaved (the machine's load varies)
        on_s, off_s = [], []
        for _ in range(5):
            for shown, times in (([record.slug], on_s), ([], off_s)):
                at.multiselect(key="_w_map_user").set_value(shown).run()
                start = time.perf_counter()
                at.run()
                times.append(time.perf_counter() - start)
                if shown:
                    map_html_mb = len(_map_html(at).encode()) / 1e6
        assert not at.exception, at.exception
        rerun_s, rerun_off_s = statistics.median(on_s), statistics.median(off_s)

        def naive_page(_: int) -> str:
            m = folium.Map(location=[18.79, 98.98], zoom_start=13)
            folium.GeoJson(naive).add_to(m)
            return m.get_root().render()

        naive_html = naive_page(0)
        naive_map_html_mb = len(naive_html.encode()) / 1e6
        naive_rerun_s = median_s(naive_page, 1)
        delete_import(store, record.layer_id)
        store.close()
    print(f"{n:,} generated polygons around Chiang Mai (FlatGeobuf)")
    print(f"import: cmgis {import_s:.1f} s (checks, store, vector tiles) vs read_file "
          f"{naive_import_s:.1f} s ({import_s / naive_import_s:.1f}x)")  # fmt: skip
    print(f"map HTML: cmgis {map_html_mb:.2f} MB vs folium.GeoJson {naive_map_html_mb:.1f} MB "
          f"({naive_map_html_mb / max(map_html_mb, 1e-9):.0f}x smaller)")  # fmt: skip
    print(f"rerun with the layer on: cmgis {rerun_s:.3f} s vs naive render {naive_rerun_s:.1f} s "
          f"({naive_rerun_s / rerun_s:.0f}x faster)")  # fmt: skip
    print(f"rerun of the same page with the layer off: {rerun_off_s:.3f} s (the page's own cost)")
    print(
        f"features={n} import_s={import_s:.2f} naive_import_s={naive_import_s:.2f} "
        f"map_html_mb={map_html_mb:.3f} naive_map_html_mb={naive_map_html_mb:.2f} "
        f"rerun_s={rerun_s:.3f} naive_rerun_s={naive_rerun_s:.2f}"
    )


if __name__ == "__main__":
    main()
