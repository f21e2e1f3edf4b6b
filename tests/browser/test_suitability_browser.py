"""Real browser: the Suitability map renders offline and a slider move updates the overlay."""

from __future__ import annotations

import time
from typing import Any


def _overlay_src(app_page: Any) -> str:
    img = app_page.map_frame().locator("img.leaflet-image-layer").first
    img.wait_for(state="attached", timeout=60_000)
    return str(img.get_attribute("src"))


def test_surface_overlay_updates_when_a_slider_moves(app_page: Any) -> None:
    app_page.open("suitability")
    app_page.wait_idle(timeout_ms=120_000)
    before = _overlay_src(app_page)
    assert before.startswith("data:image/png;base64,")
    frame = app_page.map_frame()
    # legend and data credits are in the map, candidate outlines are drawn
    assert frame.locator(".cmgis-suitability-legend").is_visible()
    assert (
        "OpenStreetMap contributors" in frame.locator(".leaflet-control-attribution").inner_text()
    )
    assert frame.locator("path.leaflet-interactive").count() >= 1

    thumb = (
        app_page.page.locator("[data-testid='stSlider']")
        .filter(has_text="Elevation")
        .get_by_role("slider")
    )
    thumb.focus()
    t0 = time.monotonic()
    thumb.press("End")  # weight 10
    deadline = t0 + 30
    after = before
    while after == before and time.monotonic() < deadline:
        time.sleep(0.1)
        after = _overlay_src(app_page)
    assert after != before, "the surface overlay did not change after the slider moved"
    app_page.screenshot("after-slider")
    # Streamlit itself probes <page>/_stcore/health and host-config before the root ones
    # when a page is opened by its URL path; those 404s are not the app's requests.
    assert [r for r in app_page.failed_requests if "/suitability/_stcore/" not in r] == []
    assert app_page.external_requests == []
