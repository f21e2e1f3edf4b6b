"""AppTest: a shared database that is down is a clear Thai/English message (issue 14).

``CMGIS_DB`` names a PostgreSQL server that does not answer: the pages that keep records
say that the shared database is not reachable, in the page's language, without a
traceback and without the password of the URL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pg_support import free_port

APP = str(Path(__file__).resolve().parents[2] / "app.py")
SECRET = "hunter2-not-shown"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "The shared database is not reachable"), ("th", "ติดต่อฐานข้อมูลกลางไม่ได้")],
)
@pytest.mark.parametrize("page", ["workshop", "projects"])
def test_down_database_is_a_clear_message_without_the_password(
    monkeypatch: pytest.MonkeyPatch, page: str, lang: str, expected: str
) -> None:
    monkeypatch.setenv("CMGIS_DB", f"postgresql://cmgis:{SECRET}@127.0.0.1:{free_port()}/cmgis")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = page
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(e.value for e in at.error)
    assert expected in shown, shown
    everything = " ".join(str(el.value) for el in at.main if hasattr(el, "value"))
    assert SECRET not in shown + everything
