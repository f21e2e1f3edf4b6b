"""Import agency files and indicator tables, with a clear answer for every bad file.

Imported layers are saved user layers of kind ``"imported"`` (`cmgis.user_layers`), so
they appear wherever saved layers do (map panel, exports, prints, About). This package
owns what outside files need: formats recognised by content (`formats`), safe unpacking
of archives (`archive`), Thai encodings (`encoding`), CRS detection (`crs`), readers
(`read`), checks and repairs (`checks`), the import itself (`layers`: `prepare_import`,
and `store_import`, the one write entry point), and indicator tables (`tables`). Every
write (`store_import`, `delete_import`, `store_table`, `delete_table`) takes ``actor`` and
needs the editor role (`cmgis.accounts`).

Every refusal is an `cmgis.ImportRefusedError` with its message in Thai and English.

Public API: the names in ``__all__``. Inside ``src/cmgis`` import from the submodule.
"""

from cmgis.imports.crs import CANDIDATE_CRS, crs_candidates, parse_crs
from cmgis.imports.layers import (
    ADDABLE_THEMES,
    KIND,
    PreparedImport,
    delete_import,
    list_imports,
    prepare_import,
    store_import,
)
from cmgis.imports.read import MAX_FEATURES, MAX_FILE_BYTES
from cmgis.imports.tables import (
    LEVELS,
    IndicatorTable,
    PreparedTable,
    delete_table,
    imported_indicators,
    indicator_template_csv,
    list_tables,
    may_delete_table,
    prepare_table,
    store_table,
)
from cmgis.imports.tiles import TILED_MIN_FEATURES, MapTiles, tiles_for_map

__all__ = [
    "ADDABLE_THEMES",
    "CANDIDATE_CRS",
    "KIND",
    "LEVELS",
    "MAX_FEATURES",
    "MAX_FILE_BYTES",
    "TILED_MIN_FEATURES",
    "IndicatorTable",
    "MapTiles",
    "PreparedImport",
    "PreparedTable",
    "crs_candidates",
    "delete_import",
    "delete_table",
    "imported_indicators",
    "indicator_template_csv",
    "list_imports",
    "list_tables",
    "may_delete_table",
    "parse_crs",
    "prepare_import",
    "prepare_table",
    "store_import",
    "store_table",
    "tiles_for_map",
]
