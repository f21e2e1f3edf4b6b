"""Read exported files back with GDAL's command-line tools (Debian gdal-bin), not our code.

GDAL 3.6 (Debian 12) has no ``ogrinfo -json``: features come from ``ogr2ogr -f GeoJSON
/vsistdout/`` (coordinates kept in the file's CRS) and the CRS from ``ogrinfo -so``'s WKT.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pyproj
import pytest

needs_gdal = pytest.mark.skipif(
    shutil.which("ogr2ogr") is None, reason="gdal-bin is not installed (apt-get install gdal-bin)"
)


def _run(args: list[str]) -> str:
    done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=60)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed: {done.stderr}")
    return done.stdout


def ogr_features(source: str | Path, layer: str, *, open_options: tuple[str, ...] = ()) -> Any:
    """The layer's features as a GeoJSON FeatureCollection, in the file's own CRS."""
    args = ["ogr2ogr", "-f", "GeoJSON", "-lco", "RFC7946=NO", "-lco", "COORDINATE_PRECISION=9"]
    for option in open_options:
        args += ["-oo", option]
    return json.loads(_run([*args, "/vsistdout/", str(source), layer]))


def ogr_layers(source: str | Path) -> list[str]:
    """Layer names as ``ogrinfo`` lists them."""
    out = _run(["ogrinfo", "-ro", "-q", str(source)])
    names = []
    for match in re.finditer(r"^\d+: (.+)$", out, flags=re.M):
        # "1: gates (title: Old city gates) (Point)" or "2: Mae Kha canal"
        name = re.sub(
            r" \((?:Point|Line String|Polygon|None|Multi [^()]*|[^()]*String)\)$",
            "",
            match.group(1),
        )
        names.append(re.sub(r" \(title: .*\)$", "", name))
    return names


def ogr_dataset_info(source: str | Path) -> str:
    """``ogrinfo -so`` text of the whole dataset (dataset metadata and layer list)."""
    return _run(["ogrinfo", "-ro", "-so", str(source)])


def ogr_info(source: str | Path, layer: str) -> str:
    """``ogrinfo -so`` text of one layer (metadata, extent, CRS)."""
    return _run(["ogrinfo", "-ro", "-so", str(source), layer])


def ogr_crs(source: str | Path, layer: str) -> pyproj.CRS:
    """The layer's CRS as GDAL reads it (WKT from ``ogrinfo -so``)."""
    text = ogr_info(source, layer)
    match = re.search(r"Layer SRS WKT:\n(.*?)\n(?:Data axis|\w[^\n]*:\s)", text, flags=re.S)
    if match is None:
        raise AssertionError(f"no CRS in ogrinfo output:\n{text}")
    return pyproj.CRS.from_wkt(match.group(1))


def gdal_info(source: str | Path) -> Any:
    """``gdalinfo -json`` of a raster."""
    return json.loads(_run(["gdalinfo", "-json", "-mm", str(source)]))


def gdal_value_at(source: str | Path, x: float, y: float) -> float:
    """The pixel value at georeferenced ``x``, ``y`` (in the raster's CRS)."""
    return float(_run(["gdallocationinfo", "-valonly", "-geoloc", str(source), str(x), str(y)]))


def same_crs(crs: pyproj.CRS, code: str) -> bool:
    """True if ``crs`` is ``code`` (an ESRI .prj has no EPSG code, so compare by content)."""
    return bool(crs.equals(pyproj.CRS(code), ignore_axis_order=True)) or crs.to_epsg(
        min_confidence=90
    ) == int(code.split(":")[1])
