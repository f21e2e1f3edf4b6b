"""cmgis.plan.spec."""
