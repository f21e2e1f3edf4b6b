"""Tests of cmgis.maps.labels: where labels go, their language, escaping, the selection."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import Point, Polygon

from cmgis.maps import labels, webmap
from cmgis.maps.labels import DistrictLabels, MapLabel, district_labels, label_point, label_records

#: A "C" shape whose centroid lies outside it.
C_SHAPE = Polygon([(0, 0), (3, 0), (3, 1), (1, 1), (1, 2), (3, 2), (3, 3), (0, 3)])


def _zones() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "zone_id": ["a", "b"],
            "name_en": ["Alpha", "Beta <b>"],
            "name_th": ["อัลฟา", ""],
        },
        geometry=[
            Polygon([(98.97, 18.78), (98.98, 18.78), (98.98, 18.79), (98.97, 18.79)]),
            Polygon([(98.99, 18.78), (99.0, 18.78), (99.0, 18.79), (98.99, 18.79)]),
        ],
        crs=4326,
    )


def test_label_point_is_inside_the_area() -> None:
    lat, lon = label_point(C_SHAPE)  # type: ignore[misc]
    assert C_SHAPE.contains(Point(lon, lat))
    assert label_point(Point(98.9, 18.7)) == (18.7, 98.9)
    assert label_point(None) is None


def test_district_labels_follow_the_language_and_fall_back() -> None:
    th = district_labels(_zones(), "th")
    assert [lab.text for lab in th] == ["อัลฟา", "Beta <b>"]  # no Thai name: the English one
    assert [lab.key for lab in th] == ["a", "b"]
    assert [lab.text for lab in district_labels(_zones(), "en")] == ["Alpha", "Beta <b>"]
    assert district_labels(None, "en") == []


def test_label_records_escape_and_mark_the_selected_district() -> None:
    records = label_records(district_labels(_zones(), "en"), selected="b")
    assert records[1]["html"] == "Beta &lt;b&gt;"
    assert records[1]["kind"] == "district cmgis-label-selected"
    assert records[0]["kind"] == "district"


def test_place_labels_appear_by_zoom() -> None:
    tambons = _zones().rename(columns={"zone_id": "tambon_code"})
    places = gpd.GeoDataFrame(
        {"name": ["บ้านหนึ่ง", "ช้างเผือก"], "weight": [26, 60]},
        geometry=[Point(98.975, 18.785), Point(98.995, 18.785)],
        crs=4326,
    )
    out = labels.place_labels(tambons=tambons, named_places=places, lang="en")
    kinds = {(lab.kind, lab.text): lab.min_zoom for lab in out}
    assert kinds[("tambon", "Alpha")] == 13
    assert kinds[("place", "บ้านหนึ่ง")] == 15
    assert kinds[("place", "ช้างเผือก")] == 14  # a weighty place shows earlier


def test_landmark_label_translates_the_kind() -> None:
    assert labels.landmark_label({"name": "Kad Luang", "kind": "market"}, "th").startswith(
        "Kad Luang ("
    )
    assert "market" not in labels.landmark_label({"name": "X", "kind": "market"}, "th")
    assert labels.landmark_label({"name": "X", "kind": "zzz"}, "en") == "X (zzz)"


def test_selected_district_outline_and_legend_keep_clear() -> None:
    outline = labels.zone_outline(_zones(), "b")
    assert outline is not None and outline["type"] == "Polygon"
    assert labels.zone_outline(_zones(), "nope") is None
    bounds = labels.zone_bounds(outline)
    assert bounds[0][0] < bounds[1][0] and bounds[0][1] < bounds[1][1]
    m = webmap.build_map(
        [], center=(18.79, 98.98), zoom=13, lang="en", credits=[], selected_zone="old_town"
    )
    html = m.get_root().render()
    assert "cmgis-selected-zone" in html
    assert "cmgis-label-selected" in html
    # the legend knows what to keep clear: the selected district's box
    assert '"keep_clear"' not in html and "var small = [700, 450], clear = [[" in html


def test_district_labels_element_renders_escaped_names() -> None:
    import folium

    m = folium.Map(location=[18.79, 98.98], zoom_start=13, tiles=None)
    DistrictLabels([MapLabel(18.78, 98.97, "<script>x</script>", "district")]).add_to(m)
    html = m.get_root().render()
    assert "<script>x</script>" not in html
    # escaped for HTML, then written as JSON by the template (& as \u0026)
    assert "\\u0026lt;script\\u0026gt;x\\u0026lt;/script\\u0026gt;" in html
