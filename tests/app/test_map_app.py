"""AppTest: the Map, Zones and About pages, language switch, legend, URL round trip."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

from cmgis import workshop as sk
from cmgis.store import open_app_store

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(autouse=True)
def _throwaway_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Zone profiles list the projects from the store: use a temporary one."""
    monkeypatch.setenv("CMGIS_DB", str(tmp_path / "store.sqlite"))


def _app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _map_html(at: AppTest) -> str:
    """The map HTML handed to streamlit-folium (AppTest does not run the component)."""
    el = next(e for e in at.main if type(e).__name__ == "UnknownElement")
    return str(el.proto.json_args)


@pytest.mark.parametrize("page", ["map", "zones", "about", "home"])
def test_each_page_renders_without_exception(page: str) -> None:
    at = _app(page=page).run()
    assert not at.exception
    assert not at.error
    assert at.title


def _tables(at: AppTest) -> list[pd.DataFrame]:
    """Every table on the page: dataframes, and static tables (their index as a column)."""
    return [df.value for df in at.dataframe] + [tb.value.reset_index() for tb in at.table]


def test_choosing_a_zone_updates_its_profile() -> None:
    at = _app(page="zones", zone="nimman").run()
    assert at.header[0].value == "Nimman"
    at.selectbox(key="_w_zone").set_value("suan_dok").run()
    assert not at.exception
    assert at.header[0].value == "Suan Dok"
    tables = _tables(at)
    indicator_table = next(t for t in tables if "Rank among the five" in t.columns)
    hospitals = indicator_table[indicator_table["Indicator"] == "Hospitals"].iloc[0]
    assert hospitals["Value"] == "2"
    # data gaps are shown as "no data", never as zero
    speed = indicator_table[indicator_table["Indicator"] == "Internet speed (Mbit/s)"].iloc[0]
    assert speed["Value"] == "no data"
    assert at.query_params["zone"] == "suan_dok"
    # the plan's projects placed in the zone are listed in its profile
    assert any(sub.value == "Projects touching this zone" for sub in at.subheader)


def test_switching_language_changes_labels() -> None:
    at = _app(page="zones", zone="old_town").run()
    assert at.title[0].value == "Zone profiles"
    assert at.header[0].value == "Old Town"
    at.sidebar.radio[0].set_value("th").run()
    assert not at.exception
    assert at.title[0].value == "ข้อมูลย่าน"
    assert at.header[0].value == "เมืองเก่า"
    assert at.query_params["lang"] == "th"
    # definitions and data gaps in the profile are in Thai too
    table = next(df for df in _tables(at) if "นิยาม" in df.columns)
    assert "พื้นที่ของรูปหลายเหลี่ยมใน EPSG:32647 / 1e6" in set(table["นิยาม"])
    assert not any("covered area" in str(v) or "bundled data" in str(v) for v in table["นิยาม"])


def test_choosing_an_indicator_changes_the_legend() -> None:
    at = _app(page="map").run()
    before = _map_html(at)
    assert "Offices per km" not in before
    at.selectbox(key="_w_map_indicator").set_value("office_density_per_km2").run()
    assert not at.exception
    after = _map_html(at)
    assert "Offices per km" in after
    assert "quantiles" in after
    at.selectbox(key="_w_map_scheme").set_value("equal_interval").run()
    assert "equal interval" in _map_html(at)
    assert at.query_params["indicator"] == "zones:office_density_per_km2"


def test_query_params_round_trip() -> None:
    params = {
        "page": "map",
        "lang": "th",
        "zone": "mae_kha",
        "layers": "zones,mae_kha_canal,landmarks",
        "indicator": "tambons:temple_density_per_km2",
        "view": "18.79000,98.99000,14",
    }
    at = _app(**params).run()
    assert not at.exception
    assert dict(at.query_params.items()) == params
    assert at.checkbox(key="_w_layer_mae_kha_canal").value
    assert not at.checkbox(key="_w_layer_tambons").value
    assert at.selectbox(key="_w_map_zone").value == "mae_kha"
    assert at.title[0].value == "แผนที่ย่านนวัตกรรม"
    html = _map_html(at)
    assert "18.79" in html and "98.99" in html


