"""The workshop in a hall, in real Chromium: the facilitator's QR code decodes to the join
link, and phones (390x844) and tablets (768x1024) with touch go through the whole flow in
Thai — join by the link, consent refused, pan and zoom, draw a point, a line and a
polygon, fill the form, vote and comment — with 44 px touch targets, no sideways
scrolling and the sidebar out of the way. Taps are touch events (``touchscreen.tap`` and
CDP touch drags), never mouse clicks.
"""

from __future__ import annotations

import io
import re
import time
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import AppPage, fill_facilitator_login, open_app_page

PIN = "8642"
CONSENT_EN = "We keep names to send the report; ask us to delete them."
CONSENT_TH = "เราเก็บชื่อเพื่อส่งรายงาน ขอให้ลบได้ทุกเมื่อ"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3}
TABLET = {"viewport": {"width": 768, "height": 1024}, "device_scale_factor": 2}
TOUCH = {"is_mobile": True, "has_touch": True, "locale": "th-TH"}


def _facilitator_link(app_page: AppPage) -> str:
    """Create a workshop asking for names, open the facilitator view; decode its QR code."""
    page = app_page.page
    app_page.open("workshop")
    app_page.wait_idle()
    page.get_by_text("Facilitator: create a workshop").click()
    page.get_by_label("Title", exact=True).fill("Co-sensing ในห้องประชุม")
    page.get_by_label("Facilitator PIN (4 characters or more)").fill(PIN)
    created = page.get_by_text(re.compile(r"Join code: [A-Z0-9]{6}")).first
    app_page.click_until(page.get_by_role("button", name="Create workshop"), created)
    code = re.search(r"Join code: ([A-Z0-9]{6})", created.inner_text()).group(1)  # type: ignore[union-attr]
    page.locator("label").filter(has_text="Facilitator").first.click()
    fill_facilitator_login(page, code, PIN)
    qr = page.locator("[data-testid='stImage'] img").first
    app_page.click_until(page.get_by_role("button", name="Open the facilitator view"), qr)
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))]
    shown = page.locator("[data-testid='stCode']").first.inner_text().strip()
    assert decoded == [shown]
    assert shown.endswith(f"/workshop?code={code}")
    ask = page.get_by_label("Ask participants for", exact=True)
    for _ in range(10):  # a busy page may re-render the expander closed
        if ask.is_visible():
            break
        page.locator("summary").filter(has_text="Anonymity and consent").click()
        page.wait_for_timeout(1_000)
    app_page.choose("Ask participants for", "Their name, with consent")
    page.get_by_label("Consent text (Thai)").fill(CONSENT_TH)
    page.get_by_label("Consent text (English)").fill(CONSENT_EN)
    page.get_by_role("button", name="Save", exact=True).click()
    app_page.wait_idle()
    page.get_by_text("Done.").first.wait_for(timeout=30_000)
    # the phones reach the test server at its own address (the QR's host is localhost too)
    return f"{app_page.base_url}/workshop?code={code}&lang=th"


