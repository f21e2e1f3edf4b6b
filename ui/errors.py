"""One place where the app catches errors: users get a short Thai/English message with what
to do, the details (with the traceback) go to the server log, never to the page.

`guard` wraps ``app.py``'s page run and each fragment (a fragment's own reruns do not pass
through ``app.py``). Streamlit's own control flow (``st.rerun``, ``st.stop``,
``st.switch_page``) derives from ``BaseException`` and passes through untouched.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec

import streamlit as st

from cmgis import CmgisError, StoreUnavailableError
from cmgis.i18n import t
from ui.display import escape_markdown
from ui.state import current_lang

P = ParamSpec("P")
LOG = logging.getLogger("cmgis.app")


def show_error(err: Exception) -> None:
    """Log ``err`` with its traceback and show the user a short message in their language."""
    lang = current_lang()
    if isinstance(err, StoreUnavailableError):  # the shared database: a fixed message
        LOG.warning("the shared database is not reachable: %s", err)
        st.error(t("store.postgis.unreachable", lang))
    elif isinstance(err, CmgisError):  # a known problem: its message says what was wrong
        LOG.warning("cmgis error shown to the user: %s", err, exc_info=err)
        st.error(t("app.error.known", lang, err=escape_markdown(err)))
    else:
        LOG.error("unexpected error in the app", exc_info=err)
        st.error(t("app.error.unexpected", lang))


def guard(func: Callable[P, None]) -> Callable[P, None]:
    """Run ``func``; an exception becomes `show_error`'s message instead of a traceback."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            func(*args, **kwargs)
        except Exception as err:
            show_error(err)

    return run
