"""Bad files: one per failure, each refused with its own message, the store unchanged.

Every file is made here; each is imported the way the page and the CLI do (check, then
store) and must raise `ImportRefusedError` with its own code, a message in English and
Thai, and leave every table of the store as it was (compared row by row).
"""

from __future__ import annotations

import json
import re
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import rasterio
from rasterio.transform import from_origin

from cmgis import ImportRefusedError
from cmgis.imports import archive, prepare_import, store_import
from cmgis.store import open_app_store
from tests import imports_support as sup

THAI = re.compile("[\u0e00-\u0e7f]")


def _zip(path: Path, members: dict[str, bytes], *, compress: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compress) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _shp_parts(tmp: Path) -> dict[str, bytes]:
    zipped = sup.shapefile_zip(tmp, sup.tambons().to_crs(32647), name="parts.zip")
    with zipfile.ZipFile(zipped) as z:
        return {n: z.read(n) for n in z.namelist()}


def empty_file(tmp: Path) -> Path:
    (tmp / "empty.geojson").write_bytes(b"")
    return tmp / "empty.geojson"


def unreadable(tmp: Path) -> Path:
    (tmp / "broken.gpkg").write_bytes(b"SQLite format 3\x00" + b"\x07" * 2000)
    return tmp / "broken.gpkg"


def wrong_extension(tmp: Path) -> Path:
    path = tmp / "really_a_geopackage.gpkg"
    pyogrio.write_dataframe(sup.tambons(), path, driver="GPKG")
    return path.rename(tmp / "really_a_geopackage.geojson")


