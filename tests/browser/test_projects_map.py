"""Real browser: the Projects page draws the projects and the strategy filter changes the map."""

from __future__ import annotations

import re
import time
from typing import Any

PROJECTS = ".cmgis-project"


def _classes(app_page: Any) -> list[str]:
    frame = app_page.map_frame()
    frame.locator(PROJECTS).first.wait_for(state="attached", timeout=30_000)
    return [
        str(c)
        for c in frame.locator(PROJECTS).evaluate_all(
            "els => els.map(e => e.getAttribute('class'))"
        )
    ]


def _wait_for(predicate: Any, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError("condition not met in time")


def _record_page_errors(app_page: Any) -> list[str]:
    errors: list[str] = []
    app_page.page.on("pageerror", lambda err: errors.append(str(err)))
    return errors


def test_strategy_filter_changes_the_map(app_page: Any) -> None:
    errors = _record_page_errors(app_page)
    app_page.open("projects")
    app_page.wait_idle()
    before = _classes(app_page)
    strategies = {c.split("cmgis-project-")[1].split()[0] for c in before}
    # the report files its mapped proposals under Default and Driving spaces; its one
    # Drivers proposal with a place (the walking street) does not say which street
    # (other browser tests of this session may have added projects of any strategy)
    assert {"default", "driving-spaces"} <= strategies
    app_page.page.wait_for_timeout(800)  # let the map finish fitting its bounds
    app_page.screenshot("all")

    app_page.page.get_by_test_id("stSelectbox").filter(has_text="Strategy").first.click()
    app_page.page.get_by_role("option", name=re.compile(r"^Default \(\d+\)")).click()
    app_page.wait_idle()

    def only_default() -> bool:
        classes = _classes(app_page)
        return bool(classes) and all("cmgis-project-default" in c for c in classes)

    _wait_for(only_default)
    after = _classes(app_page)
    assert 0 < len(after) < len(before)
    # the legend names the 3Ds, and nothing was fetched from outside
    assert app_page.page.locator(".cmgis-projects-legend").inner_text().count("(") == 3
    assert app_page.external_requests == []
    # Streamlit probes <page>/_stcore/health before the root one when opened on a page URL
    assets = [u for u in app_page.failed_requests if "/_stcore/" not in u]
    assert assets == []
    assert errors == []  # a script error would stop the map half-built


def test_a_marker_drawn_on_the_map_reaches_the_add_form(app_page: Any) -> None:
    errors = _record_page_errors(app_page)
    app_page.open("projects")
    app_page.wait_idle()
    frame = app_page.map_frame()
    frame.locator(PROJECTS).first.wait_for(state="attached", timeout=30_000)
    frame.locator(".leaflet-draw-draw-marker").click()
    frame.locator(".leaflet-container").click(position={"x": 300, "y": 250})
    app_page.wait_idle()
    app_page.page.get_by_role("tab", name="Add a project").click()
    caption = app_page.page.get_by_text("A Point is drawn on the map.")
    caption.wait_for(timeout=30_000)
    assert caption.is_visible()
    assert errors == []
