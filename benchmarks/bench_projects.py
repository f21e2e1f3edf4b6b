"""Benchmark of the projects feature: layer build vs load, store writes, page reruns.

Run: ``python benchmarks/bench_projects.py``. Each pair is measured side by side in the
same run and printed with its ratio; the last line is machine-readable.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _timing import median_s  # benchmarks/_timing.py
from shapely.geometry import Point

REPO = Path(__file__).resolve().parents[1]
# the page imports the `ui` package of the repository, as `streamlit run app.py` allows
sys.path.insert(0, str(REPO))


def main() -> None:
    """Print the figures and a final ``key=value`` line."""
    from cmgis.data import network as network
    from cmgis.data.layers import load_layer
    from cmgis.plan.edits import ProjectDraft, add_projects, current_projects
    from cmgis.plan.projects import build_projects_layer, load_projects_layer, save_projects_layer
    from cmgis.store import open_app_store

    tmp = Path(tempfile.mkdtemp(prefix="bench_projects_"))

    # 1. the projects layer: built from scratch (road graph read + routing + joins) vs read
    def build_cold() -> None:
        network._cached_graph.cache_clear()
        build_projects_layer()

    build_s = median_s(lambda _i: build_cold(), 3)
    layer = build_projects_layer()
    gpkg = save_projects_layer(layer, tmp / "projects.gpkg")
    load_s = median_s(lambda _i: load_projects_layer(gpkg), 5)
    print(
        f"projects layer: build {build_s:.3f} s, load from GeoPackage {load_s:.3f} s, "
        f"ratio {build_s / load_s:.1f}x"
    )

    # 2. officials' additions: 200 one transaction each vs one import transaction
    zones = load_layer("zones")
    drafts = [
        ProjectDraft(title_en=f"P{i}", strategy="drivers", geometry=Point(98.98, 18.79))
        for i in range(200)
    ]
    with open_app_store(tmp / "one_by_one.sqlite") as s1:
        t0 = time.perf_counter()
        for d in drafts:
            add_projects(s1, [d], user="bench", zones=zones)
        one_s = time.perf_counter() - t0
    with open_app_store(tmp / "batch.sqlite") as s2:
        t0 = time.perf_counter()
        add_projects(s2, drafts, user="bench", zones=zones)
        batch_s = time.perf_counter() - t0
        # 3. the current layer with 200 additions vs none (join + merge per rerun)
        merged_s = median_s(lambda _i: current_projects(s2, base=layer, zones=zones), 5)
    with open_app_store(tmp / "empty.sqlite") as s3:
        base_s = median_s(lambda _i: current_projects(s3, base=layer, zones=zones), 5)
    print(
        f"200 additions: one by one {one_s:.3f} s, one import {batch_s:.3f} s, "
        f"ratio {one_s / batch_s:.1f}x"
    )
    print(
        f"current projects: 0 additions {base_s:.4f} s, 200 additions {merged_s:.4f} s, "
        f"ratio {merged_s / base_s:.1f}x"
    )

    # 4. a page rerun after a filter change (AppTest), cached layer
    from streamlit.testing.v1 import AppTest

    os.environ["CMGIS_DB"] = str(tmp / "page.sqlite")
    at = AppTest.from_file(str(REPO / "ui" / "pages" / "projects.py"), default_timeout=120).run()
    reruns = []
    for key in ["drivers", "default", "driving-spaces", "__all__", "drivers", "default"]:
        at.selectbox(key="projects_filter_strategy").set_value(key)
        t0 = time.perf_counter()
        at.run()
        reruns.append(time.perf_counter() - t0)
    rerun_s = statistics.median(reruns)
    print(
        f"page rerun after a filter change: median {rerun_s:.3f} s (vs cold layer build "
        f"{build_s:.3f} s, ratio {build_s / rerun_s:.1f}x)"
    )
    print(
        f"build_s={build_s:.3f} load_s={load_s:.3f} add200_one_s={one_s:.3f} "
        f"add200_batch_s={batch_s:.3f} rerun_s={rerun_s:.3f}"
    )


if __name__ == "__main__":
    main()