def unknown_format(tmp: Path) -> Path:
    (tmp / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    return tmp / "photo.png"


def no_features(tmp: Path) -> Path:
    return sup.geojson(tmp, {"type": "FeatureCollection", "features": []})


def crs_missing(tmp: Path) -> Path:
    return sup.shapefile_zip(tmp, sup.tambons().to_crs(32647), keep=("shp", "shx", "dbf"))


def crs_none_fits(tmp: Path) -> Path:
    (tmp / "xy.csv").write_text("name,x,y\na,5,5\nb,6,6\n", encoding="utf-8")
    return tmp / "xy.csv"


def outside_swapped(tmp: Path) -> Path:
    pt = {"type": "Point", "coordinates": [18.79, 98.98]}
    return sup.geojson(tmp, sup.feature_collection([pt]))


def outside_metres(tmp: Path) -> Path:
    pt = {"type": "Point", "coordinates": [498000.0, 2077000.0]}
    return sup.geojson(tmp, sup.feature_collection([pt]))


def outside_elsewhere(tmp: Path) -> Path:
    pt = {"type": "Point", "coordinates": [100.5018, 13.7563]}  # Bangkok
    return sup.geojson(tmp, sup.feature_collection([pt]))


def not_finite(tmp: Path) -> Path:
    (tmp / "inf.csv").write_text("name,lon,lat\na,inf,18.8\n", encoding="utf-8")
    return tmp / "inf.csv"


def invalid_geometry(tmp: Path) -> Path:
    # a polygon collapsed to a line: no area is left to repair
    flat = {
        "type": "Polygon",
        "coordinates": [[[98.98, 18.78], [98.99, 18.78], [99.0, 18.78], [98.98, 18.78]]],
    }
    return sup.geojson(tmp, sup.feature_collection([flat]))


def mixed_types(tmp: Path) -> Path:
    pt = {"type": "Point", "coordinates": [98.98, 18.79]}
    line = {"type": "LineString", "coordinates": [[98.98, 18.79], [98.99, 18.8]]}
    return sup.geojson(tmp, sup.feature_collection([pt, line]))


def too_big(tmp: Path) -> Path:
    path = tmp / "huge.geojson"
    with path.open("wb") as f:  # a sparse file: 51 MB on paper, nothing on disk
        f.write(b"{")
        f.truncate(51 * 1024 * 1024)
    return path


def too_many_features(tmp: Path) -> Path:
    return sup.many_points(tmp, 200_001)


def zip_traversal(tmp: Path) -> Path:
    return _zip(tmp / "evil.zip", {"../../etc/cron.d/x.shp": b"x", "a.shx": b"x"})


def zip_symlink(tmp: Path) -> Path:
    path = tmp / "link.zip"
    with zipfile.ZipFile(path, "w") as z:
        info = zipfile.ZipInfo("layer.shp")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(info, "/etc/passwd")
    return path


def zip_nested(tmp: Path) -> Path:
    inner = _zip(tmp / "inner.zip", {"a.txt": b"a"})
    return _zip(tmp / "outer.zip", {"inner.zip": inner.read_bytes()})


def zip_ratio(tmp: Path) -> Path:
    return _zip(tmp / "bomb.zip", {"layer.dbf": bytes(20 * 1024 * 1024)})


def zip_no_data(tmp: Path) -> Path:
    return _zip(tmp / "readme.zip", {"README.txt": b"nothing here"})


def shp_incomplete(tmp: Path) -> Path:
    parts = _shp_parts(tmp)
    return _zip(tmp / "only_shp.zip", {"layer.shp": parts["layer.shp"]})


def zip_damaged(tmp: Path) -> Path:
    (tmp / "cut.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    return tmp / "cut.zip"


def encoding(tmp: Path) -> Path:
    (tmp / "latin.csv").write_bytes("name,lon,lat\nCaf\u20ac,98.98,18.79\n".encode("cp1252"))
    return tmp / "latin.csv"


def csv_no_geometry(tmp: Path) -> Path:
    (tmp / "table.csv").write_text("name,value\nก,1\n", encoding="utf-8")
    return tmp / "table.csv"


def csv_bad_value(tmp: Path) -> Path:
    (tmp / "bad.csv").write_text("name,lon,lat\nก,98.98,18.79\nข,east,18.8\n", encoding="utf-8")
    return tmp / "bad.csv"


def choose_layer(tmp: Path) -> Path:
    path = tmp / "two.gpkg"
    pyogrio.write_dataframe(sup.tambons(), path, layer="a")
    pyogrio.write_dataframe(sup.points(), path, layer="b")
    return path


def raster_no_crs(tmp: Path) -> Path:
    path = tmp / "nocrs.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=4,
        height=4,
        count=1,
        dtype="uint8",
        transform=from_origin(498000, 2077000, 10, 10),
    ) as dst:
        dst.write(np.ones((4, 4), dtype="uint8"), 1)
    return path


MAKERS: dict[str, Callable[[Path], Path]] = {
    f.__name__: f
    for f in (
        empty_file,
        unreadable,
        wrong_extension,
        unknown_format,
        no_features,
        crs_missing,
        crs_none_fits,
        outside_swapped,
        outside_metres,
        outside_elsewhere,
        not_finite,
        invalid_geometry,
        mixed_types,
        too_big,
        too_many_features,
        zip_traversal,
        zip_symlink,
        zip_nested,
        zip_ratio,
        zip_no_data,
        shp_incomplete,
        zip_damaged,
        encoding,
        csv_no_geometry,
        csv_bad_value,
        choose_layer,
        raster_no_crs,
    )
}


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("CMGIS_DB", str(tmp_path / "s.sqlite"))
    s = open_app_store()
    # a layer already there: a refusal must leave it (and everything else) as it was
    store_import(
        s,
        prepare_import(
            sup.geojson(tmp_path, json.loads(sup.tambons().to_json()), "existing.geojson")
        ),
        imported_by="a",
        title="Existing",
    )
    yield s
    s.close()


@pytest.mark.parametrize("code", sorted(MAKERS))
def test_bad_file_refused_with_its_own_message(store, tmp_path: Path, code: str) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    path = MAKERS[code](folder)
    before = sup.store_snapshot(store)
    with pytest.raises(ImportRefusedError) as err:
        store_import(store, prepare_import(path), imported_by="tester")
    assert err.value.code == code
    assert path.name[:20] in str(err.value) or code in ("zip_traversal",)
    assert THAI.search(err.value.message("th")) and err.value.message("th") != str(err.value)
    assert sup.store_snapshot(store) == before


def test_every_refusal_has_its_own_message(tmp_path: Path) -> None:
    messages = {}
    for code, make in MAKERS.items():
        folder = tmp_path / code
        folder.mkdir()
        with pytest.raises(ImportRefusedError) as err:
            prepare_import(make(folder))
        messages[code] = str(err.value).replace(make(folder).name, "")
    assert len(set(messages.values())) == len(MAKERS)


def test_zip_total_size_checked_before_unpacking(tmp_path: Path, monkeypatch) -> None:
    # three members that compress modestly but add up past the limit (lowered for speed)
    monkeypatch.setattr(archive, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    rng = np.random.default_rng(0)
    members = {f"part{i}.csv": rng.bytes(1024 * 1024) for i in range(3)}
    path = _zip(tmp_path / "big.zip", members)
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(ImportRefusedError) as err:
        archive.unpack_archive(path, target, name="big.zip")
    assert err.value.code == "zip_total"
    assert list(target.iterdir()) == []  # nothing was unpacked


def test_zip_bomb_refused_before_any_byte_is_written(tmp_path: Path) -> None:
    path = zip_ratio(tmp_path)
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(ImportRefusedError):
        archive.unpack_archive(path, target, name="bomb.zip")
    assert list(target.iterdir()) == []


def test_encrypted_member_refused_as_damaged(tmp_path: Path) -> None:
    path = _zip(tmp_path / "locked.zip", {"layer.geojson": b"{}"})
    data = bytearray(path.read_bytes())
    # set the "encrypted" flag in the local header and the central directory entry
    data[6] |= 1
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 1
    path.write_bytes(bytes(data))
    with pytest.raises(ImportRefusedError) as err:
        prepare_import(path)
    assert err.value.code == "zip_damaged"
