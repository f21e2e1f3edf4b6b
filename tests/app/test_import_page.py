"""AppTest of the Import page: check a file, answer its CRS question, import, list, delete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cmgis.imports import list_imports
from cmgis.store import open_app_store
from tests import imports_support as sup

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store.sqlite"
    monkeypatch.setenv("CMGIS_DB", str(path))
    return path


def _plain(text: str) -> str:
    """Markdown text as read: escapes and the word joiners of `escape_markdown` removed."""
    return text.replace("\\", "").replace("\u2060", "")


def _app(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "import"
    at.query_params["lang"] = lang
    return at.run()


def test_page_asks_for_a_name_then_a_file(db: Path) -> None:
    at = _app()
    assert not at.exception
    assert at.title[0].value == "Import your own data"
    assert any("Type your name" in i.value for i in at.info)
    at.text_input(key="imports.who").set_value("Somchai").run()
    assert any("Choose a file" in i.value for i in at.info)


def test_file_without_crs_is_confirmed_then_imported_and_deleted(db: Path, tmp_path: Path) -> None:
    path = sup.shapefile_zip(tmp_path, sup.tambons().to_crs(32647), keep=("shp", "shx", "dbf"))
    at = _app()
    at.text_input(key="imports.who").set_value("สมชาย").run()
    at.session_state["imports.upload"] = {"name": "อำเภอเมือง.zip", "data": path.read_bytes()}
    at.run()
    assert not at.exception
    assert any("no coordinate reference system" in _plain(e.value) for e in at.error)
    radio = at.radio(key="_w_imports_crs")
    assert list(radio.options) == ["EPSG:32647", "EPSG:24047"]
    radio.set_value("EPSG:32647").run()
    report = _plain("\n".join(m.value for m in at.markdown))
    assert "TIS-620/cp874" in report and "EPSG:32647" in report
    with open_app_store(db) as store:
        assert list_imports(store) == []  # checked, not yet stored
    title = next(w for w in at.text_input if w.label == "Title")
    title.set_value("Tambons from DOPA")
    next(w for w in at.text_input if w.label.startswith("Source")).set_value("DOPA 2024")
    submit = next(b for b in at.button if b.label == "Import")
    submit.click().run()
    assert not at.exception
    with open_app_store(db) as store:
        records = list_imports(store)
    assert [(r.name, r.created_by, r.provenance.source) for r in records] == [
        ("Tambons from DOPA", "สมชาย", "DOPA 2024")
    ]
    assert any("user:tambons_from_dopa" in _plain(s.value) for s in at.success)
    delete = next(b for b in at.button if b.label == "Delete")
    delete.click().run()
    with open_app_store(db) as store:
        assert list_imports(store) == []


def test_thai_page_and_refusal_in_thai(db: Path, tmp_path: Path) -> None:
    at = _app("th")
    assert at.title[0].value == "นำเข้าข้อมูลของคุณเอง"
    at.text_input(key="imports.who").set_value("สมชาย").run()
    at.session_state["imports.upload"] = {"name": "bomb.zip", "data": _bomb(tmp_path)}
    at.run()
    assert not at.exception
    errors = _plain(" ".join(e.value for e in at.error))
    assert "zip bomb" in errors and "ปฏิเสธ" in errors and "Refused" not in errors


def _bomb(tmp_path: Path) -> bytes:
    import zipfile

    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("layer.dbf", bytes(20 * 1024 * 1024))
    return path.read_bytes()


def test_imported_indicator_table_colours_the_map(db: Path, tmp_path: Path) -> None:
    from cmgis.imports import prepare_table, store_table

    csv = tmp_path / "internet.csv"
    csv.write_text(
        "zone_id,internet_speed_mbps\nnimman,312.5\nold_town,95\nsuan_dok,140\n"
        "mae_kha,88\nmae_hia,41\n",
        encoding="utf-8",
    )
    with open_app_store(db) as store:
        store_table(store, prepare_table(csv), imported_by="ISP", source="Operator survey")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "map"
    at.run()
    box = at.selectbox(key="_w_map_indicator")
    assert "Internet speed (Mbit/s) (imported table)" in box.options
    box.set_value("internet_speed_mbps").run()
    assert not at.exception
    el = next(e for e in at.main if type(e).__name__ == "UnknownElement")
    html = re.sub(r"\\+u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)),
                  str(el.proto.json_args))  # fmt: skip
    assert "Internet speed (Mbit/s) (imported table)" in html and "312" in html


def test_about_page_lists_imports(db: Path, tmp_path: Path) -> None:
    from cmgis.imports import prepare_import, store_import

    path = tmp_path / "pts.geojson"
    sup.points().to_file(path, driver="GeoJSON")
    with open_app_store(db) as store:
        store_import(
            store,
            prepare_import(path),
            imported_by="me",
            title="Points about",
            source="City office",
            licence="CC BY 4.0",
            date="2025",
        )
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "about"
    at.run()
    assert not at.exception
    assert any(h.value == "Imported data" for h in at.subheader)
    frame = next(d.value for d in at.dataframe if "Points about" in d.value.to_string())
    assert "City office" in frame.to_string() and "CC BY 4.0" in frame.to_string()


def test_imported_indicator_fills_the_zone_profile_gap(db: Path, tmp_path: Path) -> None:
    from cmgis.imports import prepare_table, store_table

    csv = tmp_path / "internet.csv"
    csv.write_text("zone_id,internet_speed_mbps\nnimman,312.5\n", encoding="utf-8")
    with open_app_store(db) as store:
        store_table(store, prepare_table(csv), imported_by="ISP", source="Operator survey")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "zones"
    at.query_params["zone"] = "nimman"
    at.run()
    assert not at.exception
    tables = " ".join(d.value.to_string() for d in at.dataframe) + " ".join(
        str(tb.value) for tb in at.table
    )
    assert "(imported table)" in tables and "312" in tables


def test_thai_import_page_has_no_english(db: Path, tmp_path: Path) -> None:
    from tests.app.test_thai_everywhere import _problems

    path = tmp_path / "pts.geojson"
    sup.points().to_file(path, driver="GeoJSON")
    at = _app("th")
    at.text_input(key="imports.who").set_value("สมชาย").run()
    at.session_state["imports.upload"] = {"name": "จุด.geojson", "data": path.read_bytes()}
    at.run()
    assert at.markdown, "no report"
    assert _problems(at) == []
