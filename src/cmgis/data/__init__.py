"""Base data: raw readers, one definition per layer, the build, the catalog, the road graph.

Modules: `raw` (readers of ``data/raw/``), `definitions` (one `LayerDef` per layer id:
titles, theme, schema, provenance, style key, builder), `provenance` (the one
`Provenance` record), `layers` (base-layer builders and `load_layer`), `build` (the
deterministic build, `cmgis build-layers`), `catalog` (``catalog.json``: `load_catalog`),
`network` (the road graph), `terrain` (the elevation raster), `_validate` (schema checks).

Public API (what ui/, cli/ and other packages use): the names in ``__all__``. Inside
``src/cmgis`` import from the submodule, e.g. ``from cmgis.data.layers import load_layer``.
"""

from cmgis.data.catalog import (
    CREDIT_ADMIN,
    CREDIT_ELEVATION,
    CREDIT_OSM,
    NO_DATA,
    Catalog,
    LayerEntry,
    NoDataEntry,
    load_catalog,
)
from cmgis.data.definitions import LAYER_DEFS, THEMES, LayerDef, layer_def
from cmgis.data.layers import list_built_layers, load_layer
from cmgis.data.provenance import Provenance

__all__ = [
    "CREDIT_ADMIN",
    "CREDIT_ELEVATION",
    "CREDIT_OSM",
    "LAYER_DEFS",
    "NO_DATA",
    "THEMES",
    "Catalog",
    "LayerDef",
    "LayerEntry",
    "NoDataEntry",
    "Provenance",
    "layer_def",
    "list_built_layers",
    "load_catalog",
    "load_layer",
]
