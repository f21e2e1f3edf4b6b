"""AppTest of accounts (issue 17): sign in, the sidebar, edit controls by role, sign out,
and the public read-only app."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cmgis.accounts import add_account, sign_in
from cmgis.plan.edits import history, records
from cmgis.store import open_app_store

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PROJECTS = str(ROOT / "ui" / "pages" / "projects.py")
SIGN_IN = "ui/pages/sign_in.py"
PASSWORD = "editor-Secret-0815"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "app.sqlite"
    monkeypatch.setenv("CMGIS_DB", str(path))
    monkeypatch.delenv("CMGIS_PUBLIC", raising=False)
    monkeypatch.delenv("CMGIS_BIND_ADDRESS", raising=False)
    return path


@pytest.fixture
def with_editor(db: Path) -> Path:
    with open_app_store(db) as store:
        add_account(store, "nok", PASSWORD, role="editor", display_name="Nok Kaew")
    return db


def _captions(at: AppTest) -> list[str]:
    return [c.value for c in at.sidebar.caption]


def _has_edit_form(at: AppTest) -> bool:
    return any(w.key == "projects_user_annotate" for w in at.text_input)


def test_no_accounts_on_localhost_is_the_local_editor(db: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception, at.exception
    assert "Local editor (no accounts defined)" in _captions(at)
    at.switch_page("ui/pages/projects.py").run()
    assert _has_edit_form(at)


def test_no_accounts_but_open_to_a_network_is_view_only(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMGIS_BIND_ADDRESS", "0.0.0.0")  # as `cmgis app --address 0.0.0.0`
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception, at.exception
    network = "Viewing only: the app is open to the network and no accounts are defined"
    assert network in _captions(at)
    at.switch_page("ui/pages/projects.py").run()
    assert not _has_edit_form(at)


def test_sign_in_edit_sign_out(with_editor: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert "Not signed in: viewing only" in _captions(at)
    at.switch_page("ui/pages/projects.py").run()
    assert not _has_edit_form(at)
    assert any("needs an editor account" in i.value for i in at.info)
    at.switch_page(SIGN_IN).run()
    at.text_input(key="account.username").input("nok")
    at.text_input(key="account.password").input("not-the-password")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [
        "Wrong username or password (or the account is disabled)."
    ]
    at.text_input(key="account.username").input("nok")
    at.text_input(key="account.password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert "Signed in: Nok Kaew (nok, editor)" in _captions(at)
    at.switch_page("ui/pages/projects.py").run()
    assert _has_edit_form(at)
    at.selectbox(key="projects_pick").set_value("P05").run()
    at.text_area[0].input("checked on site")  # the notes of the annotate form
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception, at.exception
    with open_app_store(with_editor) as store:
        (change,) = history(store, "P05")
    assert (change.account, change.verified, change.by_user) == ("nok", True, "Nok Kaew")
    at.sidebar.button(key="account.sign_out").click().run()
    assert "Not signed in: viewing only" in _captions(at)
    assert not _has_edit_form(at)


def test_sign_in_page_in_thai(with_editor: Path) -> None:
    from tests.app.test_thai_everywhere import _problems

    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "th"
    at.query_params["page"] = "sign-in"
    at.run()
    assert at.title[0].value == "ลงชื่อเข้าใช้"
    assert at.text_input(key="account.password").label == "รหัสผ่าน"
    assert "ยังไม่ได้ลงชื่อเข้าใช้: ดูได้อย่างเดียว" in _captions(at)
    assert _problems(at) == []
    at.text_input(key="account.username").input("nok")
    at.text_input(key="account.password").input(PASSWORD)
    at.button[0].click().run()
    assert "ลงชื่อเข้าใช้: Nok Kaew (nok, ผู้แก้ไข)" in _captions(at)  # names are as typed


def test_public_app_has_no_sign_in_and_no_edit_controls(
    with_editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMGIS_PUBLIC", "1")
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception, at.exception
    assert "Public read-only app: nothing can be changed here" in _captions(at)
    assert not [b for b in at.sidebar.button if b.key == "account.sign_out"]
    at.switch_page("ui/pages/projects.py").run()
    assert not _has_edit_form(at)
    assert any("public read-only app" in i.value for i in at.info)


def test_a_crafted_submit_in_the_public_app_writes_nothing(
    with_editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signed-in editor's form, submitted once the process is the public app (as a
    crafted request for a widget the public page does not draw): nothing is stored."""
    at = AppTest.from_file(PROJECTS, default_timeout=90)
    with open_app_store(with_editor) as store:
        at.session_state["account.token"] = sign_in(store, "nok", PASSWORD).token
    at.run()
    assert _has_edit_form(at)
    at.selectbox(key="projects_pick").set_value("P05").run()
    at.text_area[0].input("crafted")
    monkeypatch.setenv("CMGIS_PUBLIC", "1")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception, at.exception
    with open_app_store(with_editor) as store:
        assert records(store) == [] and history(store) == []


def test_saved_layer_delete_shows_for_its_owner_and_the_admin_only(db: Path) -> None:
    from cmgis.user_layers import records as ul
    from tests.test_user_layers import PARAMS, candidate_fixture

    with open_app_store(db) as store:
        add_account(store, "boss", PASSWORD, role="admin")
        boss = sign_in(store, "boss", PASSWORD).actor
        for name in ("nok", "dao"):
            add_account(store, name, PASSWORD, role="editor", actor=boss)
        nok = sign_in(store, "nok", PASSWORD).actor
        ul.save_candidate_layer(
            store, candidate_fixture(), name="Nok's zones", created_by="", parameters=PARAMS,
            actor=nok,
        )  # fmt: skip
        tokens = {n: sign_in(store, n, PASSWORD).token for n in ("boss", "nok", "dao")}

    def delete_shown(token: str | None) -> bool:
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["page"] = "zones"
        if token:
            at.session_state["account.token"] = token
        at.run()
        assert not at.exception, at.exception
        assert any(s.value == "Saved candidate zones" for s in at.subheader)
        return any(b.key == "user_layers.delete" for b in at.button)

    assert not delete_shown(None)
    assert not delete_shown(tokens["dao"])
    assert delete_shown(tokens["nok"])
    assert delete_shown(tokens["boss"])
