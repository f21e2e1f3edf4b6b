"""AppTest: the start page renders."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_app_starts_without_exception() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "cmgis" in at.title[0].value
