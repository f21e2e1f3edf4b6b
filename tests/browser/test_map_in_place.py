"""The Map page changes its layers in place (issue 12, speed): no new map frame per click.

A layer toggle, an indicator and the relief basemap's layer: the layers and the legend
change inside the same Leaflet map (the frame's document survives), and a click on a zone
still opens its profile afterwards.
"""

from __future__ import annotations

from typing import Any

import pytest

from cmgis.maps import LAYER_STYLES

pytestmark = pytest.mark.browser

FRAME = "iframe[title*='streamlit_folium']"
ANCHORS = LAYER_STYLES["zone_anchors"].color
CHOROPLETH_STROKE = "#4d4d4d"


def _frame(app_page: Any) -> Any:
    """The map frame's document (a Playwright Frame, not a locator)."""
    return app_page.page.locator(FRAME).first.element_handle().content_frame()


def _count(app_page: Any, stroke: str) -> int:
    frame = app_page.map_frame()
    return int(frame.locator(f"path.leaflet-interactive[stroke='{stroke}']").count())


def test_toggle_and_indicator_change_the_map_in_place(app_page: Any) -> None:
    page = app_page.page
    app_page.open("map?lang=en")
    app_page.map_frame().locator(".cmgis-legend").wait_for(timeout=30_000)
    app_page.wait_idle()
    page.wait_for_timeout(1000)
    _frame(app_page).evaluate("() => { window.__sameMap = 'yes'; }")
    assert _count(app_page, ANCHORS) == 0

    page.locator("[data-testid='stCheckbox'] label").filter(has_text="District anchors").click()
    page.wait_for_function(
        """([sel, stroke]) => {
            const doc = document.querySelector(sel).contentDocument;
            return doc && doc.querySelectorAll(`path[stroke='${stroke}']`).length > 0;
        }""",
        arg=[FRAME, ANCHORS],
        timeout=30_000,
    )
    app_page.wait_idle()
    assert _frame(app_page).evaluate("() => window.__sameMap") == "yes"  # not reloaded
    legend = app_page.map_frame().locator(".cmgis-legend").text_content() or ""
    assert "District anchors" in legend  # the legend came with the layers
    assert app_page.map_frame().locator(".cmgis-legend").count() == 1  # the old one left

    box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Indicator", exact=True))
    box.first.click()
    page.get_by_role("option").nth(2).click()
    page.wait_for_function(
        """([sel, stroke]) => {
            const doc = document.querySelector(sel).contentDocument;
            return doc && doc.querySelectorAll(`path[stroke='${stroke}']`).length >= 5;
        }""",
        arg=[FRAME, CHOROPLETH_STROKE],
        timeout=30_000,
    )
    app_page.wait_idle()
    assert _frame(app_page).evaluate("() => window.__sameMap") == "yes"
    assert page.locator(FRAME).count() == 1
    assert _count(app_page, ANCHORS) >= 1  # the toggled layer is still on

    # a click on a zone still selects it (the handlers reach the swapped layers)
    zones = app_page.map_frame().locator("path.leaflet-interactive[stroke='#6a3d9a']")
    assert zones.count() == 5
    zones.nth(0).click(force=True)
    page.get_by_role("heading", level=3).filter(has_text="Nimman").wait_for(timeout=20_000)
    app_page.screenshot("in-place")
    assert app_page.page_errors == []
    assert app_page.external_requests == []


def test_layer_needing_more_scripts_gets_a_new_frame_that_works(app_page: Any) -> None:
    """Clustered points need marker clustering, which the default map does not load."""
    page = app_page.page
    app_page.open("map?lang=en")
    app_page.map_frame().locator(".cmgis-legend").wait_for(timeout=30_000)
    app_page.wait_idle()
    page.locator("[data-testid='stCheckbox'] label").filter(has_text="Points of interest").click()
    app_page.map_frame().locator(".cmgis-cluster").first.wait_for(timeout=30_000)
    app_page.wait_idle()
    legend = app_page.map_frame().locator(".cmgis-legend").text_content() or ""
    assert "Points of interest" in legend
    assert page.locator(FRAME).count() == 1
    assert app_page.page_errors == []
    assert app_page.failed_requests == []
