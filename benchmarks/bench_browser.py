"""Benchmark of what a person waits for in the browser: from the click to the map's layers drawn.

Run from anywhere: ``python benchmarks/bench_browser.py`` (``--runs N``, ``--profile``).
Two servers run side by side on free localhost ports, headless, with the same offline
static assets: the cmgis app (``streamlit run app.py``) and a plain minimal ``st_folium``
page written to a temporary directory (the naive build: the same layers read with
`cmgis.data.layers.load_layer` on every rerun and drawn with ``folium.GeoJson``, no caching).
Debian Chromium (``/usr/bin/chromium``) is driven by Playwright with the launch arguments
of the browser test harness (tests/browser/conftest.py); every request to a host other than
localhost is blocked, so nothing needs the network. Measured (medians of ``--runs``, at
least 5, the two builds interleaved so machine load hits both alike):

- first_map_s: open ``/map`` in a fresh browser context (empty cache, warm server) until
  the default layers are drawn in the map frame (every default vector layer has SVG paths
  in Leaflet's overlay pane, the relief image is decoded) and Streamlit is not running;
- toggle_s: tick "District anchors" in the layer panel until its markers are drawn;
- indicator_s: change the choropleth indicator (between two with different classes) until
  the new fills are drawn;
- page_switch_s: click the sidebar link from Map to Zones (when that page has a map) or
  else Projects, until that page's map is drawn;
- naive_first_map_s, naive_toggle_s: the same first load and toggle on the naive page.

"Drawn" is tested in the page on every animation frame (``requestAnimationFrame`` polling),
so a figure is the time until the person can see the result. ``--profile`` also splits the
toggle into phases (server rerun, map HTML over the websocket, iframe re-creation, Leaflet
draw). The last line is ``first_map_s=… toggle_s=… indicator_s=… page_switch_s=…
naive_first_map_s=… naive_toggle_s=…``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cmgis.data.catalog import load_catalog
from cmgis.districts.indicators import indicator_definitions
from cmgis.i18n import t
from cmgis.maps import DEFAULT_LAYERS, LAYER_STYLES

REPO = Path(__file__).resolve().parents[1]
MIN_RUNS = 5
TIMEOUT_MS = 120_000
#: The layer ticked for toggle_s: off by default, drawn in a colour no other layer uses.
TOGGLE_LAYER = "zone_anchors"
#: Indicators tried (in order) for indicator_s; the first two whose zone classes differ.
INDICATOR_CANDIDATES = (
    "office_density_per_km2",
    "education_density_per_km2",
    "health_density_per_km2",
    "temple_density_per_km2",
    "area_km2",
)
CHOROPLETH_STROKE = "#4d4d4d"  # webmap._add_choropleth draws the classes with this outline


def _harness() -> Any:
    """tests/browser/conftest.py, for the Chromium path, launch arguments and local hosts."""
    spec = importlib.util.spec_from_file_location(
        "_cmgis_browser_harness", REPO / "tests" / "browser" / "conftest.py"
    )
    if spec is None or spec.loader is None:
        raise RuntimeError("tests/browser/conftest.py not found")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


HARNESS = _harness()

NAIVE_APP = """
import folium
import streamlit as st
from streamlit_folium import st_folium

from cmgis.data.catalog import load_catalog
from cmgis.data.layers import load_layer
from cmgis.maps.relief import relief_from_tif
from cmgis.maps import DEFAULT_LAYERS, LAYER_STYLES, use_local_assets

st.set_page_config(layout="wide")
use_local_assets()
panel, main = st.columns([1, 3])
on = []
for entry in load_catalog().layers:
    if entry.id in LAYER_STYLES:
        if panel.checkbox(entry.title_en, value=entry.id in DEFAULT_LAYERS, key=entry.id):
            on.append(entry.id)
m = folium.Map(location=[18.782, 98.962], zoom_start=13, tiles=None)
for layer_id in sorted(on, key=lambda lid: LAYER_STYLES[lid].kind != "relief"):
    style = LAYER_STYLES[layer_id]
    if style.kind == "relief":
        rgba, bounds = relief_from_tif()
        folium.raster_layers.ImageOverlay(rgba, bounds=bounds, mercator_project=True).add_to(m)
        continue
    options = style.leaflet_style()
    points = style.kind in ("point", "cluster", "mixed")
    folium.GeoJson(
        load_layer(layer_id),
        style_function=lambda _f, o=options: o,
        marker=folium.CircleMarker(radius=style.radius_px) if points else None,
    ).add_to(m)
