"""Indicator tables joined by each key kind; unmatched rows listed; template of "no data"."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd
import pytest

from cmgis import ImportRefusedError
from cmgis.data import load_catalog
from cmgis.imports import (
    delete_table,
    imported_indicators,
    indicator_template_csv,
    list_tables,
    prepare_table,
    store_table,
)
from cmgis.store import open_app_store
from tests import imports_support as sup


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("CMGIS_DB", str(tmp_path / "s.sqlite"))
    s = open_app_store()
    yield s
    s.close()


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "table.csv"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("header", "keys", "level", "kind"),
    [
        ("zone_id", ["nimman", "old_town"], "zones", "zone_id"),
        ("ADM3_PCODE", ["TH500101", "TH500102"], "tambons", "pcode"),
        ("tambon_code", ["500101", "500102"], "tambons", "code6"),
        ("name_th", ["ศรีภูมิ", "พระสิงห์"], "tambons", "name"),
        ("name_en", ["Si Phum", "Phra Sing"], "tambons", "name"),
        ("ย่าน", ["นิมมานเหมินท์", "เมืองเก่า"], "zones", "name"),
    ],
)
def test_joined_by_each_key_kind(tmp_path: Path, header, keys, level, kind) -> None:
    text = f"{header},population,note\n{keys[0]},1200,a\n{keys[1]},,b\nNowhere,5,c\n"
    prepared = prepare_table(_csv(tmp_path, text))
    assert (prepared.level, prepared.key_kind) == (level, kind)
    assert prepared.indicators == ("population",)  # the text column is not an indicator
    values = prepared.values["population"]
    assert values.iloc[0] == 1200 and math.isnan(values.iloc[1])  # blank = no data, not 0
    assert prepared.unmatched == ((4, "Nowhere"),)


def test_cp874_table_and_stored_values(store, tmp_path: Path) -> None:
    text = "ตำบล,population_by_zone\nศรีภูมิ,8000\nหายยา,9000\n"
    prepared = prepare_table(_csv(tmp_path, text, "cp874"))
    record = store_table(
        store, prepared, imported_by="สมศรี", source="DOPA registry", date="2024-12"
    )
    assert [t.id for t in list_tables(store)] == [record.id]
    table = imported_indicators(store, "tambons")
    assert table.loc["TH500101", "population_by_zone"] == 8000
    assert table.loc["TH500103", "population_by_zone"] == 9000
    assert record.source == "DOPA registry" and record.created_by == "สมศรี"
    delete_table(store, record.id)
    assert imported_indicators(store, "tambons").empty


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("value,other\n1,2\n", "table_no_key"),
        ("zone_id,note\nnimman,x\n", "table_no_values"),
        ("zone_id,value\nnimman,1\nnimman,2\n", "table_duplicate"),
        ("zone_id,value\nnimman,1\nold_town,abc\nsuan_dok,3\n", "table_bad_value"),
        ("zone_id,value\nmars,1\n", "table_nothing_matched"),
    ],
)
def test_bad_tables_refused(tmp_path: Path, text: str, code: str) -> None:
    with pytest.raises(ImportRefusedError) as err:
        prepare_table(_csv(tmp_path, text))
    assert err.value.code == code and err.value.message("th") != str(err.value)


def test_template_lists_the_no_data_indicators() -> None:
    gaps = [e.id for e in load_catalog().no_data]
    frame = pd.read_csv(io.BytesIO(indicator_template_csv("tambons")), encoding="utf-8-sig")
    assert list(frame.columns) == ["ADM3_PCODE", "name_th", "name_en", *gaps]
    assert len(frame) == len(sup.tambons()) and frame[gaps].isna().all().all()
    zones = pd.read_csv(io.BytesIO(indicator_template_csv("zones")), encoding="utf-8-sig")
    assert list(zones["zone_id"]) == ["nimman", "old_town", "suan_dok", "mae_kha", "mae_hia"]


def test_filled_template_round_trips(tmp_path: Path) -> None:
    frame = pd.read_csv(io.BytesIO(indicator_template_csv("zones")), encoding="utf-8-sig")
    frame["internet_speed_mbps"] = [100, 80, 90, 70, 60]
    path = tmp_path / "filled.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    prepared = prepare_table(path)
    assert prepared.level == "zones" and prepared.key_kind == "zone_id"
    assert prepared.indicators == ("internet_speed_mbps",)  # empty gap columns are left out
    assert prepared.unmatched == ()


def test_imported_indicators_are_exportable(store, tmp_path: Path) -> None:
    import geopandas as gpd
    import pyogrio

    from cmgis.sources import export_selection, registry

    text = "ADM3_PCODE,population_by_zone\nTH500101,8000\n"
    store_table(store, prepare_table(_csv(tmp_path, text)), imported_by="สมศรี",
                source="DOPA registry", licence="open", date="2024-12")  # fmt: skip
    item = registry.lookup("imported_indicators:tambons")
    meta = item.meta()
    assert meta.source == "DOPA registry" and "population_by_zone" in meta.description
    layer = item.load()
    assert isinstance(layer, gpd.GeoDataFrame) and len(layer) == 16
    assert layer.set_index("tambon_code").loc["TH500101", "population_by_zone"] == 8000
    assert math.isnan(layer.set_index("tambon_code").loc["TH500102", "population_by_zone"])
    out = export_selection(["imported_indicators:tambons"], fmt="gpkg", crs="EPSG:4326",
                           output=tmp_path / "out.gpkg")  # fmt: skip
    (name, _), *_ = pyogrio.list_layers(out)
    back = pyogrio.read_dataframe(out, layer=name)
    assert sorted(back["population_by_zone"].dropna()) == [8000]
