"""Errors in the page's language: message keys, Thai fallbacks, and every keyed raise."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from cmgis import (
    AuthError,
    CmgisError,
    ConflictError,
    DataMissingError,
    InputError,
    UnknownLayerError,
)
from cmgis.i18n import strings, t
from cmgis.textclean import clean_typed_text
from cmgis.workshop import TooManyAttemptsError

SRC = Path(__file__).resolve().parents[1] / "src" / "cmgis"
THAI = re.compile(r"[\u0e00-\u0e7f]")


def test_keyed_error_speaks_english_as_raised_and_thai_from_its_key() -> None:
    err = InputError("the note has 900 characters; at most 500", key="errors.text.too_long",
                     what="the note", n=900, max_chars=500)  # fmt: skip
    assert err.message("en") == str(err) == "the note has 900 characters; at most 500"
    thai = err.message("th")
    assert "900" in thai and "500" in thai and THAI.search(thai)
    assert "note" not in thai and "characters" not in thai


def test_unkeyed_error_falls_back_to_its_class_in_thai() -> None:
    cases = {
        CmgisError("x"): "errors.generic",
        InputError("bad value 3"): "errors.input",
        UnknownLayerError("unknown layer 'x'"): "errors.unknown_layer",
        DataMissingError("catalog.json not found"): "errors.data_missing",
        ConflictError("row changed"): "errors.conflict",
        AuthError("wrong PIN"): "errors.auth",
    }
    for err, key in cases.items():
        assert err.message("th") == t(key, "th")
        assert err.message("en") == str(err)
        assert THAI.search(err.message("th")), key


def test_raised_by_features_reaches_thai() -> None:
    with pytest.raises(InputError) as info:
        clean_typed_text("   ", what="the group name", max_chars=40)
    assert "empty" in str(info.value)
    assert info.value.message("th") == t("errors.text.empty", "th")
    err = TooManyAttemptsError("too many wrong join codes; wait 30 s", 30).localised(
        "errors.code.too_many", wait_s=30
    )
    assert err.wait_s == 30 and "30" in err.message("th") and THAI.search(err.message("th"))


def _keyed_raises() -> list[tuple[str, str, set[str]]]:
    """(where, key, keyword names) of every ``key="errors..."`` call in src/cmgis."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            names = {k.arg for k in node.keywords if k.arg}
            key = next((k.value for k in node.keywords if k.arg == "key"), None)
            if key is None and node.args and getattr(node.func, "attr", "") == "localised":
                key = node.args[0]
            if isinstance(key, ast.Constant) and str(key.value).startswith("errors."):
                found.append((f"{path.name}:{node.lineno}", str(key.value), names - {"key"}))
    return found


def test_every_keyed_raise_has_both_languages_and_its_values() -> None:
    raises = _keyed_raises()
    assert len(raises) >= 30  # the user-facing raises of the workshop, text and geometry
    for where, key, names in raises:
        assert key in strings(), f"{where}: no string {key!r}"
        for lang in ("en", "th"):
            text = strings()[key][lang]
            wanted = {f for _, f, _, _ in string.Formatter().parse(text) if f}
            assert wanted <= names, f"{where}: {key} ({lang}) needs {wanted - names}"
        assert THAI.search(strings()[key]["th"]), key