with main:
    st_folium(m, key="map", height=660, use_container_width=True)
"""

#: True when the map in a streamlit-folium frame shows what ``spec`` asks and Streamlit is
#: idle. spec: strokes [[colour, min count]], absent [colour], fills (choropleth fills in
#: order) or null, images (min decoded image overlays), fresh (skip frames marked stale).
DRAWN_JS = """
(spec) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  const frames = document.querySelectorAll("iframe[title*='streamlit_folium']");
  for (const frame of frames) {
    if (spec.fresh && frame.dataset.benchStale) continue;
    let doc = null;
    try { doc = frame.contentDocument; } catch (e) { continue; }
    const pane = doc && doc.querySelector(".leaflet-overlay-pane");
    if (!pane) continue;
    const paths = (c) => pane.querySelectorAll(`path.leaflet-interactive[stroke='${c}']`);
    if (spec.anyPath && !pane.querySelector("path.leaflet-interactive")) continue;
    if (spec.strokes.some(([c, n]) => paths(c).length < n)) continue;
    if (spec.absent.some((c) => paths(c).length > 0)) continue;
    if (spec.fills !== null) {
      const fills = Array.from(paths(spec.choropleth), (p) => p.getAttribute("fill"));
      if (JSON.stringify(fills) !== JSON.stringify(spec.fills)) continue;
    }
    const imgs = Array.from(doc.querySelectorAll("img.leaflet-image-layer"));
    if (imgs.length < spec.images) continue;
    if (imgs.some((i) => !(i.complete && i.naturalWidth > 0))) continue;
    return true;
  }
  return false;
}
"""

CHOROPLETH_FILLS_JS = """
(stroke) => {
  for (const frame of document.querySelectorAll("iframe[title*='streamlit_folium']")) {
    const doc = frame.contentDocument;
    const pane = doc && doc.querySelector(".leaflet-overlay-pane");
    if (!pane) continue;
    const ps = pane.querySelectorAll(`path.leaflet-interactive[stroke='${stroke}']`);
    if (ps.length) return Array.from(ps, (p) => p.getAttribute("fill"));
  }
  return [];
}
"""

WATCH_RUN_JS = """
() => {
  window.__benchRan = false;
  const app = document.querySelector("[data-testid='stApp']");
  const obs = new MutationObserver(() => {
    if (app.getAttribute("data-test-script-state") === "running") {
      window.__benchRan = true;
      obs.disconnect();
    }
  });
  obs.observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
}
"""

RAN_JS = """
() => window.__benchRan && document.querySelector("[data-testid='stApp']")
  .getAttribute("data-test-script-state") === "notRunning"
"""

MARK_STALE_JS = """
() => document.querySelectorAll("iframe[title*='streamlit_folium']")
  .forEach((f) => { f.dataset.benchStale = "1"; })
