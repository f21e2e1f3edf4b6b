"""Sources: the registry of exportable and printable layers, and export/print by layer id.

One registry instance, `registry` (`cmgis.sources.registry.Registry`): the catalog's layers
and the indicator layers (`builtin`), and the providers of ``user:<slug>``,
``workshop:<join code>`` (`providers`), ``suitability:<preset>[@m]`` and
``candidates:<preset>[@m]`` (`suitability`), loaded on first use. `selection` exports or
prints layers chosen by id (``cmgis export``/``cmgis print``, the Export page); the
writers themselves are `cmgis.export` and never import this package.
"""

from cmgis.sources.providers import WORKSHOP_PREFIX, current_store, resolve_workshop
from cmgis.sources.registry import Exportable, Registry, registry, split_ids
from cmgis.sources.selection import (
    export_bytes,
    export_selection,
    load_for_export,
    print_selection,
    print_view,
)
from cmgis.sources.suitability import (
    candidates_download,
    export_suitability,
    suitability_metas,
    surface_download,
)

__all__ = [
    "WORKSHOP_PREFIX",
    "Exportable",
    "Registry",
    "candidates_download",
    "current_store",
    "export_bytes",
    "export_selection",
    "export_suitability",
    "load_for_export",
    "print_selection",
    "print_view",
    "registry",
    "resolve_workshop",
    "split_ids",
    "suitability_metas",
    "surface_download",
]
