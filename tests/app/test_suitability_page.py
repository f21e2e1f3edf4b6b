"""AppTest of the Suitability page: presets, sliders, AHP, candidates, saving (100 m grid)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "ui" / "pages" / "suitability.py")
K = "suitability."


@pytest.fixture
def page(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("CMGIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CMGIS_DB", str(tmp_path / "store.sqlite"))
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state[K + "resolution_m"] = 100.0  # coarse grid: fast tests
    return at.run()


def slider(at: AppTest, key: str):
    return at.slider(key=K + key)


def candidate_table(at: AppTest):
    tables = [df.value for df in at.dataframe if {"Rank", "อันดับ"} & set(df.value.columns)]
    assert len(tables) == 1
    return tables[0]


def test_page_starts_with_the_first_preset(page):
    assert not page.exception
    assert page.title[0].value.startswith("Candidate zones")
    assert slider(page, "w.dist_health_m").value == 5.0
    assert slider(page, "w.dist_mae_kha_m").value == 0.0
    assert any("98.936–99.032 E" in i.value for i in page.info)
    table = candidate_table(page)
    assert len(table) >= 1
    assert table["Mean score"].is_monotonic_decreasing
    # weighted POI criteria do not cover the whole area, and the page says so
    assert any("No data for these weighted criteria" in w.value for w in page.warning)


def test_choosing_a_preset_sets_the_sliders(page):
    page.selectbox(key=K + "preset").set_value("social_innovation").run()
    assert not page.exception
    assert slider(page, "w.dist_mae_kha_m").value == 5.0
    assert slider(page, "w.inside_city_tambon").value == 3.0
    assert slider(page, "w.dist_health_m").value == 0.0
    overlaps = " ".join(candidate_table(page)["Overlap with named districts"])
    assert "Mae Kha canal" in overlaps


def test_moving_a_slider_recomputes_and_switches_to_custom(page):
    for s in page.slider:
        if s.key.startswith(K + "w."):
            s.set_value(0.0)
    slider(page, "w.elevation_m").set_value(4.0)
    page.run()
    assert not page.exception
    assert page.selectbox(key=K + "preset").value == "custom"
    # elevation covers the whole extent: everything is scored, no data-gap warning
    assert any("Scored on 100%" in c.value for c in page.caption)
    assert not any("No data for these weighted criteria" in w.value for w in page.warning)


def test_all_weights_zero_is_explained(page):
    for s in page.slider:
        if s.key.startswith(K + "w."):
            s.set_value(0.0)
    page.run()
    assert not page.exception
    assert any("at least one weight must be above 0" in w.value for w in page.warning)


def test_ahp_applies_consistent_weights(page):
    page.multiselect(key=K + "ahp_ids").set_value(
        ["dist_health_m", "dist_transit_m", "elevation_m"]
    )
    page.run()
    page.select_slider(key=K + "ahp.dist_health_m.dist_transit_m").set_value("2")
    page.select_slider(key=K + "ahp.dist_health_m.elevation_m").set_value("4")
    page.select_slider(key=K + "ahp.dist_transit_m.elevation_m").set_value("2")
    page.run()
    page.button(key=K + "ahp_compute").click().run()
    assert not page.exception
    assert not page.error
    # consistent 4:2:1 -> sliders 10, 5, 2.5 (rounded to 0.1)
    assert slider(page, "w.dist_health_m").value == 10.0
    assert slider(page, "w.dist_transit_m").value == 5.0
    assert slider(page, "w.elevation_m").value == pytest.approx(2.5)
    assert slider(page, "w.inside_city_tambon").value == 0.0
    assert any("Consistency ratio 0.000" in s.value for s in page.success)


def test_ahp_refuses_inconsistent_judgements(page):
    page.multiselect(key=K + "ahp_ids").set_value(
        ["dist_health_m", "dist_transit_m", "elevation_m"]
    )
    page.run()
    page.select_slider(key=K + "ahp.dist_health_m.dist_transit_m").set_value("9")
    page.select_slider(key=K + "ahp.dist_health_m.elevation_m").set_value("1/9")
    page.select_slider(key=K + "ahp.dist_transit_m.elevation_m").set_value("9")
    page.run()
    before = slider(page, "w.dist_health_m").value
    page.button(key=K + "ahp_compute").click().run()
    assert not page.exception
    assert "consistency ratio" in page.error[0].value
    assert "you said" in page.error[0].value
    assert slider(page, "w.dist_health_m").value == before  # weights left alone


def test_save_candidates_as_layer(page, tmp_path):
    from cmgis.store import open_app_store
    from cmgis.user_layers import records as ul

    page.text_input(key=K + "layer_name").set_value("my zones <script>")
    page.button(key=K + "save").click().run()
    assert not page.exception
    assert r"contains \< \>" in page.error[0].value  # refused in words, nothing saved
    page.text_input(key=K + "layer_name").set_value("My zones")
    page.text_input(key=K + "layer_who").set_value("ทีม A")
    page.button(key=K + "save").click().run()
    assert not page.exception
    assert "user:my_zones" in page.success[0].value
    with open_app_store(tmp_path / "store.sqlite") as store:
        (record,) = ul.list_user_layers(store)
        layer = ul.load_user_layer(store, record.slug)
    assert record.created_by == "ทีม A" and record.parameters["resolution_m"] == 100.0
    assert record.parameters["preset"] == "medical_wellness"
    assert layer.crs.to_epsg() == 4326
    assert layer.geometry.is_valid.all()
    assert layer["zone_id"].iloc[0] == "candidate_01"


def test_surface_and_candidates_in_a_chosen_crs(page):
    page.selectbox(key="user_layers.export_crs").set_value("EPSG:32647")
    page.selectbox(key="user_layers.export_fmt").set_value("shp")
    page.button(key="user_layers.export_go").click().run()
    assert not page.exception and not page.error
    names = [b.proto.label for b in page.get("download_button") if "EPSG:32647" in b.proto.label]
    assert len(names) == 2  # the surface GeoTIFF and the zipped Shapefile


def test_geotiff_download_is_prepared_on_demand(page):
    assert not [b for b in page.get("download_button") if "GeoTIFF" in str(b.proto.label)]
    page.button(key=K + "prepare_tif").click().run()
    assert not page.exception
    tif_buttons = [b for b in page.get("download_button") if "GeoTIFF" in str(b.proto.label)]
    assert len(tif_buttons) == 1


def test_thai_page(tmp_path, monkeypatch):
    monkeypatch.setenv("CMGIS_CACHE_DIR", str(tmp_path / "cache"))
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lang"] = "th"
    at.session_state[K + "resolution_m"] = 100.0
    at.run()
    assert not at.exception
    assert at.title[0].value.startswith("พื้นที่ศักยภาพ")
    assert slider(at, "w.dist_health_m").label == "ระยะทางถึงสถานพยาบาล"
    assert "อันดับ" in candidate_table(at).columns


def test_candidates_compared_with_the_districts(page):
    page.button(key=K + "compare").click().run()
    assert not page.exception
    tables = [df.value for df in page.dataframe if "nimman" in df.value.index]
    assert len(tables) == 1
    table = tables[0]
    assert table.index[0] == "candidate_01"
    assert list(table.index[-5:]) == ["nimman", "old_town", "suan_dok", "mae_kha", "mae_hia"]
    assert "Offices per km²" in table.columns


@pytest.fixture
def downloads(monkeypatch):
    """Record what the page offers for download (the real `st.download_button` still runs)."""
    import streamlit

    offered: dict[str, bytes] = {}
    original = streamlit.download_button

    def recording(label, data, *args, **kwargs):
        offered[kwargs.get("key", label)] = data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    return offered


def test_downloads_carry_the_credits(page, downloads, tmp_path):
    """The GeoTIFF and GeoPackage downloads go through the export path (issue 10)."""
    import pyogrio
    import rasterio

    page.button(key=K + "prepare_tif").click().run()
    assert not page.exception
    tif = tmp_path / "suitability.tif"
    tif.write_bytes(downloads[K + "download_tif"])
    with rasterio.open(tif) as src:
        tags = src.tags()
        assert src.crs.to_epsg() == 32647 and src.nodata is not None
    assert "OpenStreetMap" in tags["TIFFTAG_COPYRIGHT"] and "OpenStreetMap" in tags["CREDIT"]
    assert tags["TITLE"].startswith("Suitability 0-100: Medical")
    gpkg = tmp_path / "candidates.gpkg"
    gpkg.write_bytes(downloads[K + "download_gpkg"])
    names = [name for name, _ in pyogrio.list_layers(gpkg)]
    assert names == ["candidate_zones", "cmgis_sources"]
    assert (
        "OpenStreetMap"
        in pyogrio.read_info(gpkg, layer="cmgis_sources")["dataset_metadata"]["CREDITS"]
    )
    layer_meta = pyogrio.read_info(gpkg, layer="candidate_zones")["layer_metadata"]
    assert "OpenStreetMap" in layer_meta["CREDIT"]
    zones = pyogrio.read_dataframe(gpkg, layer="candidate_zones")
    assert zones.crs.to_epsg() == 4326 and zones["zone_id"].iloc[0] == "candidate_01"
