"""cmgis.maps."""