"""

#: Phase marks for --profile: script state changes, map frames added, their load events.
PROFILE_JS = """
() => {
  const marks = (window.__benchMarks = []);
  const mark = (what) => marks.push([what, performance.now()]);
  document.addEventListener("click", () => mark("click"), {capture: true, once: true});
  const app = document.querySelector("[data-testid='stApp']");
  new MutationObserver(() => mark("state:" + app.getAttribute("data-test-script-state")))
    .observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
  const watchFrame = (f) => {
    mark("iframe:added");
    f.addEventListener("load", () => mark("iframe:load"));
    const seen = new Set();
    const poll = () => {
      const doc = f.isConnected ? f.contentDocument : null;
      if (!doc) { if (f.isConnected) requestAnimationFrame(poll); return; }
      for (const [name, sel] of [["leaflet:map", ".leaflet-container"],
                                 ["leaflet:paths", ".leaflet-overlay-pane path"]]) {
        if (!seen.has(name) && doc.querySelector(sel)) { seen.add(name); mark(name); }
      }
      if (seen.size < 2) requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
  };
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      if (n.nodeType !== 1) continue;
      const frames = n.matches("iframe") ? [n] : n.querySelectorAll("iframe");
      for (const f of frames) if ((f.title || "").includes("streamlit_folium")) watchFrame(f);
    }
    for (const r of records) for (const n of r.removedNodes) {
      if (n.nodeType === 1 && (n.matches("iframe") || n.querySelector("iframe"))) {
        mark("iframe:removed");
      }
    }
  }).observe(document.body, {childList: true, subtree: true});
}
"""


def _spec(
    *,
    strokes: list[tuple[str, int]] | None = None,
    absent: list[str] | None = None,
    fills: list[str] | None = None,
    images: int = 0,
    fresh: bool = False,
    any_path: bool = False,
) -> dict[str, Any]:
    return {
        "strokes": [list(s) for s in strokes or []],
        "absent": absent or [],
        "fills": fills,
        "choropleth": CHOROPLETH_STROKE,
        "images": images,
        "fresh": fresh,
        "anyPath": any_path,
    }


def default_map_spec() -> dict[str, Any]:
    """Every default vector layer drawn (the five zones all of them), the relief decoded."""
    strokes: list[tuple[str, int]] = []
    images = 0
    for lid in DEFAULT_LAYERS:
        style = LAYER_STYLES[lid]
        if style.kind == "relief":
            images += 1
        elif style.kind != "cluster":
            strokes.append((style.color, 5 if lid == "zones" else 1))
    return _spec(strokes=strokes, images=images)


# ----------------------------------------------------------------------------- servers


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def streamlit_server(
    script: str, cwd: Path, log_path: Path, env_extra: dict[str, str]
) -> Iterator[str]:
    """``streamlit run script`` headless on a free localhost port, as the test harness runs it."""
    port = _free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "src"), str(REPO), env.get("PYTHONPATH", "")]
    ).rstrip(os.pathsep)
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    env.update(env_extra)
    cmd = [
        sys.executable, "-m", "streamlit", "run", script, "--server.headless=true",
        "--server.address=127.0.0.1", f"--server.port={port}",
        "--server.fileWatcherType=none", "--browser.gatherUsageStats=false",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + HARNESS.SERVER_START_TIMEOUT_S
        while not HARNESS._healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{script} did not start; log:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        HARNESS.stop_server(proc)


# ----------------------------------------------------------------------------- browser


#: Every request to an outside host that the benchmark blocked (there should be none).
BLOCKED: list[str] = []


class Session:
    """One browser context on one app; outside hosts are blocked and counted."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.base_url = base_url
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.ws_bytes = 0
        self.page.on("websocket", self._on_websocket)

    def _route(self, route: Any) -> None:
        if HARNESS._is_local(route.request.url):
            route.continue_()
        else:
            BLOCKED.append(route.request.url)
            route.abort()

    def _on_websocket(self, ws: Any) -> None:
        def count(payload: Any) -> None:
            self.ws_bytes += len(payload)

        ws.on("framereceived", count)

    def close(self) -> None:
        self.context.close()

    def wait_drawn(self, spec: dict[str, Any]) -> None:
        self.page.wait_for_function(DRAWN_JS, arg=spec, polling="raf", timeout=TIMEOUT_MS)

    def rerun_done(self, action: Callable[[], None]) -> None:
        """Do ``action`` and wait until the rerun it starts has finished (not timed)."""
        self.page.evaluate(WATCH_RUN_JS)
        action()
        self.page.wait_for_function(RAN_JS, polling="raf", timeout=TIMEOUT_MS)

    def settle(self) -> None:
        """Idle for a moment (the map's first report may start one more run)."""
        for _ in range(2):
            self.page.wait_for_selector(
                "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=TIMEOUT_MS
            )
            self.page.wait_for_timeout(400)

    def open(self, path: str, spec: dict[str, Any]) -> float:
        """Seconds from navigating to ``path`` to the map drawn as ``spec`` says."""
        t0 = time.perf_counter()
        self.page.goto(f"{self.base_url}/{path}", wait_until="commit")
        self.wait_drawn(spec)
        return time.perf_counter() - t0

    def timed(self, action: Callable[[], None], spec: dict[str, Any]) -> float:
        """Seconds from ``action`` (a click) to the map drawn as ``spec`` says."""
        t0 = time.perf_counter()
        action()
        self.wait_drawn(spec)
        return time.perf_counter() - t0

    def checkbox(self, label: str) -> Any:
        return self.page.get_by_test_id("stCheckbox").filter(
            has=self.page.get_by_role("checkbox", name=label, exact=True)
        )

    def choose(self, select_label: str, option: str) -> Callable[[], None]:
        """Open the selectbox labelled ``select_label``; return the click on ``option``."""
        box = self.page.get_by_test_id("stSelectbox").filter(
            has=self.page.get_by_text(select_label, exact=True)
        )
        box.first.click()
        item = self.page.get_by_role("option", name=option, exact=True)
        item.wait_for(timeout=TIMEOUT_MS)
        return lambda: item.click()

    def nav_link(self, url_path: str) -> Any:
        return self.page.locator(f"[data-testid='stSidebarNav'] a[href$='/{url_path}']")

    def has_map(self) -> bool:
        return bool(
            self.page.evaluate(
                "() => !!document.querySelector(\"iframe[title*='streamlit_folium']\")"
            )
        )


