"""An imported layer in a real Chromium: uploaded on the Import page, drawn on the Map page
offline with its legend and an attribute popup — a small layer (GeoJSON in the map) and a
big one (vector tiles through protomaps-leaflet)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely

from tests import imports_support as sup

pytestmark = [pytest.mark.browser]


def _upload(app_page: Any, path: Path, title: str) -> None:
    """Import ``path`` through the Import page, as a user does."""
    page = app_page.page
    report = page.get_by_text("Import report")
    try:  # the upload's rerun reads and checks the file: poll for its report
        for _load in range(3):  # a file the page never took: open the page again, as a person
            app_page.open("import?lang=en")
            app_page.wait_idle()
            page.get_by_label("Your name (kept with what you import)").fill("ทีม A")
            page.keyboard.press("Enter")
            app_page.wait_idle()
            page.wait_for_timeout(1_000)
            dropzone = page.locator("[data-testid='stFileUploaderDropzoneInput']").first
            dropzone.set_input_files(str(path))
            for _second in range(60):
                if report.count() and report.first.is_visible():
                    break
                page.wait_for_timeout(1000)
            if report.count() and report.first.is_visible():
                break
        assert report.first.is_visible(), "no import report after 3 page loads"
    finally:
        app_page.screenshot("upload")
    title_box = page.get_by_label("Title", exact=True)
    title_box.fill(title)
    page.get_by_label("Source (agency, dataset)").fill("Test agency 2026")
    # a rerun of a failed test finds its first import stored: replace it, as a person would
    page.get_by_text("Replace a layer with the same title").click()
    page.get_by_role("button", name="Import").click()
    page.get_by_text(f"Imported {title}").wait_for(timeout=240_000)


def _show_on_map(app_page: Any, title: str) -> Any:
    app_page.open("map?lang=en")
    frame = app_page.map_frame()
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    app_page.page.wait_for_timeout(1500)
    app_page.wait_idle()
    picker = app_page.page.locator("[data-testid='stMultiSelect']").filter(
        has_text="Saved and imported layers"
    )
    for _attempt in range(3):
        picker.locator("input").click()
        app_page.page.keyboard.type(title[:10])
        app_page.page.keyboard.press("Enter")
        app_page.wait_idle()
        if picker.get_by_text(title).count():
            break
    app_page.page.keyboard.press("Escape")
    app_page.wait_idle()
    return frame


def test_small_imported_layer_draws_with_legend_and_popup(app_page: Any, tmp_path: Path) -> None:
    pts = sup.points()
    pts["note"] = "<b>not bold</b>"
    path = tmp_path / "offices.geojson"
    pts.to_file(path, driver="GeoJSON")
    _upload(app_page, path, "Offices browser")
    frame = _show_on_map(app_page, "Offices browser")
    markers = frame.locator("path.leaflet-interactive[stroke='#01665e']")
    markers.first.wait_for(timeout=30_000)
    assert markers.count() == 16
    legend = frame.locator(".cmgis-legend").text_content() or ""
    assert "Offices browser" in legend
    markers.first.click(force=True)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    text = popup.inner_text()
    assert "name_th" in text and "<b>not bold</b>" in text  # markup shown literally
    assert "Test agency 2026" in text
    app_page.screenshot("popup")
    assert app_page.external_requests == []
    assert app_page.page_errors == []


def test_big_imported_layer_draws_from_vector_tiles(app_page: Any, tmp_path: Path) -> None:
    n = 6_000  # above TILED_MIN_FEATURES: drawn from PMTiles, not GeoJSON
    side = int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    x0, y0 = 98.975 + (i % side) * 0.0003, 18.78 + (i // side) * 0.0003
    layer = gpd.GeoDataFrame(
        {"parcel_id": i, "owner": ["เทศบาล"] * n},
        geometry=shapely.box(x0, y0, x0 + 0.0002, y0 + 0.0002),
        crs=4326,
    )
    path = tmp_path / "parcels.fgb"
    layer.to_file(path)
    _upload(app_page, path, "Parcels tiled")
    frame = _show_on_map(app_page, "Parcels tiled")
    legend = frame.locator(".cmgis-legend")
    legend.wait_for(timeout=30_000)
    assert "Parcels tiled" in (legend.text_content() or "")
    # the tiles come from the app's static folder, a few at a time
    frame.locator("body").evaluate("() => window.cmgisTiledLayers.length")
    app_page.page.wait_for_timeout(3000)
    painted = frame.locator("body").evaluate(
        """() => Array.from(document.querySelectorAll('.leaflet-tile-container canvas'))
              .filter(c => {
                  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  for (let k = 3; k < d.length; k += 4) { if (d[k] > 0) return true; }
                  return false; }).length"""
    )
    assert painted > 0
    # click on a parcel: its attributes in a popup
    frame.locator(".leaflet-container").evaluate(
        """(el) => { const layer = window.cmgisTiledLayers[0];
                     const map = layer._map;
                     map.setView([18.7801, 98.9751], 16);
                     return true; }"""
    )
    app_page.page.wait_for_timeout(3000)
    box = frame.locator(".leaflet-container").bounding_box()
    frame.locator(".leaflet-container").click(
        position={"x": box["width"] / 2, "y": box["height"] / 2}
    )
    popup = frame.locator(".cmgis-tiled-popup")
    popup.wait_for(timeout=15_000)
    text = popup.inner_text()
    assert "parcel_id" in text and "เทศบาล" in text and "Test agency 2026" in text
    app_page.screenshot("tiled")
    assert app_page.external_requests == []
    assert app_page.page_errors == []
