"""cmgis.districts."""
