"""cmgis.workshop."""
