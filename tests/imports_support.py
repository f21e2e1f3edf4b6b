"""Files for the import tests, made in code from the real tambon layer (Thai names).

Each maker writes one file under ``folder`` and returns its path. Good files carry the
16 tambons of the built layer (real boundaries, real Thai names); bad files each break
one rule of `cmgis.imports`.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from cmgis.data.layers import load_layer
from cmgis.store import Store


def tambons() -> gpd.GeoDataFrame:
    """The 16 tambons (EPSG:4326) with their code and Thai and English names."""
    layer = load_layer("tambons")[["tambon_code", "name_th", "name_en", "geometry"]]
    return layer.rename(columns={"tambon_code": "code"}).reset_index(drop=True)


def points() -> gpd.GeoDataFrame:
    """One point per tambon (a point inside it), EPSG:4326."""
    layer = tambons()
    return layer.set_geometry(layer.geometry.representative_point())


def shapefile_zip(
    folder: Path,
    layer: gpd.GeoDataFrame,
    *,
    name: str = "tambons.zip",
    encoding: str = "cp874",
    keep: tuple[str, ...] = ("shp", "shx", "dbf", "prj", "cpg"),
    ldid: int | None = None,
) -> Path:
    """A zipped Shapefile of ``layer`` in ``encoding``, with only the parts in ``keep``.

    ``ldid`` overwrites the DBF's language driver byte (0 = none, 0x7C = Thai).
    """
    work = folder / (name + ".parts")
    work.mkdir(parents=True, exist_ok=True)
    pyogrio.write_dataframe(layer, work / "layer.shp", encoding=encoding)
    dbf = work / "layer.dbf"
    if ldid is not None:
        data = bytearray(dbf.read_bytes())
        data[29] = ldid
        dbf.write_bytes(bytes(data))
    out = folder / name
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for ext in keep:
            part = work / f"layer.{ext}"
            if part.exists():
                archive.write(part, f"layer.{ext}")
    return out


def geojson(folder: Path, data: dict[str, object], name: str = "layer.geojson") -> Path:
    """A GeoJSON file with the given content."""
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def feature_collection(
    geoms: list[dict[str, object]], names: list[str] | None = None
) -> dict[str, object]:
    """A FeatureCollection of GeoJSON geometries with a ``name`` property each."""
    names = names or [f"f{i}" for i in range(len(geoms))]
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": n}, "geometry": g}
            for n, g in zip(names, geoms, strict=True)
        ],
    }


def many_points(folder: Path, n: int) -> Path:
    """A FlatGeobuf of ``n`` points in Chiang Mai (a grid; for the feature limit)."""
    side = int(np.ceil(np.sqrt(n)))
    xs = 98.95 + (np.arange(n) % side) * 1e-5
    ys = 18.78 + (np.arange(n) // side) * 1e-5
    layer = gpd.GeoDataFrame({"k": np.arange(n)}, geometry=shapely.points(xs, ys), crs=4326)
    path = folder / "many.fgb"
    pyogrio.write_dataframe(layer, path)
    return path


def store_snapshot(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the migrations log, to compare a store before/after."""
    tables = [
        str(r["name"])
        for r in store.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        if r["name"] != "schema_version"
    ]
    return {
        t: sorted(tuple(str(v) for v in r.values()) for r in store.query(f"SELECT * FROM {t}"))
        for t in tables
    }
