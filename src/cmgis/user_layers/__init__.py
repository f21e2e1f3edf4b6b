"""Saved user layers (candidate zones, imported files) in the store, with provenance.

Module `records`: saving, listing, loading and deleting ``user:<slug>`` layers; each keeps
a `cmgis.data.provenance.Provenance`. Imported files are checked by `cmgis.geocheck`.

Public API: the names in ``__all__``. Inside ``src/cmgis`` import from the submodule.
"""

from cmgis.data.provenance import Provenance
from cmgis.user_layers.records import (
    ID_PREFIX,
    UserLayer,
    candidate_provenance,
    candidate_zones,
    delete_user_layer,
    get_user_layer,
    import_layer_file,
    list_user_layers,
    load_user_layer,
    may_change,
    save_candidate_layer,
    save_user_layer,
)

__all__ = [
    "ID_PREFIX",
    "Provenance",
    "UserLayer",
    "candidate_provenance",
    "candidate_zones",
    "delete_user_layer",
    "get_user_layer",
    "import_layer_file",
    "list_user_layers",
    "load_user_layer",
    "may_change",
    "save_candidate_layer",
    "save_user_layer",
]
