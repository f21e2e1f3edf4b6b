"""cmgis.suitability.surface."""
