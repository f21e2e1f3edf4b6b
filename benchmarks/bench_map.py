"""Benchmark of the Map page: rerun time, map HTML size and first paint, against a naive build.

Run from the repository root: ``python benchmarks/bench_map.py``. Measured side by side in
the same run, with all default layers on:

- rerun: server time of one rerun after a widget change (AppTest; the widget toggles the
  indicator choropleth on and off), median of several;
- html: the map HTML streamlit-folium sends to the browser at the default view;
- first paint: headless Debian Chromium, from opening the page to the five zones drawn
  (warm server, median of several loads), offline (outside hosts blocked).

The naive build draws the same layers raw: every layer read from the GeoPackage on every
rerun, unsimplified, all attribute columns, points as one marker each, the relief rebuilt.
The last line is ``rerun_s=<median> naive_rerun_s=<median> html_mb=<x> naive_html_mb=<y>
first_paint_s=<z>``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[1]
RUNS = 7
PAINT_RUNS = 3

NAIVE_APP = """
import folium
import streamlit as st
from streamlit_folium import st_folium

from cmgis.data.layers import load_layer
from cmgis.maps.relief import relief_from_tif
from cmgis.maps import DEFAULT_LAYERS, LAYER_STYLES, use_local_assets

use_local_assets()
indicator = st.selectbox("indicator", ["", "office_density_per_km2"], key="_w_map_indicator")
m = folium.Map(location=[18.7865, 98.947], zoom_start=13, tiles=None, maxZoom=18)
for layer_id in DEFAULT_LAYERS:
    if layer_id == "elevation":
        rgba, bounds = relief_from_tif()
        folium.raster_layers.ImageOverlay(rgba, bounds=bounds, mercator_project=True).add_to(m)
        continue
    gdf = load_layer(layer_id)
    fields = [c for c in gdf.columns if c != "geometry"]
    if LAYER_STYLES[layer_id].kind in ("point", "cluster"):
        for _, row in gdf.iterrows():
            folium.CircleMarker(
                [row.geometry.y, row.geometry.x], radius=5, tooltip=str(row.get("name", ""))
            ).add_to(m)
    else:
        folium.GeoJson(gdf, tooltip=folium.GeoJsonTooltip(fields=fields)).add_to(m)
if indicator:
    from cmgis.districts.indicators import load_indicators

    zones = load_layer("zones").merge(load_indicators("zones"), on="zone_id")
    folium.Choropleth(zones, data=zones, columns=["zone_id", indicator],
                      key_on="feature.properties.zone_id").add_to(m)
st_folium(m, key="map", height=620, width=None)  # the container's width
"""


def _component_html_bytes(at: AppTest) -> int:
    el = next(e for e in at.main if type(e).__name__ == "UnknownElement")
    return len(str(el.proto.json_args).encode("utf-8"))


def _rerun_times(at: AppTest) -> list[float]:
    """Median-ready rerun times: toggle the indicator on and off, one change per rerun."""
    times = []
    values = ["office_density_per_km2", ""]
    for i in range(RUNS):
        at.selectbox(key="_w_map_indicator").set_value(values[i % 2])
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        if at.exception:
            raise RuntimeError(f"app failed: {at.exception}")
    return times


def measure_app(script: Path, *, query: dict[str, str]) -> tuple[list[float], int]:
    at = AppTest.from_file(str(script), default_timeout=300)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()  # warm-up: caches filled, as on a running server
    if at.exception:
        raise RuntimeError(f"app failed: {at.exception}")
    html_bytes = _component_html_bytes(at)
    return _rerun_times(at), html_bytes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def first_paint_s(script_dir: Path, script: str, path: str) -> list[float]:
    """Seconds from page open to the zones drawn, warm server, offline."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO), env.get("PYTHONPATH", "")])
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless=true",
         "--server.address=127.0.0.1", f"--server.port={port}",
         "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"],
        cwd=script_dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("streamlit did not start") from None
                time.sleep(0.2)
        times = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run",
                      "--disable-quic"],
            )  # fmt: skip
            for i in range(PAINT_RUNS + 1):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                context.route(
                    "**/*",
                    lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort(),
                )
                page = context.new_page()
                t0 = time.perf_counter()
                page.goto(f"{url}/{path}")
                frame = page.frame_locator("iframe[title*='streamlit_folium']").first
                frame.locator("path.leaflet-interactive").first.wait_for(timeout=120_000)
                if i > 0:  # the first load fills the server's caches
                    times.append(time.perf_counter() - t0)
                context.close()
            browser.close()
        return times
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)


def main() -> None:
    os.chdir(REPO)
    with tempfile.TemporaryDirectory() as tmp:
        # the Map page lists workshops from the store: use a throw-away one
        os.environ["CMGIS_DB"] = str(Path(tmp) / "bench.sqlite")
        naive_dir = Path(tmp)
        (naive_dir / "naive_app.py").write_text(NAIVE_APP)
        (naive_dir / "static").symlink_to(REPO / "static")
        shutil.copytree(REPO / ".streamlit", naive_dir / ".streamlit")

        ours, html_bytes = measure_app(REPO / "app.py", query={"page": "map"})
        naive, naive_html_bytes = measure_app(naive_dir / "naive_app.py", query={})
        paint = first_paint_s(REPO, "app.py", "map")
        naive_paint = first_paint_s(naive_dir, "naive_app.py", "")

    rerun, naive_rerun = statistics.median(ours), statistics.median(naive)
    mb, naive_mb = html_bytes / 1e6, naive_html_bytes / 1e6
    fp, naive_fp = statistics.median(paint), statistics.median(naive_paint)
    print(f"rerun after a widget change (AppTest, median of {RUNS}):")
    ratio = naive_rerun / rerun
    print(f"  cmgis {rerun:.3f} s   naive {naive_rerun:.3f} s   naive/cmgis {ratio:.1f}x")
    print("map HTML sent to the browser (default view):")
    print(f"  cmgis {mb:.2f} MB   naive {naive_mb:.2f} MB   naive/cmgis {naive_mb / mb:.1f}x")
    print(f"first paint, warm server, offline (median of {PAINT_RUNS}):")
    print(f"  cmgis {fp:.2f} s   naive {naive_fp:.2f} s   naive/cmgis {naive_fp / fp:.1f}x")
    print(
        f"rerun_s={rerun:.3f} naive_rerun_s={naive_rerun:.3f} html_mb={mb:.2f} "
        f"naive_html_mb={naive_mb:.2f} first_paint_s={fp:.2f}"
    )


if __name__ == "__main__":
    main()
