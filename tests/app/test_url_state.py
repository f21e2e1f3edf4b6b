"""AppTest: a shared link keeps the map's classification, workshop overlay, comparison, project.

Each choice is read from the URL into its widget, written back to the URL when the widget
changes, and a bad value in the URL is ignored (the default is shown, never a crash).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cmgis import workshop as sk
from cmgis.store import open_app_store

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store.sqlite"
    monkeypatch.setenv("CMGIS_DB", str(path))
    return path


def _app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _map_html(at: AppTest) -> str:
    el = next(e for e in at.main if type(e).__name__ == "UnknownElement")
    return str(el.proto.json_args)


def test_classification_and_class_count_from_and_to_the_url(db: Path) -> None:
    at = _app(page="map", indicator="zones:hospitals_count", scheme="equal_interval", k="7")
    assert at.selectbox(key="_w_map_scheme").value == "equal_interval"
    assert at.selectbox(key="_w_map_k").value == 7
    at.selectbox(key="_w_map_scheme").set_value("natural_breaks").run()
    at.selectbox(key="_w_map_k").set_value(4).run()
    assert not at.exception
    assert at.query_params["scheme"] == "natural_breaks"
    assert at.query_params["k"] == "4"


@pytest.mark.parametrize(("scheme", "k"), [("jenks", "99"), ("<b>", "x"), ("", "")])
def test_bad_classification_in_the_url_is_ignored(db: Path, scheme: str, k: str) -> None:
    at = _app(page="map", indicator="zones:hospitals_count", scheme=scheme, k=k)
    assert at.selectbox(key="_w_map_scheme").value == "quantiles"
    assert at.selectbox(key="_w_map_k").value == 5
    assert "scheme" not in at.query_params  # the defaults are left out of the URL
    assert "k" not in at.query_params


def _workshop(db: Path, *, published: bool) -> str:
    with open_app_store(db) as s:
        ws = sk.create_workshop(s, title="ย่านนิมมาน", pin="2468")
        if published:
            sk.set_published(s, ws.code, "2468", published=True)
        return ws.id


def test_workshop_overlay_from_and_to_the_url(db: Path) -> None:
    wid = _workshop(db, published=True)
    at = _app(page="map", workshop=wid)
    assert at.selectbox(key="_w_map_workshop").value == wid
    assert at.query_params["workshop"] == wid
    at.selectbox(key="_w_map_workshop").set_value("").run()
    assert not at.exception
    assert "workshop" not in at.query_params
    at.selectbox(key="_w_map_workshop").set_value(wid).run()
    assert at.query_params["workshop"] == wid


@pytest.mark.parametrize("bad", ["unpublished", "0" * 32, "../../etc/passwd", "<script>"])
def test_unknown_or_unpublished_workshop_in_the_url_shows_none(db: Path, bad: str) -> None:
    hidden = _workshop(db, published=False)
    wid = hidden if bad == "unpublished" else bad
    at = _app(page="map", workshop=wid)
    assert at.selectbox(key="_w_map_workshop").value == ""
    assert "workshop" not in at.query_params
    # the unpublished workshop's layer is not drawn either
    assert "Workshop contributions" not in _map_html(at)


def test_zone_comparison_from_and_to_the_url(db: Path) -> None:
    at = _app(page="zones", zone="nimman", compare="mae_hia,bogus,suan_dok")
    assert at.multiselect(key="_w_zones_compare").value == ["mae_hia", "suan_dok"]
    at.multiselect(key="_w_zones_compare").select("nimman").run()
    assert not at.exception
    assert at.query_params["compare"] == "mae_hia,suan_dok,nimman"
    # the side-by-side table has the three zones' columns
    assert any({"Mae Hia", "Suan Dok", "Nimman"} <= set(df.value.columns) for df in at.dataframe)


def test_bad_zone_comparison_in_the_url_falls_back_to_the_default(db: Path) -> None:
    at = _app(page="zones", zone="nimman", compare="../x,<b>")
    assert at.multiselect(key="_w_zones_compare").value == ["nimman", "old_town"]  # the default


def test_selected_project_from_and_to_the_url(db: Path) -> None:
    at = _app(page="projects", project="P06")
    assert at.selectbox(key="projects_pick").value == "P06"
    at.selectbox(key="projects_pick").set_value("P11").run()
    assert not at.exception
    assert at.query_params["project"] == "P11"


@pytest.mark.parametrize("bad", ["P999", "a b", "<script>"])
def test_unknown_project_in_the_url_selects_the_first(db: Path, bad: str) -> None:
    at = _app(page="projects", project=bad)
    first = at.selectbox(key="projects_pick").options[0]
    assert at.selectbox(key="projects_pick").value == first.split(" ", 1)[0]
