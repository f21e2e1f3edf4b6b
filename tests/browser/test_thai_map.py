"""The Map page in Thai, in Chromium: the measure control and the credits read in Thai."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_measure_control_and_credits_in_thai(app_page: Any) -> None:
    app_page.open("map?lang=th")
    frame = app_page.map_frame()
    frame.locator(".cmgis-legend").wait_for(timeout=30_000)
    app_page.wait_idle()
    frame = app_page.map_frame()
    control = frame.locator(".leaflet-control-measure")
    control.get_by_text("วัดระยะ").first.wait_for(timeout=10_000)
    control.hover()
    frame.locator(".leaflet-control-measure .js-start").click()
    control.get_by_text("คลิกบนแผนที่เพื่อเพิ่มจุดที่ต้องการวัด").wait_for(timeout=10_000)
    assert "Measure" not in control.inner_text()
    frame.locator(".leaflet-control-measure .js-cancel").click()
    app_page.page.mouse.move(0, 0)
    attribution = frame.locator(".leaflet-control-attribution").inner_text()
    assert "ผู้ร่วมให้ข้อมูล OpenStreetMap" in attribution
    assert "กรมแผนที่ทหาร" in attribution
    assert "Administrative boundaries" not in attribution
    assert app_page.page_errors == []
