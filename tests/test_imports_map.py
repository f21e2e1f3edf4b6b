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


def test_points_added_to_the_coworking_theme(store, tmp_path: Path) -> None:
    from cmgis import ImportRefusedError
    from cmgis.user_layers import list_user_layers

    path = tmp_path / "spaces.geojson"
    sup.points().head(3).to_file(path, driver="GeoJSON")
    record = store_import(store, prepare_import(path), imported_by="Nok", title="Spaces",
                          adds_to="coworking")  # fmt: skip
    assert record.parameters["adds_to"] == "coworking"
    overlay = user_layer_overlay(load_user_layer(store, record.slug), record, lang="en")
    assert overlay.legend is not None
    assert overlay.legend.items[0].label == "Co-working spaces added by Nok: Spaces"
    assert "#fd8d3c" in _html(overlay)  # the theme's orange, its own layer
    polygons = tmp_path / "areas.geojson"
    sup.tambons().to_file(polygons, driver="GeoJSON")
    before = sup.store_snapshot(store)
    with pytest.raises(ImportRefusedError) as err:
        store_import(store, prepare_import(polygons), imported_by="Nok", adds_to="coworking")
    assert err.value.code == "adds_to"
    assert sup.store_snapshot(store) == before
    assert len(list_user_layers(store)) == 1
