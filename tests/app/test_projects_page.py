"""AppTest: the Projects page's filters, annotation form, add form and import."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

from cmgis.data.layers import load_layer
from cmgis.plan.edits import (
    ProjectDraft,
    add_project,
    edit_project,
    get_record,
    history,
    records,
)
from cmgis.plan.spec import load_plan
from cmgis.store import open_app_store
from ui.display import escape_markdown

PAGE = str(Path(__file__).resolve().parents[2] / "ui" / "pages" / "projects.py")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "app.sqlite"
    monkeypatch.setenv("CMGIS_DB", str(path))
    return path


def _page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def _table_codes(at: AppTest) -> list[str]:
    frame = at.dataframe[0].value
    return [str(c) for c in frame.iloc[:, 0]]


def test_filters_change_the_table(db: Path) -> None:
    at = _page()
    all_codes = _table_codes(at)
    assert {"1.1.1", "P05", "P06", "3.2.2"} <= set(all_codes)
    at.selectbox(key="projects_filter_strategy").set_value("drivers").run()
    drivers = _table_codes(at)
    assert "P11" in drivers  # the walking street as a living market (goal G3.3)
    assert "P06" not in drivers  # the report files the Mae Kha canal under Default
    assert "P05" not in drivers
    assert len(drivers) < len(all_codes)
    at.selectbox(key="projects_filter_strategy").set_value("__all__")
    at.selectbox(key="projects_filter_zone").set_value("mae_kha").run()
    assert "P06" in _table_codes(at)
    assert "P07" not in _table_codes(at)
    at.selectbox(key="projects_filter_status").set_value("completed").run()
    assert not at.exception
    assert "No project matches these filters." in [i.value for i in at.info]


def test_add_form_stores_with_who_and_shows_errors(db: Path) -> None:
    at = _page()
    at.text_input(key="projects_user_add").input("Somchai")
    at.text_input(key="projects_add_title_th").input("ศูนย์ข้อมูลเมือง <script>x</script>")
    at.selectbox(key="projects_add_strategy").set_value("default")
    at.multiselect(key="projects_add_zones").select("old_town")
    at.button[1].click()  # the add form's submit (the annotate form's is first)
    at.run()
    assert not at.exception
    assert "Added A001" in at.success[0].value
    with open_app_store(db) as store:
        rec = get_record(store, "A001")
    assert rec is not None
    assert rec.created_by == "Somchai"
    assert rec.fields["geometry_method"] == "zones-picked"
    assert "A001" in _table_codes(at)
    # bad input: no title -> a clear error, nothing stored
    at.text_input(key="projects_add_title_th").input("")
    at.button[1].click()
    at.run()
    assert "a title is missing" in at.error[0].value
    with open_app_store(db) as store:
        assert len(records(store)) == 1


def test_annotating_a_report_item_and_undo(db: Path) -> None:
    at = _page()
    at.selectbox(key="projects_pick").set_value("P05")
    at.run()
    assert any("cannot be changed, only annotated" in i.value for i in at.info)
    at.text_input(key="projects_user_annotate").input("Nok")
    at.text_area[0].input("legal unlock under discussion")
    at.button[0].click()
    at.run()
    assert "Saved P05 (version 1)" in at.success[0].value
    with open_app_store(db) as store:
        changes = history(store, "P05")
    assert [(c.action, c.by_user) for c in changes] == [("annotate", "Nok")]
    at.run()
    at.button(key="projects_undo").click().run()
    assert "Undid the last change of P05" in at.success[0].value
    with open_app_store(db) as store:
        rec = get_record(store, "P05")
    assert rec is not None
    assert rec.fields == {}


def test_thai_labels(db: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lang"] = "th"
    at.run()
    assert not at.exception
    assert at.title[0].value == "โครงการตามแผนปฏิบัติการ"


def _add_direct(db: Path) -> None:
    with open_app_store(db) as store:
        add_project(
            store,
            ProjectDraft(title_en="Data kiosk", strategy="drivers", geometry=Point(98.98, 18.79)),
            user="alice",
            zones=load_layer("zones"),
        )


def test_second_official_gets_the_conflict_in_the_form(db: Path) -> None:
    _add_direct(db)
    at = _page()
    at.selectbox(key="projects_pick").set_value("A001").run()  # bob opens version 1
    # alice changes it meanwhile (another browser session)

    with open_app_store(db) as store:
        edit_project(
            store, load_plan(), "A001", {"notes": "alice's note"},
            user="alice", expected_version=1, zones=load_layer("zones"),
        )  # fmt: skip
    at.text_input(key="projects_user_annotate").input("bob")
    at.text_area[0].input("bob's note")
    at.button[0].click().run()
    assert not at.exception
    assert any("changed by alice" in e.value for e in at.error)
    assert any("Someone changed this project" in w.value for w in at.warning)
    with open_app_store(db) as store:
        rec = get_record(store, "A001")
    assert rec is not None
    assert rec.fields["notes"] == "alice's note"  # nothing lost, nothing overwritten


def test_drawn_geometry_is_used_and_outside_area_refused(db: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["projects_drawing"] = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": [100.5, 13.75]},  # Bangkok
    }
    at.run()
    at.text_input(key="projects_user_add").input("Somchai")
    at.text_input(key="projects_add_title_en").input("Kiosk")
    at.button[1].click().run()
    assert any("outside the area" in e.value for e in at.error)
    at.session_state["projects_drawing"] = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": [98.985, 18.79]},
    }
    at.run()
    at.button[1].click().run()
    assert not at.exception
    with open_app_store(db) as store:
        rec = get_record(store, "A001")
    assert rec is not None
    assert rec.fields["geometry_method"] == "drawn"
    assert rec.geometry is not None
    assert rec.geometry.x == pytest.approx(98.985)


def test_import_all_or_nothing_with_escaped_error(db: Path) -> None:
    at = _page()
    bad = b"title_en,strategy\nKiosk,drivers\nEvil,[click](http://x.test)\n"
    at.file_uploader(key="projects_upload").upload("p.csv", bad, "text/csv").run()
    at.text_input(key="projects_user_import").input("Nok")
    at.button(key="projects_import").click().run()
    assert not at.exception
    message = at.error[0].value
    assert "line 3" in message
    assert escape_markdown("[click](http://x.test)") in message  # shown as text, not a link
    with open_app_store(db) as store:
        assert records(store) == []
    good = b"title_en,strategy,zones\nKiosk,drivers,old_town\nSensors,default,mae_kha\n"
    at.file_uploader(key="projects_upload").set_value(("p.csv", good, "text/csv")).run()
    at.button(key="projects_import").click().run()
    assert "Added A001, A002" in at.success[0].value
    assert {"A001", "A002"} <= set(_table_codes(at))


def test_a_typed_name_is_shown_as_text_not_markdown(db: Path) -> None:
    at = _page()
    at.selectbox(key="projects_pick").set_value("P05")
    at.run()
    at.text_input(key="projects_user_annotate").input("[click](http://evil.example) **Nok**")
    at.text_area[0].input("note")
    at.button[0].click()
    at.run()
    at.run()
    caption = next(c.value for c in at.caption if "evil" in c.value)
    # the markdown is escaped: no link, no bold, the characters shown as typed
    assert escape_markdown("[click](http://evil.example) **Nok**") in caption


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_report_goals_cosensing_and_workshops_shown(db: Path) -> None:
    at = _page()
    text = _markdown(at)
    assert "**G1.3** Create a city with a good (green) environment" in text
    assert "G1.3.4 Social innovation for the Mae Kha canal" in text
    assert "proposals filed here: P06" in text
    assert "*constraint*: Many district-development programmes" in text
    assert "**2019-08-15**" in text and "Chiangmai&Co, Wiang Kaew Road" in text
    assert "**2019-09-11**" in text and "Kheaw Suay Hom" in text
    table = at.dataframe[0].value
    canal = table[table.iloc[:, 0] == "P06"].iloc[0]
    assert canal["Filed by the report under"] == "G1.3.4; co-sensing: driving-spaces"


def test_report_sections_in_thai(db: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lang"] = "th"
    at.run()
    assert not at.exception
    text = _markdown(at)
    assert "ส่งเสริมนวัตกรรมทางสังคมในการแก้ปัญหาคลองแม่ข่า" in text
    assert "Chiangmai&Co ถนนเวียงแก้ว" in text
    assert "อุทยานวิทยาศาสตร์ มหาวิทยาลัยเชียงใหม่" in text
    assert "*ข้อจำกัด*" in text
    table = at.dataframe[0].value
    row = table[table.iloc[:, 0] == "1.2.2"].iloc[0]
    assert row["เลขที่พิมพ์ในรายงาน"] == "1.1.1"
    assert str(row["ชื่อ"]).startswith("สร้างกลไกในการกระตุ้นให้เกิดการพัฒนานวัตกรรม")
