"""A saved candidate layer on the Map page in a real Chromium: drawn, legend, popup, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cmgis.store import open_app_store
from cmgis.user_layers import records as ul
from tests.test_user_layers import PARAMS, candidate_fixture

pytestmark = [pytest.mark.browser, pytest.mark.own_server]


def _server_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store the session's Streamlit server uses (``conftest.streamlit_url``)."""
    found = sorted(tmp_path_factory.getbasetemp().glob("browser_server_store*/cmgis.sqlite"))
    assert found, "the Streamlit server's store was not found"
    return found[0]


def test_saved_layer_drawn_with_legend_and_popup(
    app_page: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    app_page.open("map?lang=en")  # starts the server, which creates its store
    app_page.map_frame().locator(".leaflet-container").wait_for(timeout=30_000)
    with open_app_store(_server_store(tmp_path_factory)) as store:
        # other browser tests of this session may have saved layers that would take the
        # first colour: this test starts from an empty list
        for other in ul.list_user_layers(store):
            ul.delete_user_layer(store, other.slug)
        ul.save_candidate_layer(store, candidate_fixture(), name="Browser zones & test",
                                created_by="ทีม A", parameters=PARAMS, replace=True)  # fmt: skip
    app_page.open("map?lang=en")
    frame = app_page.map_frame()
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    app_page.page.wait_for_timeout(1500)  # the map reports its view once: a rerun
    app_page.wait_idle()
    picker = app_page.page.locator("[data-testid='stMultiSelect']").filter(
        has_text="Saved and imported layers"
    )
    for _attempt in range(3):  # a rerun in between may drop the typed text: try again
        picker.locator("input").click()
        app_page.page.keyboard.type("Browser zones")  # the list filters by what is typed
        app_page.page.keyboard.press("Enter")
        app_page.wait_idle()
        if picker.get_by_text("Browser zones & test").count():
            break
    app_page.page.keyboard.press("Escape")
    red = frame.locator("path.leaflet-interactive[stroke='#d7191c']")
    red.first.wait_for(timeout=30_000)
    assert red.count() == 2
    legend = frame.locator(".cmgis-legend").text_content() or ""  # folded or open
    assert "Saved layers" in legend and "Browser zones & test" in legend
    red.first.click(force=True)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    text = popup.inner_text()
    assert "Mean suitability" in text and "Browser zones & test" in text
    assert "Saved by ทีม A" in text
    app_page.screenshot("popup")
    # the click also opens the zone's summary under the map, as a district click does
    app_page.page.get_by_role("heading", level=3).filter(has_text="Candidate zone").wait_for(
        timeout=20_000
    )
    assert app_page.page.get_by_text("of the layer Browser zones & test").count() == 1
    app_page.screenshot("clicked")
    assert app_page.external_requests == []
    assert app_page.page_errors == []
