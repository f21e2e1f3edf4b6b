"""AppTest of the second accounts pass (issue 17): the Import page by role, a facilitator
account on the Workshop page without the PIN, and the session cookie's script."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cmgis import imports as imp
from cmgis import workshop as sk
from cmgis.accounts import add_account, sign_in
from cmgis.store import open_app_store
from tests.test_user_layers import candidate_fixture

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
WORKSHOP = str(ROOT / "ui" / "pages" / "workshop.py")
PASSWORDS = {"boss": "boss-Secret-0815", "nok": "nok-Secret-0815", "ed2": "ed2-Secret-0815",
             "fa": "fac-Secret-0815", "fb": "fb-Secret-0815"}  # fmt: skip
ROLES = {"boss": "admin", "nok": "editor", "ed2": "editor", "fa": "facilitator",
         "fb": "facilitator"}  # fmt: skip


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "app.sqlite"
    monkeypatch.setenv("CMGIS_DB", str(path))
    monkeypatch.delenv("CMGIS_PUBLIC", raising=False)
    monkeypatch.delenv("CMGIS_BIND_ADDRESS", raising=False)
    with open_app_store(path) as store:
        admin = None
        for name, role in ROLES.items():
            add_account(store, name, PASSWORDS[name], role=role, actor=admin)
            if admin is None:
                admin = sign_in(store, name, PASSWORDS[name]).actor
    return path


def _token(db: Path, name: str) -> str:
    with open_app_store(db) as store:
        return sign_in(store, name, PASSWORDS[name]).token


def _import_as(db: Path, tmp_path: Path, name: str, title: str) -> str:
    gpkg = tmp_path / f"{name}.gpkg"
    candidate_fixture().to_file(gpkg, layer="cands", driver="GPKG")
    with open_app_store(db) as store:
        actor = sign_in(store, name, PASSWORDS[name]).actor
        layer = imp.store_import(
            store, imp.prepare_import(gpkg), imported_by=name, title=title, actor=actor
        )
    return layer.slug


def _import_page(token: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "import"
    if token:
        at.session_state["account.token"] = token
    return at.run()


def _delete_keys(at: AppTest) -> list[str]:
    return [str(b.key) for b in at.button if str(b.key).startswith("imports.delete")]


def test_import_page_hides_its_write_controls_from_a_viewer(db: Path, tmp_path: Path) -> None:
    _import_as(db, tmp_path, "nok", "Nok's layer")
    at = _import_page()
    assert not at.exception, at.exception
    assert not [w for w in at.text_input if w.key == "imports.who"]
    assert any("needs an editor account" in i.value for i in at.info)
    assert at.get("file_uploader") == []  # neither the layer nor the table upload
    assert _delete_keys(at) == []  # the list is shown, without delete buttons
    assert any("Nok's layer" in m.value.replace("\\", "") for m in at.markdown)


def test_facilitator_account_cannot_import_either(db: Path) -> None:
    at = _import_page(_token(db, "fa"))
    assert any("needs an editor account" in i.value for i in at.info)
    assert at.get("file_uploader") == []


def test_editor_imports_and_deletes_only_own_layers(db: Path, tmp_path: Path) -> None:
    mine = _import_as(db, tmp_path, "nok", "Nok's layer")
    theirs = _import_as(db, tmp_path, "ed2", "Other layer")
    at = _import_page(_token(db, "nok"))
    assert not at.exception, at.exception
    who = at.text_input(key="imports.who")
    assert "your account nok is recorded" in who.label  # the name is optional
    assert len(at.get("file_uploader")) == 2
    assert _delete_keys(at) == [f"imports.delete.{mine}"]
    at.button(key=f"imports.delete.{mine}").click().run()
    assert not at.exception
    with open_app_store(db) as store:
        assert [r.slug for r in imp.list_imports(store)] == [theirs]
    admin = _import_page(_token(db, "boss"))  # the admin may delete anyone's
    assert _delete_keys(admin) == [f"imports.delete.{theirs}"]


def _workshop(db: Path, owner: str | None = "fa") -> tuple[str, str]:
    """A workshop with one contribution, created by the account ``owner`` (None: PIN only)."""
    with open_app_store(db) as store:
        actor = sign_in(store, owner, PASSWORDS[owner]).actor if owner else None
        code = sk.create_workshop(store, title="Co-sensing", pin="2468", actor=actor).code
        group = sk.join_workshop(store, code, "g")
        item = sk.add_contribution(
            store, group, category="problem", strategy="default", title="spam", geometry=None
        )
    return code, item.id


def _facilitator_view(token: str | None) -> AppTest:
    at = AppTest.from_file(WORKSHOP, default_timeout=60)
    if token:
        at.session_state["account.token"] = token
    at.run()
    return at.radio(key="workshop.view").set_value("facilitator").run()


def test_facilitator_account_opens_the_facilitator_view_without_the_pin(db: Path) -> None:
    code, item_id = _workshop(db)
    at = _facilitator_view(_token(db, "fa"))
    assert not at.exception, at.exception
    picker = at.selectbox(key="workshop.fac.account_code")
    assert picker.options and code in picker.options[0]
    at.text_input(key="workshop.fac.code")  # the PIN form stays for PIN holders
    at.button(key="FormSubmitter:workshop.account_form-Open the facilitator view").click().run()
    assert not at.exception, at.exception
    assert at.session_state["workshop.facilitator"] == (code, "")
    captions = [c.value.replace("\\", "").replace("\u2060", "") for c in at.caption]
    assert any("Facilitating as fa (fa)" in c for c in captions), captions
    at.button(key="workshop.fac.hide_btn").click().run()
    assert not at.exception
    with open_app_store(db) as store:
        assert sk.get_contribution(store, item_id).hidden is True
        ws = sk.get_workshop(store, code)
        assert ("facilitator:fa", "hide") in [
            (e.actor, e.action) for e in sk.audit_log(store, ws.id)
        ]
    # signed out (the token is gone): the view opened by the account closes; the PIN form
    del at.session_state["account.token"]
    at.run()
    assert "workshop.facilitator" not in at.session_state
    assert at.text_input(key="workshop.fac.pin") is not None


@pytest.mark.parametrize("name", ["nok", None])
def test_an_editor_or_a_visitor_gets_only_the_pin_form(db: Path, name: str | None) -> None:
    _workshop(db)
    at = _facilitator_view(_token(db, name) if name else None)
    assert not at.exception, at.exception
    assert not [s for s in at.selectbox if s.key == "workshop.fac.account_code"]
    assert at.text_input(key="workshop.fac.pin") is not None


def _plain(markdown: str) -> str:
    """Text as read on the page (without `escape_markdown`'s backslashes and joiners)."""
    return markdown.replace("\\", "").replace("\u2060", "")


def _listed(at: AppTest) -> list[str]:
    """Join codes in the account's list of workshops (the table and the picker agree)."""
    (table,) = [d.value for d in at.dataframe]
    codes = [str(c) for c in table["Join code"]]
    picker = at.selectbox(key="workshop.fac.account_code")
    assert [str(o).split("(")[-1].split(",")[0] for o in picker.options] == codes
    return codes


def test_a_facilitator_lists_and_opens_only_its_own_workshops(db: Path) -> None:
    """fa sees its workshop only (not ed2's PIN-only one nor another facilitator's); a
    workshop created on the page while signed in is fa's at once; the admin sees all."""
    mine, _ = _workshop(db, "fa")
    theirs, _ = _workshop(db, "fb")
    pin_only, _ = _workshop(db, None)
    at = _facilitator_view(_token(db, "fa"))
    assert not at.exception, at.exception
    assert _listed(at) == [mine]
    assert any("Your workshops: open as fa without the PIN" in _plain(m.value) for m in at.markdown)
    # create one on the Join view while signed in: the account owns it and lists it
    at.radio(key="workshop.view").set_value("join").run()
    captions = [_plain(c.value) for c in at.caption]
    assert any("Signed in as fa (fa): this account runs the new workshop" in c for c in captions)
    at.text_input(key="workshop.create.title").input("Fa's second evening")
    at.text_input(key="workshop.create.pin").input("1357")
    next(b for b in at.button if str(b.key).startswith("FormSubmitter:workshop.create")).click()
    at.run()
    assert not at.exception, at.exception
    with open_app_store(db) as store:
        made = next(w for w in sk.list_workshops(store) if w.title == "Fa's second evening")
        assert made.owner == "fa"
        assert [(e.actor, e.action) for e in sk.audit_log(store, made.id)] == [
            ("facilitator:fa", "create_workshop")
        ]
    at.radio(key="workshop.view").set_value("facilitator").run()
    assert _listed(at) == [made.code, mine]  # newest first; never theirs nor the PIN-only one
    admin = _facilitator_view(_token(db, "boss"))
    assert not admin.exception, admin.exception
    assert sorted(_listed(admin)) == sorted([made.code, mine, theirs, pin_only])
    assert any("All workshops: open as boss" in _plain(m.value) for m in admin.markdown)


def test_a_facilitator_without_workshops_opens_a_colleague_s_with_its_pin(db: Path) -> None:
    theirs, _ = _workshop(db, None)  # PIN only: no account runs it
    at = _facilitator_view(_token(db, "fa"))
    assert not at.exception, at.exception
    assert not at.dataframe and not [
        s for s in at.selectbox if s.key == "workshop.fac.account_code"
    ]
    assert any("You have no workshops yet" in i.value for i in at.info)
    at.text_input(key="workshop.fac.code").input(theirs)
    at.text_input(key="workshop.fac.pin").input("2468")
    at.button(key="FormSubmitter:workshop.pin_form-Open the facilitator view").click().run()
    assert not at.exception, at.exception
    assert at.session_state["workshop.facilitator"] == (theirs, "2468")
    at.button(key="workshop.fac.hide_btn").click().run()  # moderation with the PIN
    assert not at.exception and not at.error, [e.value for e in at.error]
    with open_app_store(db) as store:
        ws = sk.get_workshop(store, theirs)
        assert ws.owner is None
        assert ("facilitator:fa", "hide") in [
            (e.actor, e.action) for e in sk.audit_log(store, ws.id)
        ]


def test_sign_in_writes_the_session_cookie_and_sign_out_clears_it(db: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("ui/pages/sign_in.py").run()
    at.text_input(key="account.username").input("nok")
    at.text_input(key="account.password").input(PASSWORDS["nok"])
    at.button[0].click().run()
    token = at.session_state["account.token"]
    scripts = [h.proto.body for h in at.get("html")]
    assert any(
        f"cmgis_session_8501={token}; Path=/; Max-Age=28800; SameSite=Strict" in s for s in scripts
    ), scripts
    at.run()  # written once, not on every rerun
    assert not any("cmgis_session_" in h.proto.body for h in at.get("html"))
    at.sidebar.button(key="account.sign_out").click().run()
    scripts = [h.proto.body for h in at.get("html")]
    assert any("cmgis_session_8501=; Path=/; Max-Age=0" in s for s in scripts), scripts
    assert token not in "".join(scripts)


def test_the_cookie_script_takes_only_a_token() -> None:
    from ui.account import cookie_script

    with pytest.raises(ValueError, match="not a session token"):
        cookie_script('x"; alert(1); //' + "a" * 30)
    assert "Max-Age=0" in cookie_script("")


def test_the_account_s_workshop_list_is_thai_on_a_thai_page(db: Path) -> None:
    from tests.app.test_thai_everywhere import english_in

    mine, _ = _workshop(db, "fa")
    at = AppTest.from_file(WORKSHOP, default_timeout=60)
    at.session_state["account.token"] = _token(db, "fa")
    at.session_state["lang"] = "th"
    at.run()
    at.radio(key="workshop.view").set_value("facilitator").run()
    assert not at.exception, at.exception
    header = next(_plain(m.value) for m in at.markdown if "เวิร์กช็อปของคุณ" in m.value)
    (table,) = [d.value for d in at.dataframe]
    assert list(table.columns) == ["เวิร์กช็อป", "รหัสเข้าร่วม", "วันที่"]
    assert [str(c) for c in table["รหัสเข้าร่วม"]] == [mine]
    at.radio(key="workshop.view").set_value("join").run()
    caption = next(_plain(c.value) for c in at.caption if "ลงชื่อเข้าใช้ในนาม" in c.value)
    # the account's name (fa) is a proper name; nothing else is English
    assert english_in(header.replace("fa", "")) == []
    assert english_in(caption.replace("fa", "")) == []
