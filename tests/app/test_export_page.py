"""AppTest: the Export page makes files and printed maps, and shows errors in words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _export_page(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "export"
    at.query_params["lang"] = lang
    return at.run()


def _downloads(at: AppTest) -> list[object]:
    return list(at.get("download_button"))


def test_export_page_makes_a_shapefile_in_indian_1975() -> None:
    at = _export_page()
    assert not at.exception
    assert at.title[0].value == "Export and print"
    at.selectbox(key="_w_export_format").set_value("shp").run()
    at.multiselect(key="_w_export_layers").set_value(["zones", "old_city_gates"]).run()
    at.selectbox(key="_w_export_crs").set_value("EPSG:24047").run()
    assert not _downloads(at)
    at.button(key="_w_export_go").click().run()
    assert not at.exception
    assert not at.error
    downloads = _downloads(at)
    assert len(downloads) == 1
    today = dt.date.today().isoformat()
    # the name says what is inside: layers, CRS, date
    assert f"cmgis_zones_old_city_gates_EPSG24047_{today}.zip" in downloads[0].proto.label
    # changing the request withdraws the stale file
    at.selectbox(key="_w_export_crs").set_value("EPSG:32647").run()
    assert not _downloads(at)


def test_lonlat_only_format_hides_the_crs_choice() -> None:
    at = _export_page("th")
    at.selectbox(key="_w_export_format").set_value("kmz").run()
    assert not at.exception
    assert "EPSG:4326" in at.info[0].value
    assert not [s for s in at.selectbox if s.key == "_w_export_crs"]


def test_empty_selection_is_an_error_message() -> None:
    at = _export_page()
    at.multiselect(key="_w_export_layers").set_value([]).run()
    at.button(key="_w_export_go").click().run()
    assert not at.exception
    assert "no layers chosen" in at.error[0].value
    assert not _downloads(at)


def test_print_tab_makes_a_pdf_with_preview() -> None:
    at = _export_page("th")
    at.multiselect(key="_w_export_print_layers").set_value(["zones", "mae_kha_canal"]).run()
    at.text_input(key="_w_export_print_title").input("ย่านนวัตกรรม <script>x</script>").run()
    at.button(key="_w_export_print_go").click().run()
    assert not at.exception
    assert not at.error
    downloads = _downloads(at)
    assert len(downloads) == 1
    today = dt.date.today().isoformat()
    assert downloads[0].proto.label.startswith(
        f"ดาวน์โหลด cmgis_map_zones_mae_kha_canal_{today}.pdf"
    )
    assert len(at.get("image")) == 1


def test_thai_page_has_no_english_widget_placeholders() -> None:
    at = _export_page("th")
    assert not at.exception
    placeholders = [m.proto.placeholder for m in at.multiselect]
    assert placeholders and all(p == "เลือก…" for p in placeholders), placeholders


def test_print_offers_the_map_page_view_with_its_indicator() -> None:
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["page"] = "export"
    at.query_params["lang"] = "th"
    # the Map page's view: layers and indicator in the URL, classes and its map in the session
    at.query_params["layers"] = "zones,mae_kha_canal"
    at.query_params["indicator"] = "tambons:intersection_density_per_km2"
    at.session_state["map_build_view"] = (18.78, 98.96, 13)
    at.session_state["map_scheme"] = "natural_breaks"
    at.session_state["map_k"] = 4
    at.run()
    assert not at.exception
    assert at.toggle(key="_w_export_print_use_view").value is True
    assert at.multiselect(key="_w_export_print_layers").value == ["zones", "mae_kha_canal"]
    assert any("จุดแบ่งธรรมชาติ 4 ชั้น" in c.value for c in at.caption)
    at.button(key="_w_export_print_go").click().run()
    assert not at.exception and not at.error
    downloads = _downloads(at)
    today = dt.date.today().isoformat()
    name = f"cmgis_map_intersection_density_per_km2_{today}.pdf"
    assert name in downloads[0].proto.label


def test_print_before_the_map_page_was_seen_uses_the_chosen_layers() -> None:
    at = _export_page()
    assert at.toggle(key="_w_export_print_use_view").value is False
    assert at.multiselect(key="_w_export_print_layers").value == [
        "tambons",
        "zones",
        "mae_kha_canal",
        "old_city_moat",
    ]
