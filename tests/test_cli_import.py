"""``cmgis import``: --check exit codes (0 good, 2 refused), refusals in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmgis.cli.main import main
from cmgis.imports import list_imports
from cmgis.store import open_app_store
from tests import imports_support as sup


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "s.sqlite"
    monkeypatch.setenv("CMGIS_DB", str(path))
    return path


def _count(db: Path) -> int:
    with open_app_store(db) as store:
        return len(list_imports(store))


def test_check_good_file_exits_0_and_stores_nothing(db: Path, tmp_path: Path, capsys) -> None:
    path = sup.shapefile_zip(
        tmp_path, sup.tambons().to_crs(32647), keep=("shp", "shx", "dbf", "prj")
    )
    assert main(["import", str(path), "--check"]) == 0
    out = capsys.readouterr().out
    assert "TIS-620/cp874" in out and "EPSG:32647" in out and "ตรวจสอบเท่านั้น" in out
    assert _count(db) == 0


def test_missing_crs_names_candidates_unless_crs_given(db: Path, tmp_path: Path, capsys) -> None:
    path = sup.shapefile_zip(tmp_path, sup.tambons().to_crs(24047), keep=("shp", "shx", "dbf"))
    assert main(["import", str(path), "--check"]) == 2
    err = capsys.readouterr().err
    assert "EPSG:32647 / EPSG:24047" in err and "ปฏิเสธ" in err
    assert (
        main(
            [
                "import",
                str(path),
                "--crs",
                "EPSG:24047",
                "--title",
                "Tambons 1975",
                "--by",
                "tester",
                "--source",
                "old survey",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.strip().endswith("user:tambons_1975")
    assert _count(db) == 1


def test_bad_file_exits_2_and_stores_nothing(db: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "empty.geojson"
    path.write_bytes(b"")
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "is empty" in err and "ว่างเปล่า" in err
    assert main(["import", str(path), "--check"]) == 2
    assert _count(db) == 0


def test_bad_crs_option_exits_2(db: Path, tmp_path: Path, capsys) -> None:
    path = sup.shapefile_zip(tmp_path, sup.tambons().to_crs(32647), keep=("shp", "shx", "dbf"))
    assert main(["import", str(path), "--check", "--crs", "EPSG:999999"]) == 2
    assert "not a coordinate reference system" in capsys.readouterr().err


def test_import_table_lists_unmatched_rows_and_stores(db: Path, tmp_path: Path, capsys) -> None:
    from cmgis.imports import list_tables

    path = tmp_path / "pop.csv"
    path.write_text("ADM3_PCODE,population\nTH500101,8000\nTH599999,1\n", encoding="utf-8")
    assert main(["import-table", str(path), "--check"]) == 0
    out = capsys.readouterr().out
    assert "row 3: 'TH599999' matched no area" in out
    assert main(["import-table", str(path), "--source", "DOPA"]) == 0
    with open_app_store(db) as store:
        assert [t.source for t in list_tables(store)] == ["DOPA"]
    bad = tmp_path / "bad.csv"
    bad.write_text("value\n1\n", encoding="utf-8")
    assert main(["import-table", str(bad)]) == 2
    assert main(["import-table", str(bad), "--template", "zones"]) == 0
    assert "internet_speed_mbps" in capsys.readouterr().out
