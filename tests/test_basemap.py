"""Tests of cmgis.maps.basemap: road classes from the graph, encoded lines, the basemap."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString

from cmgis import InputError
from cmgis.maps import basemap, webmap
from cmgis.maps.basemap import (
    decode_lines,
    decode_polyline,
    encode_lines,
    encode_polyline,
    road_classes,
    street_basemap,
    through_traffic,
)


def test_through_traffic_is_highest_in_the_middle_of_a_line_graph() -> None:
    # 0 - 1 - 2 - 3 - 4: every path from one end to the other crosses the middle edges
    u, v, length = [0, 1, 2, 3], [1, 2, 3, 4], [10.0, 10.0, 10.0, 10.0]
    traffic = through_traffic(u, v, length, sources=5)
    assert traffic[1] == traffic[2] > traffic[0] == traffic[3] > 0


def test_through_traffic_prefers_the_short_way_and_shares_it_between_parallel_edges() -> None:
    # a square 0-1-2-3 with a long side 3-0 and a parallel, shorter copy of edge 0-1
    u, v = [0, 1, 2, 3, 1], [1, 2, 3, 0, 0]
    length = [50.0, 10.0, 10.0, 500.0, 10.0]
    traffic = through_traffic(u, v, length, sources=4)
    assert traffic[0] == traffic[4]  # parallel edges: the value of the shortest
    assert traffic[3] < traffic[1]  # the long side is avoided


def test_through_traffic_checks_its_input() -> None:
    with pytest.raises(InputError):
        through_traffic([0, 1], [1], [1.0, 2.0])
    assert through_traffic([], [], []).size == 0


def test_road_classes_take_the_busiest_share_of_length() -> None:
    traffic = np.array([0.9, 0.5, 0.3, 0.1, 0.0] + [0.05] * 5)
    lengths = np.full(10, 100.0)
    classes = road_classes(traffic, lengths)
    assert classes[0] == "major"  # the busiest 10 % of the length
    assert classes[1] == classes[2] == "medium"  # the next 22 %
    assert classes[4] == "minor"  # no traffic: always minor
    assert classes.count("major") == 1


def test_encoded_polyline_matches_googles_example() -> None:
    points = np.array([(38.5, -120.2), (40.7, -120.95), (43.252, -126.453)])
    encoded = encode_polyline(points)
    assert encoded == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"
    assert decode_polyline(encoded) == [(38.5, -120.2), (40.7, -120.95), (43.252, -126.453)]


def test_encode_lines_round_trip_with_relative_starts() -> None:
    lines = [
        np.array([(18.78, 98.98), (18.781, 98.9812)]),
        np.array([(18.7811, 98.9813), (18.79, 98.99), (18.8, 99.0)]),
    ]
    encoded = encode_lines(lines)
    assert encoded.count(",") == 1
    assert decode_lines(encoded) == [
        [(18.78, 98.98), (18.781, 98.9812)],
        [(18.7811, 98.9813), (18.79, 98.99), (18.8, 99.0)],
    ]
    # the second line starts next to the first one's end: a few characters only
    assert len(encoded.split(",")[1]) < len(encode_polyline(lines[1]))


def test_encoded_lines_are_merged_simplified_and_rounded() -> None:
    gdf = gpd.GeoDataFrame(
        geometry=[
            LineString([(98.98, 18.78), (98.981, 18.78)]),
            LineString([(98.981, 18.78), (98.982, 18.7800001), (98.983, 18.78)]),
        ],
        crs=4326,
    )
    lines = basemap.encoded_lines(gdf, tolerance_m=1.0, merge=True)
    assert len(lines) == 1  # merged into one line, the near-straight vertex dropped
    assert lines[0].shape == (2, 2)
    assert lines[0][0].tolist() == [18.78, 98.98]


def test_page_safe_text_has_no_template_or_escape_characters() -> None:
    safe = basemap._page_safe("a{{b\\c{%")
    assert "{" not in safe and "\\" not in safe


@pytest.fixture(scope="module")
def streets_th() -> basemap.StreetBasemap:
    return street_basemap("th")


def test_street_basemap_of_the_bundled_data(streets_th: basemap.StreetBasemap) -> None:
    assert all(streets_th.roads[c] for c in basemap.ROAD_CLASSES)
    major = decode_lines(streets_th.roads["major"])
    minor = decode_lines(streets_th.roads["minor"])
    assert len(minor) > len(major) > 50
    # every vertex lies in the road graph's bbox (data/raw/NOTICE.md), lat/lon order
    pts = np.array([p for line in major for p in line])
    assert pts[:, 0].min() > 18.74 and pts[:, 0].max() < 18.84
    assert pts[:, 1].min() > 98.93 and pts[:, 1].max() < 99.04
    assert streets_th.water_lines and streets_th.water_areas and streets_th.walls
    assert len(streets_th.landmarks) == 46
    assert {lab.text for lab in streets_th.districts} == {
        "นิมมานเหมินท์",
        "เมืองเก่า",
        "สวนดอก",
        "คลองแม่ข่า",
        "แม่เหียะ",
    }
    assert set(streets_th.outlines) == {"nimman", "old_town", "suan_dok", "mae_kha", "mae_hia"}
    tambons = [lab for lab in streets_th.labels if lab.kind == "tambon"]
    assert len(tambons) == 16
    assert all(any("\u0e00" <= ch <= "\u0e7f" for ch in lab.text) for lab in tambons)


def test_street_basemap_is_cached_per_language(streets_th: basemap.StreetBasemap) -> None:
    assert street_basemap("th") is streets_th
    en = street_basemap("en")
    assert en is not streets_th
    assert en.roads is streets_th.roads  # the roads do not depend on the language
    assert "Old Town" in {lab.text for lab in en.districts}


def test_missing_data_gives_an_empty_basemap(tmp_path: Path) -> None:
    empty = street_basemap("en", path=Path(str(tmp_path)) / "none.gpkg")
    assert empty.road_count() == 0 and not empty.districts


def test_every_map_gets_the_basemap_and_its_size_is_bounded() -> None:
    kwargs = {"center": (18.79, 98.98), "zoom": 13, "lang": "th", "credits": ["c"]}
    with_streets = webmap.build_map([], **kwargs).get_root().render()
    without = webmap.build_map([], streets=False, **kwargs).get_root().render()
    assert "cmgis-road" in with_streets and "cmgis-road" not in without
    assert "cmgisRelief" in without  # the relief's pane exists either way
    added = len(with_streets.encode()) - len(without.encode())
    assert 50_000 < added < 160_000  # the whole road graph in about 0.13 MB
    payload = basemap.basemap_payload(street_basemap("th"))
    assert json.dumps(payload)  # plain data


def test_basemap_skips_its_landmarks_when_the_landmark_layer_is_on() -> None:
    layer = webmap.WebLayer("landmarks", "L", {"type": "FeatureCollection", "features": []})
    html = (
        webmap.build_map([layer], center=(18.79, 98.98), zoom=13, lang="en", credits=[])
        .get_root()
        .render()
    )
    assert '"landmarks": []' in html


def test_streets_legend_is_in_the_page_language() -> None:
    section = basemap.streets_legend_section("th")
    assert section.title.startswith("ถนน")
    assert len(section.items) == 3


def test_encoded_roads_are_kept_on_disk_for_the_next_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMGIS_CACHE_DIR", str(tmp_path / "cache"))
    roads = gpd.GeoDataFrame(
        {"edge_id": [0, 1], "u": [0, 1], "v": [1, 2], "length_m": [105.0, 105.0]},
        geometry=[
            LineString([(98.98, 18.78), (98.981, 18.78)]),
            LineString([(98.981, 18.78), (98.982, 18.78)]),
        ],
        crs=4326,
    )
    gpkg = tmp_path / "tiny.gpkg"
    roads.to_file(gpkg, layer="roads", driver="GPKG")
    path, mtime = gpkg.resolve(), gpkg.stat().st_mtime
    first = basemap._road_lines(path, mtime)
    assert decode_lines(first["major"]) == [[(18.78, 98.98), (18.78, 98.981)]]
    saved = list((tmp_path / "cache").glob("basemap_roads_*.json"))
    assert len(saved) == 1
    # a new process (caches cleared) reads the file instead of computing again
    saved[0].write_text(json.dumps({"major": "x", "medium": "", "minor": ""}))
    basemap._road_lines.cache_clear()
    basemap._cached_road_lines.cache_clear()
    assert basemap._road_lines(path, mtime)["major"] == "x"


def test_warming_fills_the_disk_cache_so_a_new_process_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app server warms the basemap in a thread; a page asking meanwhile waits for
    that build instead of computing it a second time, and gets the same basemap."""
    monkeypatch.setenv("CMGIS_CACHE_DIR", str(tmp_path / "cache"))
    for cached in (basemap._road_lines, basemap._cached_road_lines, basemap._street_basemap):
        cached.cache_clear()
    thread = basemap.start_warming()
    page = basemap.street_basemap("th")  # as the first page would, while warming
    thread.join(timeout=300)
    assert not thread.is_alive()
    assert list((tmp_path / "cache").glob("basemap_roads_*.json"))
    assert basemap.street_basemap("th") is page
    assert basemap.street_basemap("en").lang == "en"
