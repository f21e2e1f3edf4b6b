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


@pytest.mark.parametrize("lang", ["th", "en"])
def test_projects_map_street_basemap(app_page: Any, lang: str) -> None:
    app_page.open(f"projects?lang={lang}")
    assert_street_basemap(app_page, app_page.map_frame(), lang)
    app_page.screenshot(f"projects-{lang}")


@pytest.mark.parametrize("lang", ["th", "en"])
def test_suitability_map_street_basemap(app_page: Any, lang: str) -> None:
    app_page.open(f"suitability?lang={lang}")
    app_page.wait_idle(timeout_ms=120_000)
    assert_street_basemap(app_page, app_page.map_frame(), lang)
    app_page.screenshot(f"suitability-{lang}")


#: The workshop page's texts a test clicks, by language (src/cmgis/locales/workshop.json).
WORKSHOP_TEXT = {
    "en": {
        "nav": "Workshop",
        "create": "Facilitator: create a workshop",
        "title": "Title",
        "pin": "Facilitator PIN (4 characters or more)",
        "create_button": "Create workshop",
        "code": "Join code",
        "group": "Group name",
        "join": "Join",
        "map": "Map and contribute",
        "facilitator": "Facilitator",
        "fac_pin": "Facilitator PIN",
        "open": "Open the facilitator view",
    },
    "th": {
        "nav": "เวิร์กช็อป",
        "create": "ผู้ดำเนินกิจกรรม: สร้างเวิร์กช็อป",
        "title": "ชื่อเวิร์กช็อป",
        "pin": "PIN ผู้ดำเนินกิจกรรม (อย่างน้อย 4 ตัวอักษร)",
        "create_button": "สร้างเวิร์กช็อป",
        "code": "รหัสเข้าร่วม",
        "group": "ชื่อกลุ่ม",
        "join": "เข้าร่วม",
        "map": "แผนที่และเสนอความเห็น",
        "facilitator": "ผู้ดำเนินกิจกรรม",
        "fac_pin": "PIN ผู้ดำเนินกิจกรรม",
        "open": "เปิดมุมมองผู้ดำเนินกิจกรรม",
    },
}


@pytest.mark.parametrize("lang", ["th", "en"])
def test_workshop_drawing_map_and_live_view_street_basemap(app_page: Any, lang: str) -> None:
    import re

    text = WORKSHOP_TEXT[lang]
    page = app_page.page
    app_page.open(f"?lang={lang}")
    app_page.wait_idle()
    page.locator("[data-testid='stSidebarNav'] a", has_text=text["nav"]).click()
    page.get_by_text(text["create"]).wait_for(timeout=30_000)
    page.get_by_text(text["create"]).click()
    page.get_by_label(text["title"], exact=True).fill("Basemap test")
    page.get_by_label(text["pin"]).fill("8642")
    created = page.get_by_text(re.compile(r"[A-Z0-9]{6}")).first
    app_page.click_until(page.get_by_role("button", name=text["create_button"]), created)
    code = re.search(r"\b([A-Z0-9]{6})\b", created.inner_text()).group(1)  # type: ignore[union-attr]
    page.get_by_label(text["code"]).first.fill(code)
    page.get_by_label(text["group"]).fill("G1")
    # a click given to a page still busy with a run can be lost: click again, as a person
    joined = page.locator("iframe[title*='streamlit_folium']").first  # straight to the map
    app_page.click_until(page.get_by_role("button", name=text["join"], exact=True), joined)
    page.locator("label").filter(has_text=text["map"]).first.click()
    app_page.wait_idle()
    assert_street_basemap(app_page, app_page.map_frame(), lang)
    app_page.screenshot(f"workshop-{lang}")
    page.locator("label").filter(has_text=text["facilitator"]).first.click()
    app_page.wait_idle()
    page.get_by_label(text["code"]).fill(code)
    page.get_by_label(text["fac_pin"], exact=True).fill("8642")
    facilitating = page.locator("[data-testid='stMetric']").first
    app_page.click_until(page.get_by_role("button", name=text["open"]), facilitating)
    assert_street_basemap(app_page, app_page.map_frame(), lang)
    app_page.screenshot(f"live-{lang}")


def test_landmark_name_shows_on_hover(app_page: Any) -> None:
    app_page.open("zones?lang=th&zone=old_town")
    frame = app_page.map_frame()
    _wait_basemap(app_page, frame)
    marks = frame.locator("path.cmgis-landmark")
    assert marks.count() >= 1
    marks.first.dispatch_event("mouseover")
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.first.wait_for(timeout=10_000)
    assert tooltip.first.inner_text().strip()


@pytest.mark.parametrize(("zone", "folded"), [("mae_hia", True), ("nimman", False)])
def test_legend_never_covers_the_selected_district(app_page: Any, zone: str, folded: bool) -> None:
    # a large screen: the legend is small beside the map and starts open, unless it would
    # cover the selected district (this view puts Mae Hia in the lower left, under it)
    app_page.page.set_viewport_size({"width": 2200, "height": 1300})
    app_page.open(f"map?lang=en&zone={zone}&layers=zones&view=18.778,98.974,14")
    frame = app_page.map_frame()
    _wait_basemap(app_page, frame)
    frame.locator(".cmgis-legend-control[data-fold-checked='1']").wait_for(
        state="attached", timeout=10_000
    )
    is_open = frame.locator("details.cmgis-legend").evaluate("d => d.open")
    assert is_open is (not folded)
    app_page.screenshot(f"legend-{zone}")


def test_click_on_a_district_outlines_it(app_page: Any) -> None:
    app_page.open("map?lang=en")
    frame = app_page.map_frame()
    _wait_basemap(app_page, frame)
    assert frame.locator("path.cmgis-selected-zone").count() == 0
    zones = frame.locator("path.leaflet-interactive[stroke='#6a3d9a']")
    zones.nth(1).click(force=True)  # Old Town
    app_page.page.wait_for_url("**zone=old_town**", timeout=20_000)
    frame = app_page.map_frame()
    frame.locator("path.cmgis-selected-zone").first.wait_for(state="attached", timeout=30_000)
    assert frame.locator(".cmgis-label-selected").all_inner_texts() == ["Old Town"]
    assert app_page.page_errors == []
