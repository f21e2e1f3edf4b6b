"""Stored script injection into folium maps (issue 16, item 1), in a real Chromium.

Projects are stored with script payloads in every text field a user reaches (title, notes,
lead, partners, activities, report-item notes, the "your name" field, CSV and GeoJSON
import); a saved candidate layer carries them in its names. A fresh page on the Projects
and Map pages must fire no dialog, set no ``window.top.__pwned``, draw the map, and show
each payload literally in the tooltips and popups. One server, many payloads per load.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from shapely.geometry import box

from cmgis.data.layers import load_layer
from cmgis.plan.edits import (
    ProjectDraft,
    add_projects,
    annotate,
    report_codes,
)
from cmgis.plan.imports import drafts_from_csv, drafts_from_geojson
from cmgis.plan.projects import load_projects_layer
from cmgis.plan.spec import load_plan
from cmgis.store import open_app_store
from cmgis.user_layers import records as ul
from tests.test_user_layers import PARAMS

pytestmark = pytest.mark.browser

#: Each payload would set ``window.top.__pwned`` (and raise a dialog) if it ran.
PAYLOADS = (
    "Bike lanes ${window.top.__pwned=21,alert(21)}",
    "tick `); window.top.__pwned=22; alert(22); (` end",
    "back \\` ${window.top.__pwned=23} \\",
    "</script><script>window.top.__pwned=24;alert(24)</script>",
    'q " \' "><img src=x onerror="window.top.__pwned=25;alert(25)">',
    '<a href="javascript:window.top.__pwned=26">javascript:alert(26)</a>',
)
#: Markdown that would fetch an outside image and make live links (item 3).
MARKDOWN_PAYLOAD = "![t](http://198.51.100.7/t.png) https://evil.example/login"
#: Text every payload leaves when shown literally (Leaflet may collapse white space).
MARKERS = ("${window.top.__pwned=21", "`); window.top.__pwned=22", "\\` ${window.top.__pwned=23}",
           "</script><script>window.top.__pwned=24", "onerror=\"window.top.__pwned=25",
           "javascript:window.top.__pwned=26")  # fmt: skip

#: Every tooltip and popup bound to a layer of the Leaflet map, as the reader sees it.
_MAP_TEXTS_JS = """() => {
    const parse = (c) => {
        if (c === undefined || c === null || typeof c === 'function') return '';
        if (typeof c !== 'string') return c.textContent || '';
        return new DOMParser().parseFromString(c, 'text/html').body.textContent;
    };
    const out = [];
    if (!window.map) return out;
    window.map.eachLayer((l) => {
        if (l.getTooltip && l.getTooltip()) out.push(parse(l.getTooltip().getContent()));
        if (l.getPopup && l.getPopup()) out.push(parse(l.getPopup().getContent()));
    });
    return out;
}"""


def _server_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store of the session's Streamlit server (``conftest.streamlit_url``)."""
    found = sorted(tmp_path_factory.getbasetemp().glob("browser_server_store*"))
    assert found, "the Streamlit server's store folder was not found"
    return found[0] / "cmgis.sqlite"


def _seed_projects(path: Path) -> None:
    zones = load_layer("zones")
    layer = load_projects_layer()
    annotatable = sorted(
        set(layer.loc[layer.geometry.notna(), "code"].astype(str)) & report_codes(load_plan())
    )
    p = PAYLOADS
    drafts = [
        ProjectDraft(title_en=p[i], strategy="drivers", zone_ids=("nimman",),
                     notes=p[(i + 1) % 6], lead=p[(i + 2) % 6], partners=p[(i + 3) % 6],
                     activities_en=p[(i + 4) % 6])
        for i in range(len(p))
    ]  # fmt: skip
    csv_text = "title_en,strategy,zones,notes,lead\n" + "".join(
        f"{json.dumps('csv ' + v)},default,old_town,{json.dumps(v)},{json.dumps(v)}\n" for v in p
    )
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature",
             "geometry": {"type": "Point", "coordinates": [98.97, 18.79 + i / 1000]},
             "properties": {"title_en": "geojson " + v, "strategy": "driving-spaces",
                            "partners": v}}
            for i, v in enumerate(p)
        ],
    }  # fmt: skip
    with open_app_store(path) as raw:
        store = raw
        for i, draft in enumerate(drafts):
            add_projects(store, [draft], user=p[i][:80], zones=zones)
        add_projects(store, drafts_from_csv(csv_text.encode()), user=p[1], zones=zones)
        add_projects(
            store, drafts_from_geojson(json.dumps(geojson).encode()), user=p[2], zones=zones
        )
        for code, payload in zip(annotatable, p, strict=False):
            annotate(store, load_plan(), code, user=payload[:80], expected_version=0, notes=payload)


