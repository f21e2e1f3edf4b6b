"""The offline street basemap and the district labels on every map, in a real Chromium.

Each map must show the streets drawn from the bundled data (SVG paths of class
``cmgis-road``) and the five districts' names in the page's language, with no request
leaving the machine.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

DISTRICTS = {
    "en": ("Nimman", "Old Town", "Suan Dok", "Mae Kha canal", "Mae Hia"),
    "th": ("นิมมานเหมินท์", "เมืองเก่า", "สวนดอก", "คลองแม่ข่า", "แม่เหียะ"),
}


def _wait_basemap(app_page: Any, frame: Any) -> None:
    frame.locator(".leaflet-container").wait_for(timeout=40_000)
    frame.locator("path.cmgis-road").first.wait_for(state="attached", timeout=30_000)
    frame.locator(".cmgis-label-district").first.wait_for(state="attached", timeout=10_000)


def assert_street_basemap(app_page: Any, frame: Any, lang: str) -> None:
    """Roads (main and medium at least), water, and the districts' names in ``lang``."""
    _wait_basemap(app_page, frame)
    roads = frame.locator("path.cmgis-road")
    assert roads.count() >= 2
    # one path per road class holds many lines: its outline is long
    longest = max(len(roads.nth(i).get_attribute("d") or "") for i in range(roads.count()))
    assert longest > 5_000
    assert frame.locator("path.cmgis-water").count() >= 1
    names = frame.locator(".cmgis-label-district").all_inner_texts()
    assert sorted(names) == sorted(DISTRICTS[lang])
    assert app_page.external_requests == []
    assert app_page.failed_requests == []
    assert app_page.page_errors == []


@pytest.mark.parametrize("lang", ["th", "en"])
def test_map_page_street_basemap_labels_and_selected_district(app_page: Any, lang: str) -> None:
    app_page.open(f"map?lang={lang}&zone=old_town")
    frame = app_page.map_frame()
    assert_street_basemap(app_page, frame, lang)
    # the selected district is outlined and its label marked
    assert frame.locator("path.cmgis-selected-zone").count() == 2  # halo and line
    selected = frame.locator(".cmgis-label-selected").all_inner_texts()
    assert selected == [DISTRICTS[lang][1]]
    # landmark names on hover
    frame.locator("path.cmgis-landmark, path.leaflet-interactive[stroke='#252525']").first.wait_for(
        state="attached"
    )
    app_page.screenshot(f"map-{lang}")


def test_map_page_legend_folded_on_a_small_viewport(app_page: Any) -> None:
    app_page.page.set_viewport_size({"width": 900, "height": 700})
    app_page.open("map?lang=en")
    frame = app_page.map_frame()
    _wait_basemap(app_page, frame)
    frame.locator(".cmgis-legend-control[data-fold-checked='1']").wait_for(
        state="attached", timeout=10_000
    )
    legend = frame.locator("details.cmgis-legend")
    assert legend.evaluate("d => d.open") is False
    # one click on its title opens it
    frame.locator(".cmgis-legend-summary").click()
    assert legend.evaluate("d => d.open") is True
    app_page.screenshot("legend-open")


@pytest.mark.parametrize("lang", ["th", "en"])
def test_zones_page_profile_map(app_page: Any, lang: str) -> None:
    app_page.open(f"zones?lang={lang}&zone=suan_dok")
    frame = app_page.map_frame()
    assert_street_basemap(app_page, frame, lang)
    assert frame.locator("path.cmgis-selected-zone").count() == 2
    assert frame.locator(".cmgis-label-selected").all_inner_texts() == [DISTRICTS[lang][2]]
    app_page.screenshot(f"zones-{lang}")
