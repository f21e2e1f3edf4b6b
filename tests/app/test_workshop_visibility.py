"""AppTest: the Map page lists only published workshops (issue 16 item 6)."""

from __future__ import annotations

from pathlib import Path

from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

from cmgis import workshop as sk
from cmgis.store import open_app_store

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_map_page_shows_a_workshop_only_once_published(tmp_path, monkeypatch) -> None:
    db = tmp_path / "store.sqlite"
    monkeypatch.setenv("CMGIS_DB", str(db))
    with open_app_store(db) as store:
        ws = sk.create_workshop(store, title="Private hall", pin="1357")
        g = sk.join_workshop(store, ws.code, "Secret group")
        sk.add_contribution(store, g, category="asset", strategy="drivers", title="Secret idea",
                            geometry=Point(98.97, 18.79))  # fmt: skip
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "map"
    at.run()
    assert not at.exception
    picker = at.selectbox(key="_w_map_workshop")
    assert picker.options == [picker.format_func("")] or ws.id not in str(picker.options)
    assert all("Private hall" not in str(o) for o in picker.options)
    with open_app_store(db) as store:
        sk.set_published(store, ws.code, "1357", published=True)
    at.run()
    picker = at.selectbox(key="_w_map_workshop")
    assert any("Private hall" in str(o) for o in picker.options)
