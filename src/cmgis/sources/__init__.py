"""cmgis.sources."""
