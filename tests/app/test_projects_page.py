"""AppTest: the Projects page's filters, annotation form, add form and import."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cmgis.project_edits import get_record, history, open_project_edits, records
from cmgis.store import open_store

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
    assert "P06" in drivers
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
    with open_store(db) as store:
        rec = get_record(open_project_edits(store), "A001")
    assert rec is not None
    assert rec.created_by == "Somchai"
    assert rec.fields["geometry_method"] == "zones-picked"
    assert "A001" in _table_codes(at)
    # bad input: no title -> a clear error, nothing stored
    at.text_input(key="projects_add_title_th").input("")
    at.button[1].click()
    at.run()
    assert "a title is missing" in at.error[0].value
    with open_store(db) as store:
        assert len(records(open_project_edits(store))) == 1


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
    with open_store(db) as store:
        changes = history(open_project_edits(store), "P05")
    assert [(c.action, c.by_user) for c in changes] == [("annotate", "Nok")]
    at.run()
    at.button(key="projects_undo").click().run()
    assert "Undid the last change of P05" in at.success[0].value
    with open_store(db) as store:
        rec = get_record(open_project_edits(store), "P05")
    assert rec is not None
    assert rec.fields == {}


def test_thai_labels(db: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lang"] = "th"
    at.run()
    assert not at.exception
    assert at.title[0].value == "โครงการตามแผนปฏิบัติการ"
