"""AppTest: a saved candidate layer on the Map, Zones and Export pages; workshop by code."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

from cmgis import workshop as sk
from cmgis.maps.user_layers import user_layer_overlay
from cmgis.store import open_app_store
from cmgis.user_layers import records as ul
from tests.test_user_layers import PARAMS, candidate_fixture
from ui.map_panel import Clicked, clicked_selection

APP = str(Path(__file__).resolve().parents[2] / "app.py")
NAME = "Zones & ย่าน 'A'"  # typed text with HTML-special characters (< > are refused)


@pytest.fixture
def saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    db = tmp_path / "store.sqlite"
    monkeypatch.setenv("CMGIS_DB", str(db))
    with open_app_store(db) as store:
        record = ul.save_candidate_layer(
            store, candidate_fixture(), name=NAME, created_by="me", parameters=PARAMS
        )
        # markup is refused when typed, but a store shared with other (older) instances
        # may hold it: it must still be shown as text
        store.execute("UPDATE user_layers_layers SET created_by = '<i>me</i>'")
    return record


def _app(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = page
    return at.run()


def _map_html(at: AppTest) -> str:
    """The map's HTML/JS as the browser gets it, with JSON's \\uXXXX escapes decoded."""
    el = next(e for e in at.main if type(e).__name__ == "UnknownElement")
    text = str(el.proto.json_args)
    return re.sub(r"\\+u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def test_map_page_shows_a_saved_layer_with_legend_and_popups(saved) -> None:
    at = _app("map")
    assert not at.exception
    picker = at.multiselect(key="_w_map_user")
    assert picker.label == "Saved and imported layers"
    assert any(o.startswith(f"{NAME} (candidate zones, 20") for o in picker.options), picker.options
    picker.set_value([saved.slug]).run()
    assert not at.exception and not at.warning
    page = _map_html(at)
    assert html.escape(NAME) in page  # in the popups and the legend, escaped
    assert NAME not in page
    assert "Mean suitability 81.5 / 100" in page  # the popup
    assert "Saved layers" in page  # the legend section
    assert "&lt;i&gt;me&lt;/i&gt;" in page and "<i>me</i>" not in page


def test_a_click_on_a_candidate_zone_selects_it_and_a_district_click_too(saved) -> None:
    overlay = user_layer_overlay(candidate_fixture(), saved, lang="en")
    features = overlay.element.data["features"]  # as st_folium hands a clicked one back
    assert clicked_selection(features[1]) == Clicked("candidate", "candidate_02", saved.slug)
    assert clicked_selection({"properties": {"zone_id": "nimman"}}) == Clicked("zone", "nimman")
    for junk in (
        None,
        {},
        {"properties": None},
        {"properties": {"zone_id": "atlantis"}},  # not a district
        {"properties": {"user_layer": saved.slug, "user_zone": 3}},  # not text
        {"properties": {"user_layer": "x" * 500, "user_zone": "candidate_01"}},
        {"properties": {"label": "a road"}},
    ):
        assert clicked_selection(junk) is None


def test_map_page_shows_the_clicked_candidate_zone_and_links_its_profile(saved) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "map"
    at.session_state["map_candidate"] = (saved.slug, "candidate_02")
    at.run()
    assert not at.exception and not at.error
    assert any(s.value == "Candidate zone 2" for s in at.subheader)
    assert any(m.value == "2 / 2" for m in at.metric)
    assert any("of the layer Zones \\& ย่าน" in c.value for c in at.caption)  # escaped
    # the Zones page then opens on that zone of that layer
    at.session_state["user_layers.selected"] = (saved.slug, "candidate_02")
    at.switch_page("ui/pages/zones.py").run()
    assert not at.exception
    assert at.selectbox(key="user_layers.zone").value == "candidate_02"
    assert at.selectbox(key="user_layers.zone_layer").value == saved.slug
    # a gone layer selects nothing: the district summary is shown as before
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "map"
    at.session_state["map_candidate"] = ("no_such_layer", "candidate_02")
    at.run()
    assert not at.exception
    assert not any(s.value == "Candidate zone 2" for s in at.subheader)


def test_zones_page_profiles_a_saved_candidate_zone(saved) -> None:
    at = _app("zones")
    assert not at.exception
    assert any(s.value == "Saved candidate zones" for s in at.subheader)
    at.selectbox(key="user_layers.zone").set_value("candidate_02").run()
    assert any(m.value == "2 / 2" for m in at.metric)
    at.button(key="user_layers.compute").click().run()
    assert not at.exception and not at.error
    tables = [df.value for df in at.dataframe]
    ranked = next(t for t in tables if "Rank among the five" in t.columns or "Rank" in t.columns)
    assert len(ranked) > 5
    assert any("among the five districts and the zones of this layer (7 areas)" in c.value
               for c in at.caption)  # fmt: skip
    at.button(key="user_layers.delete").click().run()
    assert not at.exception
    assert any("Deleted the layer" in s.value for s in at.success)
    with open_app_store() as store:
        assert ul.list_user_layers(store) == []


def test_export_page_exports_a_saved_layer_and_a_workshop(saved, tmp_path) -> None:
    with open_app_store() as store:
        ws = sk.create_workshop(store, title="Nimman <b>walk</b>", pin="1357")
        g = sk.join_workshop(store, ws.code, "กลุ่ม A")
        sk.add_contribution(store, g, category="asset", strategy="default", title="ร้าน",
                            geometry=Point(98.967, 18.797))  # fmt: skip
    at = _app("export")
    assert not at.exception
    layers = at.multiselect(key="_w_export_layers")
    assert NAME in layers.options  # the title, shown as plain text
    layers.set_value([saved.layer_id]).run()
    at.text_input(key="_w_export_workshop").set_value("NOPE99").run()
    assert "no workshop has the join code" in at.error[0].value
    at.text_input(key="_w_export_workshop").set_value(ws.code.lower()).run()
    assert not at.error
    # the workshop's title is shown as typed (markdown-escaped), not as bold HTML
    assert any("Nimman \\<b\\>walk" in c.value for c in at.caption)
    at.button(key="_w_export_go").click().run()
    assert not at.exception and not at.error
    (download,) = list(at.get("download_button"))
    # the file name says what is inside: the saved layer, the workshop, the CRS, the date
    label = download.proto.label
    assert "cmgis_" in label and f"_{ws.code.lower()}_EPSG4326_" in label
    assert label.split(" (")[0].endswith(".gpkg")


def test_export_page_workshop_code_is_slowed_down_like_joining(tmp_path, monkeypatch) -> None:
    db = tmp_path / "store.sqlite"
    monkeypatch.setenv("CMGIS_DB", str(db))
    with open_app_store(db) as store:
        ws = sk.create_workshop(store, title="t", pin="1357")
    at = _app("export")
    at.text_input(key="_w_export_workshop").set_value("NOPE99").run()
    assert "no workshop has the join code" in at.error[0].value
    at.run()  # a rerun with the same code in the box does not count it again
    with open_app_store(db) as store:
        assert len(store.query("SELECT * FROM workshop_join_failures")) == 1
        now = datetime.now(UTC).isoformat(timespec="microseconds")
        for _ in range(9):  # as if this session had typed 9 more wrong codes just now
            store.execute(
                "INSERT INTO workshop_join_failures (client, at) VALUES (:c, :at)",
                {"c": at.session_state["workshop.client"], "at": now},
            )
    at.text_input(key="_w_export_workshop").set_value(ws.code).run()
    assert not at.exception
    assert re.search(r"Too many wrong join codes: wait \d+ s", at.error[0].value)
    assert not any("Workshop: t" in c.value for c in at.caption)


def test_export_page_exports_a_preset_surface_in_utm(tmp_path, monkeypatch) -> None:
    """Issue 6: a suitability surface as GeoTIFF in a chosen CRS (200 m: fast)."""
    monkeypatch.setenv("CMGIS_DB", str(tmp_path / "store.sqlite"))
    monkeypatch.setenv("CMGIS_CACHE_DIR", str(tmp_path / "cache"))
    at = _app("export")
    at.selectbox(key="_w_export_format").set_value("tif").run()
    at.multiselect(key="_w_export_layers").set_value([]).run()
    at.multiselect(key="_w_export_suitability").set_value(["digital_it"]).run()
    at.selectbox(key="_w_export_model_res").set_value(200).run()
    at.selectbox(key="_w_export_crs").set_value("EPSG:32647").run()
    at.button(key="_w_export_go").click().run()
    assert not at.exception and not at.error
    (download,) = list(at.get("download_button"))
    assert "cmgis_suitability_digital_it_200_EPSG32647_" in download.proto.label
    assert download.proto.label.split(" (")[0].endswith(".tif")


def test_map_page_names_a_damaged_layer_and_draws_the_others(saved) -> None:
    with open_app_store() as store:
        ul.save_candidate_layer(store, candidate_fixture(), name="Broken one", created_by="x",
                                parameters=PARAMS)  # fmt: skip
        broken = ul.get_user_layer(store, "broken_one")
        store.execute("UPDATE user_layers_features SET geometry = '{x' WHERE layer_id = :i",
                      {"i": broken.id})  # fmt: skip
    at = _app("map")
    at.multiselect(key="_w_map_user").set_value([saved.slug, "broken_one"]).run()
    assert not at.exception
    assert any("broken\\_one could not be read" in w.value for w in at.warning)
    assert "Mean suitability 81.5 / 100" in _map_html(at)  # the good layer is drawn


def test_zones_page_section_in_thai(saved) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "zones"
    at.query_params["lang"] = "th"
    at.run()
    assert not at.exception
    assert any(s.value == "พื้นที่ศักยภาพที่บันทึกไว้" for s in at.subheader)
    zone = at.selectbox(key="user_layers.zone")
    assert zone.options == ["พื้นที่ศักยภาพ 1", "พื้นที่ศักยภาพ 2"]  # Thai names of the zones


def test_deleting_a_layer_names_it_as_text_not_markdown(tmp_path, monkeypatch) -> None:
    db = tmp_path / "store.sqlite"
    monkeypatch.setenv("CMGIS_DB", str(db))
    with open_app_store(db) as store:
        ul.save_candidate_layer(
            store, candidate_fixture(), name="[x](http://e.vil) **b**", created_by="me",
            parameters=PARAMS,
        )  # fmt: skip
    at = _app("zones")
    at.button(key="user_layers.delete").click().run()
    assert not at.exception
    message = next(s.value for s in at.success if "Deleted the layer" in s.value)
    assert "[x](http://e.vil)" not in message and "**b**" not in message
