"""The Map page in a real Chromium with no network: assets, zones, click to profile."""

from __future__ import annotations

from typing import Any

ZONE_NAMES_EN = ("Nimman", "Old Town", "Suan Dok", "Mae Kha", "Mae Hia")


def _zone_paths(frame: Any) -> Any:
    # zones are drawn with the zones style colour (#6a3d9a) on Leaflet's SVG/canvas renderer
    return frame.locator("path.leaflet-interactive[stroke='#6a3d9a']")


def test_map_page_offline_zones_and_click_to_profile(app_page: Any) -> None:
    app_page.open("map?lang=en")
    frame = app_page.map_frame()
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    frame.locator(".cmgis-legend").wait_for(timeout=10_000)
    app_page.page.wait_for_timeout(1500)
    app_page.screenshot("loaded")
    assert app_page.external_requests == []
    assert app_page.failed_requests == []
    assert app_page.page_errors == []
    # the credits are in the attribution
    attribution = frame.locator(".leaflet-control-attribution").inner_text()
    assert "OpenStreetMap contributors" in attribution
    assert "Copernicus" in attribution
    assert "Royal Thai Survey Department" in attribution
    # the five zones are drawn
    assert _zone_paths(frame).count() == 5
    # clicking a zone shows its profile under the map
    _zone_paths(frame).nth(1).click(force=True)
    app_page.page.get_by_role("heading", level=3).filter(has_text="Old Town").wait_for(
        timeout=20_000
    )
    app_page.screenshot("clicked")


def test_zones_page_in_thai(app_page: Any) -> None:
    app_page.open("zones?lang=th&zone=suan_dok")
    app_page.page.get_by_role("heading", name="สวนดอก").wait_for(timeout=30_000)
    app_page.wait_idle()
    assert app_page.page.get_by_text("ข้อมูลย่าน").first.is_visible()
    assert app_page.failed_requests == []
    assert app_page.external_requests == []