def toggle_times(session: Session, runs: int, label: str, profile: list[str] | None) -> list[float]:
    """Tick the toggle layer (timed), untick it (not timed), ``runs`` times."""
    colour = LAYER_STYLES[TOGGLE_LAYER].color
    base = default_map_spec()
    on = {**base, "strokes": [*base["strokes"], [colour, 1]]}
    off = {**base, "absent": [colour]}
    box = session.checkbox(label)
    times = []
    for _ in range(runs):
        session.settle()
        if profile is not None:
            session.page.evaluate(PROFILE_JS)
            ws0 = session.ws_bytes
        times.append(session.timed(lambda: box.click(), on))
        if profile is not None:
            profile.append(_phases(session, times[-1], session.ws_bytes - ws0))
        session.settle()
        session.timed(lambda: box.click(), off)
    return times


def _phases(session: Session, total_s: float, ws_bytes: int) -> str:
    """One line of --profile: when each phase happened, in seconds after the click."""
    marks = session.page.evaluate("() => window.__benchMarks")
    t0 = next((ts for name, ts in marks if name == "click"), marks[0][1] if marks else 0.0)
    parts = [f"{name}@{(ts - t0) / 1000:.2f}" for name, ts in marks if name != "click"]
    return f"total {total_s:.2f} s, websocket in {ws_bytes / 1e6:.2f} MB: " + " ".join(parts)


def indicator_setup(session: Session, select_label: str) -> tuple[str, list[str], str, list[str]]:
    """Two indicators whose zone fills differ, with their fills (chosen untimed)."""
    titles = {d.id: d.title_en for d in indicator_definitions()}
    seen: list[tuple[str, list[str]]] = []
    for ind in INDICATOR_CANDIDATES:
        session.settle()
        session.rerun_done(session.choose(select_label, titles[ind]))
        session.wait_drawn(_spec(strokes=[(CHOROPLETH_STROKE, 1)]))
        session.settle()
        fills = session.page.evaluate(CHOROPLETH_FILLS_JS, CHOROPLETH_STROKE)
        for other, other_fills in seen:
            if fills and other_fills and fills != other_fills:
                return titles[other], other_fills, titles[ind], fills
        seen.append((ind, fills))
    raise RuntimeError(f"no two indicators with different fills among {INDICATOR_CANDIDATES}")


def indicator_times(session: Session, runs: int, select_label: str) -> list[float]:
    title_a, fills_a, title_b, fills_b = indicator_setup(session, select_label)
    targets = [(title_a, fills_a), (title_b, fills_b)]  # the page shows b now
    times = []
    for i in range(runs):
        title, fills = targets[i % 2]
        session.settle()
        click = session.choose(select_label, title)
        times.append(session.timed(click, {**default_map_spec(), "fills": fills}))
    return times


def page_switch_times(session: Session, runs: int) -> tuple[str, list[float]]:
    """Map -> Zones (if its page has a map) or Projects, timed; back to Map untimed."""
    target = "projects"
    session.settle()
    session.nav_link("zones").click()
    session.page.wait_for_url("**/zones**", timeout=TIMEOUT_MS)
    session.settle()
    session.page.wait_for_timeout(1000)
    if session.has_map():
        target = "zones"
    back = default_map_spec()
    session.nav_link("map").click()
    session.wait_drawn(back)
    times = []
    for _ in range(runs):
        session.settle()
        session.page.evaluate(MARK_STALE_JS)
        times.append(
            session.timed(
                lambda: session.nav_link(target).click(), _spec(fresh=True, any_path=True)
            )
        )
        session.settle()
        session.page.evaluate(MARK_STALE_JS)
        session.timed(lambda: session.nav_link("map").click(), {**back, "fresh": True})
    return target, times


