"""Tests of cmgis.maps.workshop: escaping for HTML, template literals and markdown; the maps."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import folium
import pytest
from shapely.geometry import LineString, Point, Polygon

from cmgis.map_text import escape_map_text
from cmgis.maps import MapParts
from cmgis.maps.contribution_layer import (
    NEW_RADIUS_PX,
    RADIUS_PX,
    ContributionLayer,
    contribution_features,
    script_json,
)
from cmgis.maps.workshop import (
    CATEGORY_COLORS,
    MIN_HEAT_POINTS,
    add_live_contributions,
    contributions_layer,
    drawing_map,
    live_map,
    live_map_base,
)
from cmgis.store import Store, open_app_store
from cmgis.workshop import (
    add_contribution,
    contributions_frame,
    create_workshop,
    join_workshop,
)
from tests.workshop_support import make_zone_index

PAYLOAD = "<script>alert(1)</script>`${alert(2)}`\\"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_app_store(tmp_path / "m.sqlite")
    yield s
    s.close()


def _whole(parts: MapParts) -> folium.Map:
    """A live map's two parts as one map (the group added to the base), to render."""
    parts.layers.add_to(parts.base)
    return parts.base


def _contribution_data(element: Any) -> list[dict[str, Any]]:
    """The data of every contributions layer on a map, at any depth."""
    found = [element.data] if isinstance(element, ContributionLayer) else []
    for child in element._children.values():
        found += _contribution_data(child)
    return found


def test_maps_carry_only_escaped_participant_text(store: Store) -> None:
    zones = make_zone_index()
    code = create_workshop(store, title="t", pin="1234").code
    g = join_workshop(store, code, "<i>group</i>")
    for category, geom in (
        ("asset", Point(98.965, 18.795)),
        ("connection", LineString([(98.96, 18.79), (98.985, 18.785)])),
        ("opportunity", Polygon([(98.981, 18.781), (98.989, 18.781), (98.989, 18.789)])),
    ):
        add_contribution(
            store, g, category=category, strategy="default", title=PAYLOAD, comment=PAYLOAD,
            geometry=geom, zones=zones,
        )  # fmt: skip
    frame = contributions_frame(store, g.workshop_id)
    for fmap in (drawing_map(frame), _whole(live_map(frame))):
        assert isinstance(fmap, folium.Map)
        page = fmap.get_root().render()
        assert "<script>alert(1)" not in page
        assert "${alert(2)}" not in page
        assert "<i>group</i>" not in page
        # titles, comments and groups travel as GeoJSON data, escaped: shown as text
        features = [f for data in _contribution_data(fmap) for f in data["features"]]
        assert len(features) == 3
        for feature in features:
            assert feature["properties"]["t"] == escape_map_text(PAYLOAD)
            assert feature["properties"]["m"] == escape_map_text(PAYLOAD)
            assert feature["properties"]["g"] == escape_map_text("<i>group</i>")
        assert escape_map_text(PAYLOAD).replace("&", "\\u0026") in page  # as data in the page
    live = _whole(live_map(frame)).get_root().render()
    assert "heatLayer" not in live  # one point: a marker, never hidden by a heat blur
    for color in (CATEGORY_COLORS["asset"], CATEGORY_COLORS["opportunity"]):
        assert color in live
    on_any_map = folium.Map(tiles=None)
    contributions_layer(frame, name="<b>layer</b>").add_to(on_any_map)
    rendered = on_any_map.get_root().render()
    assert "<script>alert(1)" not in rendered
    assert rendered.count(CATEGORY_COLORS["connection"]) >= 1
    drawing = drawing_map(frame).get_root().render()
    assert "L.Control.Draw" in drawing
    assert '"circle": false' in drawing