def test_bad_query_params_are_ignored_not_trusted() -> None:
    at = _app(page="map", lang="xx", zone="<script>", layers="zones,nope", view="999,0,13").run()
    assert not at.exception
    assert at.query_params["lang"] == "en"
    assert "zone" not in at.query_params
    assert at.query_params["layers"] == "zones"
    assert at.query_params["view"] != ["999,0,13"]


def test_a_data_gap_indicator_is_drawn_as_no_data() -> None:
    at = _app(page="map", indicator="zones:internet_speed_mbps").run()
    assert not at.exception
    html = _map_html(at)
    assert "Internet speed" in html
    assert "no data" in html
    # no class ranges at all: nothing is coloured as if it had a value
    assert "per km" not in html.split("Internet speed", 1)[1].split("Layers", 1)[0]


def test_a_workshop_s_contributions_show_on_the_map() -> None:
    with open_app_store(os.environ["CMGIS_DB"]) as store:
        ws = sk.create_workshop(store, title="Co-sensing <b>", pin="2468")
        group = sk.join_workshop(store, ws.code, "planners")
        sk.add_contribution(
            store, group, category="problem", strategy="default",
            title="Flooding <script>x</script>", geometry=Point(98.98, 18.79),
        )  # fmt: skip
        sk.set_published(store, ws.code, "2468", published=True)  # visible without the code
    at = _app(page="map").run()
    assert "Workshop contributions" not in _map_html(at)
    at.selectbox(key="_w_map_workshop").set_value(ws.id).run()
    assert not at.exception
    html = _map_html(at)
    assert "Workshop contributions (hand-drawn)" in html  # the legend lists the overlay
    assert "Flooding" in html and "<script>x</script>" not in html


def test_thai_zone_profile_states_the_boundary_status_in_thai() -> None:
    at = _app(page="zones", zone="nimman", lang="th").run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert "สร้างด้วยวิธีที่ระบุ รายงานไม่ได้กำหนดขอบเขตไว้" in captions
    assert not [c for c in captions if "the report draws no boundary" in c]


def test_mae_kha_profile_says_how_its_boundary_was_made_and_why_it_is_not_ranked() -> None:
    at = _app(page="zones", zone="mae_kha").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "How the boundary was made and how sure it is" in text
    captions = [c.value for c in at.caption]
    assert "Confidence in the boundary: low" in captions
    assert any("tambons the city municipality covers only partly" in c for c in captions)
    assert any("Districts do not overlap" in c for c in captions)
    assert any("ranking needs at least 80%" in w.value for w in at.warning)
    table = next(df for df in _tables(at) if "Rank among the five" in df.columns)
    offices = table[table["Indicator"] == "Offices per km²"].iloc[0]
    assert offices["Rank among the five"].startswith("not ranked: only 79")
    coworking = table[table["Indicator"] == "Co-working spaces"].iloc[0]
    assert coworking["Value"].startswith("at least 0")
    assert at.metric[2].value == "at least 0"


def test_thai_profile_boundary_note_and_lower_bound_in_thai() -> None:
    at = _app(page="zones", zone="mae_hia", lang="th").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "ขอบเขตนี้สร้างอย่างไรและเชื่อถือได้เพียงใด" in text
    assert any("STeP" in m.value for m in at.markdown)
    assert "ความเชื่อมั่นของขอบเขต: ปานกลาง" in [c.value for c in at.caption]
    assert at.metric[2].value.startswith("อย่างน้อย")


def test_about_page_says_the_isc_overall_is_the_reports_average() -> None:
    at = _app(page="about").run()
    assert not at.exception
    note = " ".join(i.value for i in at.info)
    assert "67.13" in note and "68.38" in note


def test_zones_profile_map_outlines_its_district_on_the_street_basemap() -> None:
    at = _app(page="zones", zone="mae_hia", lang="th").run()
    assert not at.exception
    html = _map_html(at)
    assert "CmgisStreetBasemap" in html or "cmgis-road" in html
    assert "cmgis-selected-zone" in html
    # the district's label is marked as the selected one, in Thai
    assert "district cmgis-label-selected" in html
    script = json.loads(html)["script"]
    assert json.dumps("แม่เหียะ")[1:-1] in script  # the label, as the map's JSON holds it


def test_map_page_outlines_the_zone_of_the_url() -> None:
    at = _app(page="map", zone="suan_dok").run()
    assert not at.exception
    html = _map_html(at)
    assert "cmgis-selected-zone" in html and "cmgis-road" in html
