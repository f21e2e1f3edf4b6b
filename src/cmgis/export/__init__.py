"""Export: write layers in GIS formats and Thai coordinate systems, with credits in every file.

This package holds only writers and formats. Its functions take layers from the caller —
a mapping of layer id to `LayerData` (a GeoDataFrame in any CRS, or a `RasterSource`) and
a `LayerMeta` per layer (title, description, source, licence, credit, method, date) — and
never look layers up: the registry of exportable layers (ids such as ``zones``,
``user:<slug>``, ``workshop:<code>``) is `cmgis.sources`.

Modules: `formats` (`FORMATS`, `CRS_CHOICES`, checks), `meta` (`LayerMeta`, credits,
README), `vector` (`prepare_vector`), one module per format (`gpkg`, `geojson`, `shp`,
`kml`, `csv_wkt`, `raster`), and `write` (`export_layers`, `layers_to_bytes`,
`staged_output`).

Formats: GeoPackage (several layers, titles and descriptions in ``gpkg_contents``, a
``cmgis_sources`` table and layer metadata with the credits), GeoJSON (RFC 7946,
EPSG:4326 only), zipped ESRI Shapefile (UTF-8 ``.cpg``, ``.prj``, field names cut to 10
characters with a mapping file), KML/KMZ (EPSG:4326 only), CSV (zipped, WKT plus lon/lat
of points, UTF-8 with a byte-order mark, formula-guarded), GeoTIFF (tiled, DEFLATE,
nodata, CRS). Coordinate systems: EPSG:4326, EPSG:32647, EPSG:24047, EPSG:3857.
"""

from cmgis.export.csv_wkt import vector_to_csv_frame
from cmgis.export.formats import (
    CRS_CHOICES,
    FORMATS,
    INDIAN_1975_TRANSFORMATION,
    CRSChoice,
    ExportFormat,
    LayerKind,
    check_crs,
    check_format,
    check_kind,
)
from cmgis.export.gpkg import SOURCES_TABLE
from cmgis.export.kml import kml_safe_text
from cmgis.export.meta import (
    ODBL_NOTE,
    LayerData,
    LayerMeta,
    RasterSource,
    credit_lines,
    file_layer_name,
    layer_kind,
    meta_from_catalog_entry,
    readme_text,
)
from cmgis.export.names import export_file_stem, print_file_name
from cmgis.export.raster import read_raster_in, write_geotiff
from cmgis.export.shp import shapefile_field_names
from cmgis.export.vector import prepare_vector
from cmgis.export.write import ExportResult, export_layers, layers_to_bytes, staged_output

__all__ = [
    "CRS_CHOICES",
    "FORMATS",
    "INDIAN_1975_TRANSFORMATION",
    "ODBL_NOTE",
    "SOURCES_TABLE",
    "CRSChoice",
    "ExportFormat",
    "ExportResult",
    "LayerData",
    "LayerKind",
    "LayerMeta",
    "RasterSource",
    "check_crs",
    "check_format",
    "check_kind",
    "credit_lines",
    "export_file_stem",
    "export_layers",
    "file_layer_name",
    "kml_safe_text",
    "layer_kind",
    "layers_to_bytes",
    "meta_from_catalog_entry",
    "prepare_vector",
    "print_file_name",
    "read_raster_in",
    "readme_text",
    "shapefile_field_names",
    "staged_output",
    "vector_to_csv_frame",
    "write_geotiff",
]
