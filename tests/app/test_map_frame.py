"""The Map page's cached map frame hands streamlit-folium's component what st_folium would."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import streamlit_folium as sf
from shapely.geometry import Point
from streamlit_folium import st_folium

from cmgis import maps as webmap
from cmgis import workshop as sk
from cmgis.data.layers import load_layer
from cmgis.maps import MapParts
from cmgis.maps.workshop import MIN_HEAT_POINTS, add_live_contributions, live_map_base
from cmgis.plan.projects import load_projects_layer
from cmgis.store import open_app_store
from ui import map_frame as mf

RETURNED = ["last_active_drawing", "center", "zoom"]


def _parts(lang: str) -> MapParts:
    layers = [
        webmap.WebLayer(lid, lid, feature_collection=webmap.feature_collection(
            load_layer(lid), layer_id=lid, lang=lang, detail=1))
        for lid in ("tambons", "zones", "landmarks")
    ]  # fmt: skip
    fc = layers[1].feature_collection or {}
    spec = webmap.ChoroplethSpec("zones", "Area", "km²", fc, (1.0, 2.0, 3.0, 4.0, 5.0), k=3)
    return webmap.build_map_parts(
        layers, center=(18.78, 98.96), zoom=13, lang=lang, credits=["© OpenStreetMap"],
        choropleth=spec,
    )  # fmt: skip


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []

    def component(**kwargs: Any) -> None:
        kwargs.pop("on_change")
        seen.append(kwargs)

    monkeypatch.setattr(sf, "_component_func", component)
    return seen


@pytest.mark.parametrize("lang", ["en", "th"])
def test_map_frame_gives_the_component_what_st_folium_gives(
    calls: list[dict[str, Any]], lang: str
) -> None:
    parts = _parts(lang)
    st_folium(parts.base, key="map", height=660, width=None,
              feature_group_to_add=parts.layers, returned_objects=RETURNED)  # fmt: skip
    mf.map_frame(lambda: _parts(lang), choices=None, key="map", height=660,
                 returned_objects=RETURNED)  # fmt: skip
    ours, theirs = calls[1], calls[0]
    assert ours.keys() == theirs.keys()
    for name in theirs:
        assert ours[name] == theirs[name], name
    # the base stays the same while the group changes: the same frame (key), new layers
    assert "feature_group_feature_group_0" in ours["feature_group"]
    assert "cmgis-legend" in ours["feature_group"] and "cmgis-legend" not in ours["script"]


def test_map_frame_reuses_code_per_choices(calls: list[dict[str, Any]]) -> None:
    built: list[int] = []

    def build() -> MapParts:
        built.append(1)
        return _parts("en")

    for _ in range(3):
        mf.map_frame(build, choices=("test-choices",), key="map", height=660,
                     returned_objects=RETURNED)  # fmt: skip
    assert len(built) == 1
    assert calls[0] == calls[2]


def _projects_map(lang: str) -> Any:
    return webmap.projects_map(
        load_layer("zones"), load_projects_layer(), lang=lang, credits=["© OpenStreetMap"],
        center=(18.79, 98.97),
    )  # fmt: skip


def test_map_frame_gives_a_plain_map_what_st_folium_gives(calls: list[dict[str, Any]]) -> None:
    st_folium(_projects_map("th"), key="projects_map", height=520, width="stretch",
              returned_objects=["last_active_drawing"])  # fmt: skip
    mf.map_frame(lambda: _projects_map("th"), choices=None, key="projects_map", height=520,
                 width="stretch", returned_objects=["last_active_drawing"])  # fmt: skip
    # folium names popup contents with random ids (streamlit-folium hashes them out of
    # its key): the same map twice differs only in those
    assert _without_random_ids(calls[1]) == _without_random_ids(calls[0])
    assert calls[1]["feature_group"] is None


def _without_random_ids(args: dict[str, Any]) -> dict[str, Any]:
    return {
        k: re.sub(r"_[0-9a-f]{32}\b", "_ID", v) if isinstance(v, str) else v
        for k, v in args.items()
    }


def test_fingerprint_follows_the_rows() -> None:
    projects = load_projects_layer()
    same = mf.fingerprint(projects.copy())
    assert mf.fingerprint(projects) == same
    changed = projects.copy()
    changed.loc[changed.index[0], "title_en"] = "another title"
    assert mf.fingerprint(changed) != same
    moved = projects.copy()
    moved.loc[moved.index[0], "geometry"] = None
    assert mf.fingerprint(moved) != same


def _hall_frame(tmp_path: Path, n: int) -> gpd.GeoDataFrame:
    """``n`` points (and a heat map from `MIN_HEAT_POINTS` on) of one group in a store."""
    with open_app_store(tmp_path / "kept.sqlite") as store:
        ws = sk.create_workshop(store, title="kept", pin="2468")
        who = sk.join_workshop(store, ws.code, "Table 1")
        have = len(sk.contributions_frame(store, ws.id))
        for k in range(have, n):
            point = Point(98.97 + k / 1000, 18.79)
            sk.add_contribution(store, who, category="asset", strategy="drivers",
                                title=f"ตลาด {k}", geometry=point)  # fmt: skip
        return sk.contributions_frame(store, ws.id)


def test_kept_map_makes_its_base_once_and_gives_what_st_folium_gives(
    calls: list[dict[str, Any]], tmp_path: Path
) -> None:
    built: list[MapParts] = []  # a copy of each base made, as it was before its first run

    def base() -> MapParts:
        parts = live_map_base(lang="th")
        built.append(copy.deepcopy(parts))
        return parts

    for n in (1, MIN_HEAT_POINTS + 2):  # a refresh with one point, then with a heat map
        frame = _hall_frame(tmp_path, n)
        kept = mf.kept_map("test.kept_live_map", ("th",), base)
        parts = kept.parts()
        add_live_contributions(parts.layers, frame, lang="th")
        # st_folium on the whole map, made as before: copies of base and group, never drawn
        fresh = MapParts(copy.deepcopy(built[0].base), copy.deepcopy(parts.layers))
        mf.map_frame(lambda p=parts: p, choices=None, key="live", height=480,  # type: ignore[misc]
                     returned_objects=[], kept=kept)  # fmt: skip
        st_folium(fresh.base, key="live", height=480, width=None, returned_objects=[],
                  feature_group_to_add=fresh.layers)  # fmt: skip
        ours, theirs = calls[-2], calls[-1]
        assert _without_random_ids(ours) == _without_random_ids(theirs)
    assert len(built) == 1  # the base was made once, its code too
    first, second = calls[0], calls[2]
    assert first["script"] == second["script"] and first["key"] == second["key"]  # same frame
    assert "L.heatLayer" in second["feature_group"] and "L.heatLayer" not in first["feature_group"]
    with pytest.raises(ValueError, match=r"kept\.parts"):
        mf.map_frame(lambda: live_map_base(lang="th"), choices=None, key="live", height=480,
                     returned_objects=[], kept=kept)  # fmt: skip
