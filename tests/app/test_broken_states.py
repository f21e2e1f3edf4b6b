"""AppTest: pages stay usable with odd saved data or a bad store (issue 16 item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cmgis.store import open_app_store
from cmgis.user_layers import records as ul
from tests.test_user_layers import candidate_fixture

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _app(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = page
    return at.run()


@pytest.fixture
def unregister():
    return  # user layers are listed from the store on each call: nothing to unregister


def test_zones_page_with_a_candidate_layer_without_names(tmp_path, monkeypatch, unregister):
    db = tmp_path / "store.sqlite"
    monkeypatch.setenv("CMGIS_DB", str(db))
    with open_app_store(db) as store:
        ul.save_user_layer(
            store,
            candidate_fixture().drop(columns=["name_en", "name_th"]),
            name="No names",
            created_by="me",
            kind="candidates",
            parameters={},
            provenance=ul.Provenance(inputs=(), credit="", licence="", method="test"),
        )
    at = _app("zones")
    assert not at.exception, at.exception
    zone = at.selectbox(key="user_layers.zone")
    assert "candidate_01" in zone.options or "candidate_01" in str(zone.format_func("candidate_01"))


@pytest.mark.parametrize("page", ["workshop", "projects", "map", "export", "zones"])
@pytest.mark.parametrize("kind", ["garbage", "devnull"])
def test_a_bad_store_is_a_clear_message(tmp_path, monkeypatch, page, kind):
    if kind == "garbage":
        bad = tmp_path / "garbage.sqlite"
        bad.write_bytes(b"this is not a database\x00" * 100)
        path = str(bad)
    else:
        path = "/dev/null"
    monkeypatch.setenv("CMGIS_DB", path)
    at = _app(page)
    assert not at.exception, [e.value for e in at.exception]
    if page in ("workshop", "projects"):  # pages that need the store say why they cannot work
        shown = " ".join(e.value for e in at.error)
        assert "data store cannot be used" in shown and "CMGIS" in shown, shown