def _seed_user_layer(path: Path) -> None:
    layer = gpd.GeoDataFrame(
        {
            "zone_id": ["candidate_1"],
            "name_en": [MARKDOWN_PAYLOAD],
            "name_th": [MARKDOWN_PAYLOAD],
            "mean_score": [70.0],
            "area_km2": [0.1],
            "overlap_zones": [" | ".join(PAYLOADS)],
        },
        geometry=[box(98.955, 18.79, 98.965, 18.8)],
        crs="EPSG:4326",
    )
    with open_app_store(path) as store:
        ul.save_candidate_layer(store, layer, name="Layer " + PAYLOADS[0],
                                created_by=PAYLOADS[1][:80], parameters=PARAMS,
                                replace=True)  # fmt: skip


def _choose(app_page: Any, widget: Any, option_text: str) -> None:
    """Pick an option of a select widget (a rerun in between closes the dropdown: retry)."""
    option = app_page.page.get_by_role("option").filter(has_text=option_text).first
    for _attempt in range(4):
        widget.first.locator("input").first.click()
        try:
            option.click(timeout=5_000)
            return
        except Exception:  # playwright's TimeoutError
            app_page.wait_idle()
    raise AssertionError(f"option {option_text!r} not found")


def _watch(app_page: Any) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    app_page.page.on("dialog", on_dialog)
    return dialogs


def _assert_nothing_ran(app_page: Any, dialogs: list[str]) -> None:
    assert dialogs == []
    for frame in app_page.page.frames:
        pwned = frame.evaluate(
            "() => { try { return window.top.__pwned ?? null } catch (e) { return null } }"
        )
        assert pwned is None, frame.url
        assert frame.evaluate("() => window.__pwned ?? null") is None, frame.url
    assert app_page.external_requests == []
    assert app_page.page_errors == []


def _map_texts(app_page: Any) -> str:
    frame = app_page.map_frame()
    frame.locator(".leaflet-container").wait_for(state="attached", timeout=30_000)
    return "\n".join(frame.locator("body").evaluate(_MAP_TEXTS_JS))


def test_projects_map_shows_script_payloads_literally(
    app_page: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    _seed_projects(_server_store(tmp_path_factory))
    dialogs = _watch(app_page)
    app_page.open("projects")
    app_page.wait_idle()
    frame = app_page.map_frame()
    frame.locator(".cmgis-project").first.wait_for(state="attached", timeout=30_000)
    app_page.page.wait_for_timeout(1000)
    texts = " ".join(_map_texts(app_page).split())
    for marker in MARKERS:
        assert " ".join(marker.split()) in texts, marker
    assert "csv Bike lanes ${window.top.__pwned=21" in texts
    assert "geojson tick `); window.top.__pwned=22" in texts
    assert frame.locator(".leaflet-container img[src='x']").count() == 0
    # a popup opened on the map shows the text literally as well
    frame.locator("body").evaluate(
        "() => window.map.eachLayer((l) => { if (l.getPopup && l.getPopup() && "
        "(l.getPopup().getContent().textContent || '').includes('__pwned=21,alert')) "
        "{ window.__cmgisPopup = l; } })"
    )
    frame.locator("body").evaluate("() => window.__cmgisPopup.openPopup()")
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    assert "${window.top.__pwned=21,alert(21)}" in popup.inner_text()
    assert popup.locator("img, a, script").count() == 0
    _assert_nothing_ran(app_page, dialogs)


def test_map_page_overlays_show_script_payloads_literally(
    app_page: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = _server_store(tmp_path_factory)
    _seed_user_layer(path)
    dialogs = _watch(app_page)
    app_page.open("map?lang=en")
    frame = app_page.map_frame()
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    app_page.page.wait_for_timeout(1500)  # the map reports its view once: a rerun
    app_page.wait_idle()
    picker = app_page.page.locator("[data-testid='stMultiSelect']").filter(
        has_text="Saved and imported layers"
    )
    _choose(app_page, picker, "Layer " + PAYLOADS[0])
    app_page.page.keyboard.press("Escape")
    red = frame.locator("path.leaflet-interactive[stroke='#d7191c']")
    red.first.wait_for(timeout=30_000)
    legend = frame.locator(".cmgis-legend").text_content() or ""  # folded or open
    assert "Layer Bike lanes ${window.top.__pwned=21,alert(21)}" in legend
    red.first.click(force=True)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    text = " ".join(popup.inner_text().split())
    assert MARKDOWN_PAYLOAD in text
    for marker in MARKERS:
        assert " ".join(marker.split()) in text, marker
    assert popup.locator("img, a, script").count() == 0
    app_page.wait_idle()
    app_page.page.wait_for_timeout(1000)
    _assert_nothing_ran(app_page, dialogs)
    # the summary under the map shows the imported name literally: no image, no link
    page = app_page.page
    heading = page.get_by_role("heading", level=3).filter(has_text="198.51.100.7")
    heading.wait_for(timeout=20_000)
    # shown as typed (an invisible word joiner after ":" keeps the URL from becoming a link)
    assert MARKDOWN_PAYLOAD in heading.inner_text().replace("\u2060", "")
    assert page.locator("img[src*='198.51.100.7'], a[href*='evil.example']").count() == 0
    assert app_page.external_requests == []
