"""Write layers in one format and CRS (`export_layers`), to a file or to bytes."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from cmgis._errors import InputError
from cmgis.export.csv_wkt import write_csv
from cmgis.export.formats import check_crs, check_format, check_kind, check_lonlat, expected_suffix
from cmgis.export.geojson import write_geojson
from cmgis.export.gpkg import write_gpkg
from cmgis.export.kml import write_kml
from cmgis.export.meta import LayerData, LayerMeta, layer_kind
from cmgis.export.raster import write_tif
from cmgis.export.shp import write_shp

Writer = Callable[[Mapping[str, LayerData], Mapping[str, LayerMeta], str, Path, dt.datetime], None]


@dataclass(frozen=True)
class ExportResult:
    """A file made for download (`layers_to_bytes`): its name, MIME type and bytes."""

    file_name: str
    mime: str
    data: bytes


def export_layers(
    layers: Mapping[str, LayerData],
    metas: Mapping[str, LayerMeta] | None = None,
    *,
    fmt: str,
    crs: str | int,
    output: Path | str,
    exported_at: dt.datetime | None = None,
) -> Path:
    """Write ``layers`` in one format and coordinate system to ``output``.

    Parameters
    ----------
    layers
        Layer id → GeoDataFrame (any CRS; it is reprojected) or `RasterSource`.
    metas
        Layer id → `LayerMeta`; a layer without one gets a bare title and no credit.
    fmt
        A key of `FORMATS` (or an alias such as ``shapefile``).
    crs
        One of `CRS_CHOICES`, e.g. ``EPSG:32647``.
    output
        The file to write; its suffix must be the format's (``.gpkg``, ``.zip``…), except
        GeoJSON and GeoTIFF of several layers, which are zipped (``.zip``).
    exported_at
        The time written in the README and metadata (default: now, UTC).

    Returns
    -------
    Path
        ``output``.

    Raises
    ------
    InputError
        Empty selection, wrong suffix, a layer the format cannot hold, a layer without CRS.
    CRSError
        An unsupported CRS, or another CRS than EPSG:4326 for GeoJSON or KML.
    """
    export_format = check_format(fmt)
    target = check_crs(crs)
    check_lonlat(export_format, target)
    if not layers:
        raise InputError("no layers chosen; choose at least one layer to export")
    metas = dict(metas or {})
    for layer_id, data in layers.items():
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", layer_id):
            raise InputError(f"layer id {layer_id!r} must be letters, digits and _")
        check_kind(layer_id, layer_kind(data), export_format)
        given = metas.get(layer_id) or LayerMeta(layer_id=layer_id, title=layer_id)
        metas[layer_id] = replace(given, layer_id=layer_id)
    output = Path(output)
    expected = expected_suffix(export_format, len(layers))
    if output.suffix.lower() != expected:
        raise InputError(
            f"output {output.name!r} should end in {expected} for {export_format.label}"
            + (
                " of several layers"
                if expected == ".zip" and export_format.extension != ".zip"
                else ""
            )
        )
    when = exported_at or dt.datetime.now(dt.UTC)
    writer = WRITERS[export_format.key]
    with staged_output(output) as staged:
        writer(layers, metas, target, staged, when)
    return output


def layers_to_bytes(
    layers: Mapping[str, LayerData],
    metas: Mapping[str, LayerMeta] | None = None,
    *,
    fmt: str,
    crs: str | int,
    name: str = "cmgis",
) -> ExportResult:
    """Like `export_layers`, but return the file as bytes with a name and MIME type.

    ``name`` is the file name without suffix; the suffix is the format's (``.zip`` for
    several GeoJSON or GeoTIFF layers).
    """
    export_format = check_format(fmt)
    suffix = expected_suffix(export_format, len(layers))
    with tempfile.TemporaryDirectory(prefix="cmgis-export-") as tmp:
        path = export_layers(
            layers, metas, fmt=export_format.key, crs=crs, output=Path(tmp) / f"{name}{suffix}"
        )
        return ExportResult(path.name, export_format.mime, path.read_bytes())


@contextlib.contextmanager
def staged_output(output: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``output``; move it onto ``output`` if all went well.

    An older file at ``output`` stays intact when writing fails.

    Raises
    ------
    InputError
        If ``output`` is a folder, or its folder cannot be created or written.
    """
    if output.is_dir():
        raise InputError(f"output {output} is a folder; give a file name")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = tempfile.TemporaryDirectory(prefix="cmgis-out-", dir=output.parent)
    except OSError as err:
        raise InputError(f"cannot write to {output.parent}: {err.strerror or err}") from err
    with tmp as tmp_dir:
        staged = Path(tmp_dir) / output.name
        yield staged
        try:
            staged.replace(output)
        except OSError as err:
            raise InputError(f"cannot write {output}: {err.strerror or err}") from err


WRITERS: dict[str, Writer] = {
    "gpkg": write_gpkg,
    "geojson": write_geojson,
    "shp": write_shp,
    "kml": write_kml,
    "kmz": write_kml,
    "csv": write_csv,
    "tif": write_tif,
}
