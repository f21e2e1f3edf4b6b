"""Map page states that used to be wrong (issue 12): the relief caption and legend."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_relief_caption_follows_the_elevation_layer(app_page: Any) -> None:
    page = app_page.page
    app_page.open("map?lang=en")
    frame = app_page.map_frame()
    frame.locator(".cmgis-legend").wait_for(timeout=30_000)
    app_page.wait_idle()
    assert page.get_by_text("Basemap on: streets and relief from the bundled data").count() == 1
    page.locator("[data-testid='stCheckbox'] label").filter(has_text="Elevation").first.click()
    app_page.wait_idle()
    gone = "streets from the bundled data (offline; tick Elevation to add the relief)"
    page.get_by_text(gone).first.wait_for(timeout=30_000)
    frame = app_page.map_frame()
    frame.locator(".cmgis-legend").filter(has_text=gone).wait_for(timeout=30_000)
    legend = frame.locator(".cmgis-legend").text_content() or ""  # folded or not
    assert "streets and relief" not in legend
    assert gone in legend
    # the streets stay: the map is never a grey canvas
    assert frame.locator("path.cmgis-road").count() >= 2
