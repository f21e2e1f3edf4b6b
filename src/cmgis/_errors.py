"""The exception tree of cmgis: one base error, specific subclasses for user mistakes.

Every error carries its message in English (``str(err)``, what the CLI and the logs show)
and can say it in the app's languages with `CmgisError.message`: a raise may name a
message key of ``locales/errors.json`` and its values (``key=..., **params``); an error
raised without one falls back to its class's Thai text (`CmgisError.fallback_key`), so a
Thai page never shows the English detail (which stays in the server log).
"""

from __future__ import annotations

from typing import ClassVar, Self

from cmgis.i18n import normalise_lang, strings, t


class CmgisError(Exception):
    """Base class of every error cmgis raises on purpose.

    The message is meant for a person: it says what was wrong and what was expected.
    The CLI prints it as one line, the app shows it; neither shows a traceback.

    Parameters
    ----------
    *args
        The English message (and, for some subclasses, more values), as for `Exception`.
    key
        Key of the message in ``locales/errors.json`` (``{"en": ..., "th": ...}``), or
        ``""`` for the class's fallback text on Thai pages.
    **params
        Values put into the message's ``{placeholders}``.
    """

    #: Text shown on a Thai page for an error raised without a message key.
    fallback_key: ClassVar[str] = "errors.generic"

    def __init__(self, *args: object, key: str = "", **params: object) -> None:
        super().__init__(*args)
        self.key = key
        self.params = params

    def localised(self, key: str, **params: object) -> Self:
        """This error with a message key and its values (for subclasses with own arguments)."""
        self.key, self.params = key, params
        return self

    def message(self, lang: str | None) -> str:
        """The message in ``lang``: English as raised; Thai from its key, else its class's."""
        if normalise_lang(lang) == "en":
            return str(self)
        if self.key and self.key in strings():
            return t(self.key, lang, **self.params)
        return t(self.fallback_key, lang)


class InputError(CmgisError, ValueError):
    """Input from a user or a file is not what was expected (format, value, CRS, size)."""

    fallback_key = "errors.input"


class UnknownLayerError(InputError, KeyError):
    """A layer id that is not in the catalog."""

    fallback_key = "errors.unknown_layer"

    def __str__(self) -> str:  # KeyError would quote the message otherwise
        return str(self.args[0]) if self.args else ""


class CRSError(InputError):
    """A missing or mismatched coordinate reference system."""

    fallback_key = "errors.crs"


class DataMissingError(CmgisError, FileNotFoundError):
    """Built data (layers, catalog) is not there: run `cmgis build-layers`."""

    fallback_key = "errors.data_missing"


class StoreError(CmgisError):
    """The store (SQLite/GeoPackage or PostGIS) refused an operation."""

    fallback_key = "errors.store"


class ConflictError(StoreError):
    """Somebody else changed the record since it was read (optimistic concurrency)."""

    fallback_key = "errors.conflict"


class StoreUnavailableError(StoreError):
    """The shared database cannot be reached (down, restarting, network): nothing was saved.

    The app shows a fixed Thai/English message (``store.unreachable``); the message of the
    error (for logs and the CLI) never contains the database password.
    """


class AuthError(CmgisError, PermissionError):
    """A wrong join code or PIN."""

    fallback_key = "errors.auth"


class PermissionDeniedError(CmgisError, PermissionError):
    """The acting account's role may not do this (or the app is read-only).

    Carries the message in English (``str(err)``) and Thai (`message`), since the role
    check lives in the library and the UI shows it as it is.
    """

    def __init__(self, message_en: str, message_th: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_th = message_th

    def message(self, lang: str | None) -> str:
        """The message in ``lang`` (``"th"`` or ``"en"``)."""
        return self.message_th if normalise_lang(lang) == "th" else self.message_en


class ImportRefusedError(InputError):
    """An imported file (layer or indicator table) was refused; nothing was stored.

    ``code`` names the reason (``"zip_traversal"``, ``"crs_missing"``, …); the message is
    English (``str(err)``) and `message` gives it in Thai too, so the app and the CLI
    can answer every refusal in both languages. ``candidates`` lists what the user may
    pick to answer it: the likely CRSs of a file without one, or the layers of a file
    with several.
    """

    def __init__(self, code: str, en: str, th: str, *, candidates: tuple[str, ...] = ()) -> None:
        super().__init__(en)
        self.code = code
        self.th = th
        self.candidates = candidates

    def message(self, lang: str | None) -> str:
        """The reason in ``lang`` (``"th"`` Thai, otherwise English)."""
        return self.th if normalise_lang(lang) == "th" else str(self)