def test_heat_map_lies_under_the_markers_and_the_newest_stand_out(store: Store) -> None:
    code = create_workshop(store, title="t", pin="1234").code
    g = join_workshop(store, code, "g")
    ids = [
        add_contribution(store, g, category="asset", strategy="default", title=f"p{i}",
                         geometry=Point(98.96 + i / 1000, 18.79), zones=make_zone_index()).id
        for i in range(MIN_HEAT_POINTS)
    ]  # fmt: skip
    frame = contributions_frame(store, g.workshop_id)
    live = _whole(live_map(frame, highlight_ids={ids[-1]})).get_root().render()
    assert "heatLayer" in live
    # heat first, under the points (the street basemap's landmark dots come before both)
    after_heat = live[live.index("heatLayer(") :]
    assert "L.circleMarker(latlng" in after_heat  # the contributions as GeoJSON points
    (data,) = _contribution_data(_whole(live_map(frame, highlight_ids={ids[-1]})))
    assert [f["properties"].get("n", 0) for f in data["features"]] == [0] * (
        MIN_HEAT_POINTS - 1
    ) + [1]  # the newest one, larger:
    assert f"p.n ? {NEW_RADIUS_PX} : {RADIUS_PX}" in after_heat
    assert "L.control.layers" not in live  # no layer control to cover the map


def test_the_live_base_stays_while_the_contributions_change(store: Store) -> None:
    """A refresh swaps the layer group only: the base renders the same whatever the data,
    and it already loads the heat-map plugin the fifth point will need."""
    code = create_workshop(store, title="t", pin="1234").code
    g = join_workshop(store, code, "g")
    base = live_map_base(lang="th")
    before = copy.deepcopy(base)
    for i in range(MIN_HEAT_POINTS):
        point = Point(98.96 + i / 1000, 18.79)
        add_contribution(store, g, category="asset", strategy="default", title=f"p{i}",
                         geometry=point, zones=make_zone_index())  # fmt: skip
    frame = contributions_frame(store, g.workshop_id)
    after = copy.deepcopy(base)
    add_live_contributions(after.layers, frame, lang="th")
    assert after.base.get_root().render() == before.base.get_root().render()
    assert any(name == "leaflet.heat" or "heat" in src for name, src in after.base.default_js)
    group = _whole(after).get_root().render()
    assert "heatLayer(" in group and "L.geoJSON(" in group
    (data,) = _contribution_data(after.layers)
    assert len(data["features"]) == MIN_HEAT_POINTS


def test_contribution_data_stays_data_in_the_script() -> None:
    """The layer's JSON cannot end the script or open markup, whatever the text: `< > & '`
    and line separators are escaped, Thai stays UTF-8 (3 bytes a character, not 6)."""
    hostile = "</script><script>alert(1)</script>'&\u2028\u2029ตลาด"
    text = script_json({"t": hostile})
    for raw in ("<", ">", "&", "'", "\u2028", "\u2029"):
        assert raw not in text
    assert "ตลาด" in text
    assert json.loads(text) == {"t": hostile}  # the same value once parsed


def test_contribution_features_are_short_escaped_and_rounded(store: Store) -> None:
    code = create_workshop(store, title="t", pin="1234").code
    g = join_workshop(store, code, "<i>g</i>")
    saved = add_contribution(
        store, g, category="problem", strategy="drivers", title="<b>x</b>", comment="a\nb",
        geometry=Point(98.983456789, 18.787654321), zones=make_zone_index(),
    )  # fmt: skip
    add_contribution(store, g, category="asset", strategy="default", title="note only",
                     geometry=None, zones=make_zone_index())  # fmt: skip
    frame = contributions_frame(store, g.workshop_id)
    data = contribution_features(frame, highlight_ids={saved.id})
    (feature,) = data["features"]  # the note without a shape is not on the map
    assert feature["geometry"] == {"type": "Point", "coordinates": [98.983457, 18.787654]}
    assert feature["properties"] == {
        "t": escape_map_text("<b>x</b>"), "g": escape_map_text("<i>g</i>"), "c": "problem",
        "s": "drivers", "v": 0, "m": escape_map_text("a\nb"), "n": 1,
    }  # fmt: skip
