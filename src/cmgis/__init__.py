"""cmgis: geospatial layers, zones and indicators for Chiang Mai's innovation districts.

The package is free of any UI: the CLI (`cmgis.cli.main`), the Streamlit app (`app.py`, `ui/`)
and later services all call the same functions. Everything is stored and exchanged in
EPSG:4326; metric work happens in EPSG:32647 through `cmgis.projection`.

Public here: the exception tree (defined in the private `cmgis._errors`, which code outside
the package must not import — ruff's TID251 enforces it) and `__version__`. Each feature
package (`cmgis.data`, `cmgis.workshop`, …) states its own public API in its `__init__`.
"""

from cmgis._errors import (
    AuthError,
    CmgisError,
    ConflictError,
    CRSError,
    DataMissingError,
    ImportRefusedError,
    InputError,
    PermissionDeniedError,
    StoreError,
    StoreUnavailableError,
    UnknownLayerError,
)

__all__ = [
    "AuthError",
    "CRSError",
    "CmgisError",
    "ConflictError",
    "DataMissingError",
    "ImportRefusedError",
    "InputError",
    "PermissionDeniedError",
    "StoreError",
    "StoreUnavailableError",
    "UnknownLayerError",
    "__version__",
]

__version__ = "0.1.0"
