"""cmgis.export.writers."""