def _say(text: str) -> None:
    """Progress on stderr (the figures go to stdout)."""
    print(text, file=sys.stderr, flush=True)


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _runs(values: list[float]) -> str:
    return f"{_median(values):6.2f} s  (runs: {' '.join(f'{v:.2f}' for v in values)})"


def _line(name: str, ours: list[float], naive: list[float] | None = None) -> str:
    text = f"  {name:<14} cmgis {_runs(ours)}"
    if naive:
        text += f"\n  {'':<14} naive {_runs(naive)}"
        text += f"\n  {'':<14} cmgis/naive {_median(ours) / _median(naive):.2f}"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=MIN_RUNS, help="repetitions (>= 5)")
    parser.add_argument("--profile", action="store_true", help="split the toggle into phases")
    args = parser.parse_args()
    runs = max(MIN_RUNS, args.runs)
    from playwright.sync_api import sync_playwright

    catalog_titles = {e.id: e.title_en for e in load_catalog().layers}
    toggle_label = catalog_titles[TOGGLE_LAYER]
    select_label = t("map.panel.indicator", "en")
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "naive_app.py").write_text(NAIVE_APP)
        (tmp / "static").symlink_to(REPO / "static")  # the same offline assets
        shutil.copytree(REPO / ".streamlit", tmp / ".streamlit")
        env = {"CMGIS_DB": str(tmp / "bench.sqlite")}  # workshops: a throw-away store
        with (
            streamlit_server("app.py", REPO, tmp / "cmgis.log", env) as url,
            streamlit_server("naive_app.py", tmp, tmp / "naive.log", env) as naive_url,
            sync_playwright() as pw,
        ):
            browser = pw.chromium.launch(
                executable_path=HARNESS.CHROMIUM, args=HARNESS.CHROMIUM_ARGS, headless=True
            )
            spec = default_map_spec()
            # warm-up: the first load of each server fills its caches
            for base in (url, naive_url):
                s = Session(browser, base)
                s.open("map?lang=en" if base == url else "", spec)
                s.close()
            _say("warm; first map ...")
            first, naive_first = [], []
            for _ in range(runs):  # interleaved, each in a fresh context (empty cache)
                s = Session(browser, url)
                first.append(s.open("map?lang=en", spec))
                s.close()
                s = Session(browser, naive_url)
                naive_first.append(s.open("", spec))
                s.close()
            ours_s, naive_s = Session(browser, url), Session(browser, naive_url)
            ours_s.open("map?lang=en", spec)
            naive_s.open("", spec)
            _say(f"first map {first} naive {naive_first}; toggle ...")
            profile: list[str] | None = [] if args.profile else None
            toggle, naive_toggle = [], []
            for _ in range(runs):  # interleaved, one tick each at a time
                toggle += toggle_times(ours_s, 1, toggle_label, profile)
                naive_toggle += toggle_times(naive_s, 1, toggle_label, None)
            naive_s.close()
            _say(f"toggle {toggle} naive {naive_toggle}; indicator ...")
            indicator = indicator_times(ours_s, runs, select_label)
            _say(f"indicator {indicator}; page switch ...")
            target, switch = page_switch_times(ours_s, runs)
            ours_s.close()
            browser.close()

    print(f"browser benchmark, medians of {runs}; load average at start {load:.1f}")
    print(_line("first map", first, naive_first))
    print(_line("layer toggle", toggle, naive_toggle))
    print(_line("indicator", indicator))
    print(_line(f"map -> {target}", switch))
    if profile:
        print("toggle phases (seconds after the click):")
        for row in profile:
            print(f"  {row}")
    if BLOCKED:
        print(f"blocked {len(BLOCKED)} requests to outside hosts, e.g. {BLOCKED[0]}")
    print(
        f"first_map_s={_median(first):.2f} toggle_s={_median(toggle):.2f} "
        f"indicator_s={_median(indicator):.2f} page_switch_s={_median(switch):.2f} "
        f"naive_first_map_s={_median(naive_first):.2f} naive_toggle_s={_median(naive_toggle):.2f}"
    )


if __name__ == "__main__":
    main()
