"""A group draws a polygon, fills the form; it shows on the board and the facilitator's map.

Runs against the real app in headless Chromium with no network. Titles, comments and the
group name carry script, HTML and Jinja payloads: they must show literally and never run,
in the browser or on the server.
"""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import fill_facilitator_login

TITLE = (  # HTML, a template literal, and Jinja (branca compiled rendered map text again)
    '<script>window.__xss="title"</script><img src=x onerror="window.__xss=1">`${1+1}`'
    " {{ 987654321 + 111111111 }}"
)
GROUP = "<b>กลุ่ม</b><img src=x onerror=window.__xss=2>"
COMMENT = "ตลาด <i>night</i> market ![t](http://example.com/t.png)"
PIN = "8642"


def _click_label(page: Any, text: str) -> None:
    page.locator("label").filter(has_text=text).first.click()


def _xss_flag(target: Any) -> Any:
    return target.evaluate("() => window.__xss === undefined ? null : window.__xss")


def test_group_draws_polygon_and_it_reaches_board_and_live_map(app_page: Any) -> None:
    page = app_page.page
    app_page.open()  # from the root: opened at /workshop, Streamlit first probes /workshop/_stcore
    app_page.wait_idle()
    page.locator("[data-testid='stSidebarNav'] a", has_text="Workshop").click()
    page.get_by_text("Facilitator: create a workshop").wait_for(timeout=30_000)

    # facilitator creates the workshop in the app
    page.get_by_text("Facilitator: create a workshop").click()
    page.get_by_label("Title", exact=True).fill("Co-sensing ทดสอบ")
    page.get_by_label("Facilitator PIN (4 characters or more)").fill(PIN)
    created = page.get_by_text(re.compile(r"Join code: [A-Z0-9]{6}")).first
    app_page.click_until(page.get_by_role("button", name="Create workshop"), created)
    success = created.inner_text()
    code = re.search(r"Join code: ([A-Z0-9]{6})", success).group(1)  # type: ignore[union-attr]

    # a group joins with an HTML payload as its name
    page.get_by_label("Join code").first.fill(code)
    page.get_by_label("Group name").fill(GROUP)
    page.get_by_role("button", name="Join").click()
    app_page.wait_idle()
    page.get_by_text(f"Joined as {GROUP}.").wait_for(timeout=30_000)

    # draw a polygon on the map
    _click_label(page, "Map and contribute")
    app_page.wait_idle()
    frame = app_page.map_frame()
    frame.locator(".leaflet-draw-draw-polygon").click()
    box = frame.locator(".leaflet-container").bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(cx - 80, cy - 60), (cx + 80, cy - 60), (cx + 60, cy + 60)]
    app_page.place_vertices(corners)
    assert frame.locator(".leaflet-marker-icon.leaflet-editing-icon").count() == 3
    frame.locator(".leaflet-draw-actions a", has_text="Finish").click()
    page.get_by_text("Describe the polygon you drew.").wait_for(timeout=30_000)
    app_page.wait_idle()

    # the form after the shape
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Comment").fill(COMMENT)
    page.get_by_role("button", name="Save shape").click()
    app_page.wait_idle()
    page.get_by_text("Saved:").first.wait_for(timeout=30_000)

    # the board shows it, literally
    _click_label(page, "Board")
    app_page.wait_idle()
    card_title = page.get_by_text(TITLE, exact=True)
    card_title.wait_for(timeout=30_000)
    assert card_title.is_visible()
    page.get_by_text("ตลาด <i>night</i> market ![t](").first.wait_for(timeout=10_000)
    assert page.locator("a[href*='example.com']").count() == 0  # no link made from it
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("img[src='http://example.com/t.png']").count() == 0
    app_page.screenshot("board")

    # the facilitator's live map shows the polygon with the payload as plain text
    _click_label(page, "Facilitator")
    fill_facilitator_login(page, code, PIN)
    facilitating = page.locator("[data-testid='stMetric']").first
    app_page.click_until(page.get_by_role("button", name="Open the facilitator view"), facilitating)
    live = app_page.map_frame()
    polygon = live.locator(".leaflet-overlay-pane path[stroke='#1b9e77']").first  # an asset
    polygon.wait_for(timeout=30_000)
    polygon.dispatch_event("click")
    popup = live.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    popup_text = popup.inner_text()
    assert TITLE in popup_text
    assert GROUP in popup_text
    # the words all popups share travel once and are put together in the browser
    assert "Asset · 1 Default: structures, systems and mechanisms" in popup_text
    assert f"Group: {GROUP}" in popup_text
    assert re.search(r"\nVotes: \d+$", popup_text), popup_text
    assert live.locator(".leaflet-popup-content img").count() == 0
    app_page.screenshot("live")

    # nothing executed anywhere, nothing left the machine
    assert _xss_flag(page) is None
    for f in page.frames:
        assert _xss_flag(f) is None, f.url
    assert app_page.external_requests == []
    # a map iframe replaced by the next view before it finished loading is aborted, not failed
    failed = [r for r in app_page.failed_requests if "net::ERR_ABORTED" not in r]
    assert failed == []
