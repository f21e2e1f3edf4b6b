"""The app's store, opened once per process and location for every page.

The one `st.cache_resource` of the store in the UI: `cmgis.store.open_app_store` opens it
and runs every feature's migrations, so pages never migrate. The location is read at call
time (`cmgis.settings.store_url`, ``CMGIS_DB``), so a changed ``CMGIS_DB`` opens another.
"""

from __future__ import annotations

import streamlit as st

from cmgis import settings
from cmgis.store import Store, open_app_store


@st.cache_resource(show_spinner=False)
def _store(location: str) -> Store:
    return open_app_store(location or None)


def get_store() -> Store:
    """The app's store (``CMGIS_DB`` or the user's data directory) with every feature's tables."""
    return _store(settings.store_url())
