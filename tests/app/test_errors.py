"""AppTest: an error on a page reaches the user as a short message, never a traceback."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _failing_page(kind: str, lang: str) -> None:
    import streamlit as st

    from cmgis import InputError
    from ui.errors import guard

    st.session_state["lang"] = lang

    @guard
    def page() -> None:
        st.write("before")
        if kind == "input":
            raise InputError("bad <b>value</b>; expected a number")
        if kind == "keyed":
            raise InputError(
                "the title has 300 characters; at most 200 are allowed",
                key="errors.text.too_long", what="the title", n=300, max_chars=200,
            )  # fmt: skip
        raise RuntimeError("internal detail /srv/secret.py")

    page()
    st.write("after")


def test_unexpected_error_shows_short_message_without_details() -> None:
    at = AppTest.from_function(_failing_page, args=("other", "th"), default_timeout=30).run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert "โหลดหน้าใหม่" in message
    assert "secret" not in message and "RuntimeError" not in message
    assert [m.value for m in at.markdown][-1] == "after"  # the rest of the app still runs


def test_known_error_shows_its_message_escaped_in_english() -> None:
    at = AppTest.from_function(_failing_page, args=("input", "en"), default_timeout=30).run()
    assert not at.exception
    message = at.error[0].value
    assert "expected a number" in message
    assert "<b>" not in message
    assert "try again" in message


def test_known_error_reaches_a_thai_page_in_thai() -> None:
    at = AppTest.from_function(_failing_page, args=("keyed", "th"), default_timeout=30).run()
    assert not at.exception
    message = at.error[0].value
    assert "300" in message and "200" in message and "ตัวอักษร" in message
    assert "characters" not in message and "title" not in message
    # the same error on an English page says it as raised
    at = AppTest.from_function(_failing_page, args=("keyed", "en"), default_timeout=30).run()
    assert "300 characters; at most 200" in at.error[0].value


def test_known_error_without_key_shows_its_class_text_in_thai() -> None:
    at = AppTest.from_function(_failing_page, args=("input", "th"), default_timeout=30).run()
    message = at.error[0].value
    assert "ค่าหรือไฟล์" in message  # errors.input
    assert "expected" not in message and "value" not in message
