"""The Map page's cached map frame hands streamlit-folium's component what st_folium would."""

from __future__ import annotations

import re
from typing import Any

import pytest
import streamlit_folium as sf
from streamlit_folium import st_folium

from cmgis import maps as webmap
from cmgis.data.layers import load_layer
from cmgis.maps import MapParts
from cmgis.plan.projects import load_projects_layer
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
