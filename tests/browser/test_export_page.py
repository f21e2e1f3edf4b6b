"""The Export page in a real Chromium: make a GeoPackage, download it, read it with GDAL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tests.gdal_tools import needs_gdal, ogr_features, ogr_layers


@needs_gdal
def test_download_a_geopackage_in_thai(app_page: Any, tmp_path: Path) -> None:
    app_page.open("export?lang=th")
    page = app_page.page
    page.get_by_role("button", name="สร้างไฟล์").click()
    # the file name says what is inside: layers, CRS and date
    name = f"cmgis_zones_EPSG4326_{dt.date.today().isoformat()}.gpkg"
    download_button = page.get_by_role("button", name=f"ดาวน์โหลด {name}")
    download_button.wait_for(timeout=60_000)
    with page.expect_download(timeout=60_000) as info:
        download_button.click()
    target = tmp_path / "downloaded.gpkg"
    info.value.save_as(target)
    app_page.screenshot("downloaded")
    assert info.value.suggested_filename == name
    assert set(ogr_layers(target)) == {"zones", "cmgis_sources"}
    zones = ogr_features(target, "zones")["features"]
    assert len(zones) == 5
    assert any(f["properties"]["name_th"] for f in zones)
    assert app_page.external_requests == []
    assert app_page.page_errors == []
