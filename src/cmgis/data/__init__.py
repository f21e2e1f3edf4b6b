"""cmgis.data."""
