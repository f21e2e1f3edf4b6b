"""Imported layers on the web map: attributes in popups (escaped), style by kind, legend."""

from __future__ import annotations

import json
from pathlib import Path

import folium
import pytest

from cmgis.imports import prepare_import, store_import
from cmgis.maps import user_layer_overlay
from cmgis.store import open_app_store
from cmgis.user_layers import load_user_layer
from tests import imports_support as sup

HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("CMGIS_DB", str(tmp_path / "s.sqlite"))
    s = open_app_store()
    yield s
    s.close()


def _html(overlay) -> str:
    m = folium.Map()
    overlay.element.add_to(m)
    return m.get_root().render()


def test_points_popup_lists_attributes_escaped(store, tmp_path: Path) -> None:
    pts = sup.points()
    pts["note"] = HOSTILE
    path = tmp_path / "offices.geojson"
    pts.to_file(path, driver="GeoJSON")
    record = store_import(
        store, prepare_import(path), imported_by="me", title="Offices", source="CMU survey 2024"
    )
    overlay = user_layer_overlay(load_user_layer(store, record.slug), record, lang="th")
    html = _html(overlay)
    assert "new L.CircleMarker(latlng" in html  # points drawn as circles
    assert HOSTILE not in html and "onerror" in html  # the markup is there as text only
    assert "ศรีภูมิ" in html or json.dumps("ศรีภูมิ")[1:-1] in html  # the label, in Thai
    assert "CMU survey 2024" in html
    assert overlay.legend is not None and overlay.legend.items[0].label == "Offices"
