"""cmgis.printing.render."""
