"""cmgis.user_layers.records."""
