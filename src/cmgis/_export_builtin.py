"""The layers cmgis itself registers for export: base layers and the elevation raster."""

from __future__ import annotations


def register_builtin_layers() -> None:
    """Register the catalog's layers with `cmgis.export.register_exportable`."""
