"""AppTest of the hall flow: the join link fills the code and lands on the map, anonymous
groups, the consent step (refused and given), the facilitator's QR code and deletion."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cmgis import workshop as sk
from cmgis.store import open_app_store

PAGE = str(Path(__file__).resolve().parents[2] / "ui" / "pages" / "workshop.py")
PIN = "2468"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "hall.sqlite"
    monkeypatch.setenv("CMGIS_DB", str(path))
    return path


def _by_link(code: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["code"] = code.lower()
    at.session_state["lang"] = lang
    return at.run()


def test_link_fills_the_code_and_a_group_name_lands_on_the_map(db: Path) -> None:
    with open_app_store(db) as s:
        code = sk.create_workshop(s, title="hall", pin=PIN).code
    at = _by_link(code)
    assert at.radio(key="workshop.view").value == "join"
    assert at.text_input(key="workshop.join.code").value == code
    assert not at.expander  # no "create a workshop" form for a participant by link
    at.text_input(key="workshop.join.group").input("Table 4")
    at.button[0].click().run()
    assert not at.exception
    assert at.radio(key="workshop.view").value == "map"
    assert "Joined as Table 4" in at.success[0].value
    assert "workshop.active_group_select" not in at.session_state  # one group: no picker


def test_anonymous_group_joins_with_an_empty_name(db: Path) -> None:
    with open_app_store(db) as s:
        code = sk.create_workshop(s, title="hall", pin=PIN, allow_anonymous=True).code
    at = _by_link(code, "th")
    at.button[0].click().run()
    assert not at.exception
    assert "#1" in at.success[0].value


@pytest.mark.parametrize("agree", [False, True])
def test_consent_step_refused_or_given(db: Path, agree: bool) -> None:
    with open_app_store(db) as s:
        ws = sk.create_workshop(s, title="hall", pin=PIN, ask_details="name",
                                consent_en="We keep names.", consent_th="เราเก็บชื่อ")  # fmt: skip
    code = ws.code
    at = _by_link(code, "th")
    at.text_input(key="workshop.join.group").input("โต๊ะ 1")
    at.button[0].click().run()
    assert "เราเก็บชื่อ" in "\n".join(m.value for m in at.markdown)
    at.text_input(key="workshop.consent.name").input("สมชาย")
    label = "ยินยอม: เก็บข้อมูลของฉัน" if agree else "ร่วมกิจกรรมโดยไม่ให้ข้อมูล"
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception
    with open_app_store(db) as s:
        people = sk.list_people(s, code, PIN)
    assert [p.person_name for p in people] == (["สมชาย"] if agree else [])
    assert "workshop.consent.name" not in at.session_state or agree  # the map is shown now
    assert "เราเก็บชื่อ" not in "\n".join(m.value for m in at.markdown)


def test_facilitator_sees_the_qr_code_and_deletes_a_participant(db: Path) -> None:
    with open_app_store(db) as s:
        ws = sk.create_workshop(s, title="hall", pin=PIN)
        who = sk.join_workshop(s, ws.code, "Somchai")
        sk.add_contribution(s, who, category="asset", strategy="drivers", title="ตลาด")
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.radio(key="workshop.view").set_value("facilitator").run()
    at.text_input(key="workshop.fac.code").input(ws.code)
    at.text_input(key="workshop.fac.pin").input(PIN)
    at.button[0].click().run()
    assert not at.exception
    assert any(f"/workshop?code={ws.code}" in c.value for c in at.code)
    # the QR image itself is decoded in the browser test (AppTest does not expose st.image)
    at.checkbox(key="workshop.hall.delete_sure").check().run()
    at.button(key="workshop.hall.delete_go").click().run()
    assert not at.exception
    with open_app_store(db) as s:
        assert sk.list_contributions(s, ws.id, include_deleted=True) == []
        assert [e.action for e in sk.audit_log(s, ws.id)][-1] == "delete_participant"
