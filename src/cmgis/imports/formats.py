"""What an imported file is: its format from its content (never from its name alone).

`sniff` looks at the first bytes; `file_format` compares that with the extension, so a
GeoPackage renamed ``.geojson`` or a PNG renamed ``.zip`` is refused naming what the
content really is (a wrong extension), and an empty file is refused as empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from cmgis.imports.refusals import quote, refuse

#: Format keys and how they are named to people.
FORMAT_LABELS: Final = {
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "zip": "zip archive (zipped Shapefile)",
    "kml": "KML",
    "kmz": "KMZ",
    "csv": "CSV",
    "tif": "GeoTIFF",
    "fgb": "FlatGeobuf",
}
#: Extensions the import accepts → format key.
EXTENSIONS: Final = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".zip": "zip",
    ".kml": "kml",
    ".kmz": "kmz",
    ".csv": "csv",
    ".tif": "tif",
    ".tiff": "tif",
    ".fgb": "fgb",
}
#: Content kinds that other formats look like (a KMZ is a zip).
_CONTENT_OF: Final = {"kmz": "zip"}
HEAD_BYTES: Final = 4096


def sniff(head: bytes) -> str | None:
    """The format key the first bytes of a file show; ``None`` for unknown binary data.

    Text that is not JSON or XML is taken as ``"csv"`` (the CSV reader says more).
    """
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if head.startswith(b"fgb\x03"):
        return "fgb"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tif"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"{", b"[")):
        return "geojson"
    if text.startswith(b"<"):
        return "kml" if b"<kml" in head.lower() else "xml"
    if b"\x00" in head or head.startswith((b"\x89PNG", b"%PDF", b"\xff\xd8\xff", b"GIF8")):
        return None
    return "csv"


def _describe(kind: str | None, head: bytes) -> str:
    if kind is None:
        for magic, label in (
            (b"\x89PNG", "a PNG image"),
            (b"%PDF", "a PDF document"),
            (b"\xff\xd8\xff", "a JPEG image"),
            (b"GIF8", "a GIF image"),
        ):
            if head.startswith(magic):
                return label
        return "unknown binary data"
    if kind == "xml":
        return "XML that is not KML"
    return FORMAT_LABELS[kind]


def file_format(path: Path, *, name: str) -> str:
    """The format key of the file ``path`` (``name`` is the name it was given).

    Raises
    ------
    ImportRefusedError
        Empty file, unknown extension and content, or an extension that does not match
        the content (a wrong extension).
    """
    size = path.stat().st_size
    if size == 0:
        raise refuse("empty_file", name=quote(name))
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
    ext = Path(name).suffix.lower()
    expected = EXTENSIONS.get(ext)
    actual = sniff(head)
    if expected is None:
        if actual in (None, "xml", "csv") or ext == ".shp":
            raise refuse("unknown_format", name=quote(name))
        expected = actual
    if _CONTENT_OF.get(expected, expected) != actual:
        if actual is None and expected in ("gpkg", "fgb", "tif"):
            raise refuse(
                "unreadable",
                name=quote(name),
                fmt=FORMAT_LABELS[expected],
                detail="unknown binary data",
            )
        raise refuse(
            "wrong_extension",
            name=quote(name),
            ext=ext.lstrip(".") or "?",
            actual=_describe(actual, head),
            expected=FORMAT_LABELS[expected],
        )
    return expected
