"""Streamlit UI of cmgis: pages read widgets, call cmgis, and render. No geometry here."""
