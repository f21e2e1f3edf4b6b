"""cmgis: geospatial layers, zones and indicators for Chiang Mai's innovation districts.

The package is free of any UI: the CLI (`cmgis.cli.main`), the Streamlit app (`app.py`, `ui/`)
and later services all call the same functions. Everything is stored and exchanged in
EPSG:4326; metric work happens in EPSG:32647 through `cmgis.projection`.
"""

from cmgis._errors import CmgisError, DataMissingError, InputError

__all__ = ["CmgisError", "DataMissingError", "InputError", "__version__"]

__version__ = "0.1.0"