def _check_layout(page: Any, width: int) -> None:
    """No sideways scrolling, the sidebar out of the way, touch targets of 44 px or more."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"page is {scroll} px wide on a {width} px screen"
    sidebar = page.locator("[data-testid='stSidebar']")
    if sidebar.count():
        box = sidebar.bounding_box()
        assert (
            box is None
            or box["x"] + box["width"] <= 1
            or sidebar.get_attribute("aria-expanded") == "false"
        )
    small = page.evaluate(
        """() => Array.from(document.querySelectorAll(
              '[data-testid=stMain] button, [data-testid=stMain] input[type=text],'
              + '[data-testid=stMain] textarea'))
            .filter(e => e.offsetParent !== null)
            .map(e => [e.innerText || e.getAttribute('aria-label') || e.tagName,
                       e.getBoundingClientRect().height])
            .filter(([, h]) => h < 44)"""
    )
    assert small == [], f"touch targets under 44 px: {small}"


def _map_state(page: Any) -> list[float]:
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    return frame.evaluate(
        """() => { const m = Object.values(window).find(v => v && v.getZoom && v.getCenter);
                   return [m.getZoom(), m.getCenter().lat, m.getCenter().lng]; }"""
    )


def _touch_drag(app: AppPage, x: float, y: float, dx: float, dy: float) -> None:
    cdp = app.page.context.new_cdp_session(app.page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for i in range(1, 11):
        point = {"x": x + dx * i / 10, "y": y + dy * i / 10}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
        time.sleep(0.03)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def _draw(app: AppPage, kind: str, offsets: list[tuple[int, int]], title: str) -> None:
    page = app.page
    frame = app.map_frame()
    tool = frame.locator(f".leaflet-draw-draw-{kind}")
    tool.wait_for(timeout=30_000)
    box = tool.bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44
    same_map = next(f for f in page.frames if "streamlit_folium" in f.url)
    same_map.evaluate("() => { window.cmgisSameMap = true; }")
    for _ in range(3):  # a tap given while the page is busy with a run can be lost
        app.tap(tool)
        page.wait_for_timeout(500)
        if frame.locator(".leaflet-draw-toolbar-button-enabled").count():
            break
    assert frame.locator(f".leaflet-draw-draw-{kind}.leaflet-draw-toolbar-button-enabled").count()
    area = frame.locator(".leaflet-container").bounding_box()
    assert area is not None
    cx, cy = area["x"] + area["width"] / 2, area["y"] + area["height"] / 2
    points = [(cx + dx, cy + dy) for dx, dy in offsets]
    if kind == "marker":
        page.touchscreen.tap(*points[0])
    else:
        app.place_vertices(points, touch=True)
    if kind != "marker":  # Leaflet.draw's own actions and guide speak Thai too
        actions = frame.locator(".leaflet-draw-actions a:visible").all_inner_texts()
        assert "ยกเลิก" in actions and "ลบจุดล่าสุด" in actions, actions
        assert not {"Finish", "Cancel", "Delete last point"} & set(actions), actions
        guide = frame.locator(".leaflet-draw-tooltip").first.inner_text()
        assert "แตะ" in guide and "Click" not in guide, guide
    if kind == "polyline":
        app.tap(frame.locator(".leaflet-draw-actions a").filter(has_text="เสร็จ"))
    elif kind == "polygon":
        page.touchscreen.tap(cx + offsets[0][0], cy + offsets[0][1])  # close on the first
    app.wait_idle()
    shape = {"marker": "จุด", "polyline": "เส้น", "polygon": "รูปหลายเหลี่ยม"}[kind]
    page.get_by_text(f"อธิบาย{shape}ที่คุณวาด").wait_for(timeout=30_000)
    page.get_by_label("หัวข้อ").first.fill(title)
    app.click_until(page.get_by_role("button", name="บันทึกรูปที่วาด"),
                    page.get_by_text(f"บันทึกแล้ว: {title}").first, touch=True)  # fmt: skip
    # the same map, not a new one: the drawn shape is taken off, the contribution shows
    same_map.wait_for_function("() => window.drawnItems.getLayers().length === 0",
                               timeout=30_000)  # fmt: skip
    assert same_map.evaluate("() => window.cmgisSameMap") is True
    page.wait_for_timeout(1000)


@pytest.mark.parametrize("device", ["phone", "tablet"])
def test_participant_flow_on_a_touch_device_in_thai(
    app_page: AppPage, browser: Any, device: str
) -> None:
    link = _facilitator_link(app_page)
    size = PHONE if device == "phone" else TABLET
    width = size["viewport"]["width"]  # type: ignore[index]
    with open_app_page(
        browser, app_page.base_url, f"{app_page.name}-touch", **size, **TOUCH
    ) as app:
        page = app.page
        page.goto(link)
        page.wait_for_selector("[data-testid='stApp']", timeout=30_000)
        app.wait_idle()
        # the link filled the code: the participant types only a group name
        code_box = page.get_by_label("รหัสเข้าร่วม")
        expect(code_box).to_have_value(link.split("code=")[1].split("&")[0], timeout=30_000)
        _check_layout(page, width)
        page.get_by_label("ชื่อกลุ่ม").fill(f"โต๊ะ {device}")
        # every tap is given again when its effect does not show, as a person would
        app.click_until(page.get_by_role("button", name="เข้าร่วม"),
                        page.get_by_text(CONSENT_TH).first, touch=True)  # fmt: skip

        # consent asked: refusing still lets the group take part
        app.screenshot("consent")
        app.click_until(page.get_by_role("button", name="ร่วมกิจกรรมโดยไม่ให้ข้อมูล"),
                        page.get_by_text("ไม่มีการเก็บข้อมูลส่วนบุคคล").first, touch=True)  # fmt: skip

        # landed on the map: pan and zoom with fingers
        app.map_frame().locator(".leaflet-control-zoom-in").wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        zoom0, lat0, lon0 = _map_state(page)
        for _ in range(3):
            app.tap(app.map_frame().locator(".leaflet-control-zoom-in"))
            page.wait_for_timeout(800)
            if _map_state(page)[0] != zoom0:
                break
        assert _map_state(page)[0] == zoom0 + 1
        area = app.map_frame().locator(".leaflet-container").bounding_box()
        assert area is not None
        _touch_drag(app, area["x"] + area["width"] / 2, area["y"] + area["height"] / 2, -80, -50)
        page.wait_for_timeout(800)
        _, lat1, lon1 = _map_state(page)
        assert (lat1, lon1) != (lat0, lon0)
        _check_layout(page, width)
        # the folded legend covers none of the map's controls (tools, zoom, measure)
        covered = (
            app.map_frame()
            .locator("body")
            .evaluate(
                """() => {
                const legend = document.querySelector(".cmgis-legend-control");
                if (!legend) { return ["no legend"]; }
                const a = legend.getBoundingClientRect();
                return [...document.querySelectorAll(".leaflet-control")]
                    .filter(c => c !== legend && !c.contains(legend))
                    .filter(c => { const b = c.getBoundingClientRect();
                        return b.width && a.left < b.right && b.left < a.right
                            && a.top < b.bottom && b.top < a.bottom; })
                    .map(c => c.className); }"""
            )
        )
        assert covered == [], covered
        app.screenshot("map")

        _draw(app, "marker", [(0, 40)], "จุดนัดพบ")
        # a second point tapped onto the first (Leaflet puts it on the very same spot)
        _draw(app, "marker", [(0, 40)], "จุดนัดพบซ้ำ")
        _draw(app, "polyline", [(-60, -60), (40, -20), (60, 60)], "ทางเดิน")
        _draw(app, "polygon", [(-80, 60), (0, -80), (80, 60)], "ย่านตลาด")
        _check_layout(page, width)
        app.map_frame().locator(".leaflet-container").evaluate(
            "e => e.scrollIntoView({block: 'center'})"
        )
        app.screenshot("drawn")  # the four saved shapes on the map that stayed

        # the board: vote and comment; the thread stays open and shows the comment
        vote = page.get_by_role("button", name="+1 ●").first
        app.click_until(page.locator("label").filter(has_text="กระดาน").first, vote, touch=True)
        app.click_until(vote, page.get_by_text("โหวตแล้ว").first, touch=True)
        thread_box = page.locator("[data-testid='stExpander']").filter(has_text="ความคิดเห็น (0)")
        card = (
            page.locator("[data-testid='stExpander']")
            .filter(has=page.get_by_label("ความคิดเห็นของคุณ").locator("visible=true"))
            .first
        )
        app.click_until(thread_box.first.get_by_text("ความคิดเห็น (0)"), card, touch=True)
        card.get_by_label("ความคิดเห็นของคุณ").fill("เห็นด้วย ควรมีทางเท้า")
        page.wait_for_timeout(300)
        thread = page.get_by_text("เห็นด้วย ควรมีทางเท้า")
        app.click_until(card.get_by_role("button", name="ส่ง", exact=True), thread.first,
                        touch=True)  # fmt: skip
        assert thread.first.is_visible()
        _check_layout(page, width)
        app.screenshot("board")

        assert app.external_requests == []
        assert app.page_errors == []


def test_projector_view_refreshes_without_flicker_and_shows_one_point(app_page: AppPage) -> None:
    page = app_page.page
    link = _facilitator_link(app_page)
    code = link.split("code=")[1].split("&")[0]
    # a group on the same laptop draws one point with the mouse
    page.locator("label").filter(has_text="Join").first.click()
    page.get_by_role("button", name="Join", exact=True).wait_for(timeout=30_000)
    app_page.wait_idle()
    page.wait_for_timeout(500)
    page.get_by_role("textbox", name="Join code").fill(code)
    page.get_by_role("textbox", name="Group name").fill("Table 1")
    page.get_by_role("button", name="Join", exact=True).click()
    app_page.wait_idle()
    page.get_by_role("button", name="Take part without giving details").click()
    app_page.wait_idle()
    frame = app_page.map_frame()
    frame.locator(".leaflet-draw-draw-marker").click()
    box = frame.locator(".leaflet-container").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.get_by_text("Describe the point you drew.").wait_for(timeout=30_000)
    app_page.wait_idle()
    page.get_by_label("Title", exact=True).first.fill("Market")
    page.get_by_role("button", name="Save shape").click()
    page.get_by_text("Saved: Market").first.wait_for(timeout=30_000)

    # the projector: one point, visible, no heat blur over it, the layer control folded
    page.locator("label").filter(has_text="Projector").first.click()
    app_page.wait_idle()
    page.locator("[data-testid='stSidebar']").wait_for(state="hidden", timeout=30_000)
    live = app_page.map_frame()
    marker = live.locator("path.leaflet-interactive[stroke-width='5']")  # the newest, larger
    marker.first.wait_for(timeout=30_000)
    assert marker.count() == 1 and marker.first.is_visible()
    assert live.locator(".leaflet-heatmap-layer").count() == 0
    assert live.locator(".leaflet-control-layers-expanded").count() == 0
    live_frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    live_frame.evaluate("() => { window.__kept = 1; }")
    page.wait_for_timeout(12_000)  # two refreshes (every 5 s)
    kept = next(f for f in page.frames if "streamlit_folium" in f.url)
    assert kept.evaluate("() => window.__kept") == 1  # the map was not reloaded: no flicker
    app_page.screenshot("projector")
    assert app_page.page_errors == []
    assert [e for e in app_page.console_errors if "404" not in e] == []
    assert app_page.external_requests == []
