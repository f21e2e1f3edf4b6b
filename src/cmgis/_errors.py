"""The exception tree of cmgis: one base error, specific subclasses for user mistakes."""


class CmgisError(Exception):
    """Base class of every error cmgis raises on purpose.

    The message is meant for a person: it says what was wrong and what was expected.
    The CLI prints it as one line, the app shows it; neither shows a traceback.
    """


class InputError(CmgisError, ValueError):
    """Input from a user or a file is not what was expected (format, value, CRS, size)."""


class UnknownLayerError(InputError, KeyError):
    """A layer id that is not in the catalog."""

    def __str__(self) -> str:  # KeyError would quote the message otherwise
        return str(self.args[0]) if self.args else ""


class CRSError(InputError):
    """A missing or mismatched coordinate reference system."""


class DataMissingError(CmgisError, FileNotFoundError):
    """Built data (layers, catalog) is not there: run `cmgis build-layers`."""


class StoreError(CmgisError):
    """The store (SQLite/GeoPackage or PostGIS) refused an operation."""


class ConflictError(StoreError):
    """Somebody else changed the record since it was read (optimistic concurrency)."""


class StoreUnavailableError(StoreError):
    """The shared database cannot be reached (down, restarting, network): nothing was saved.

    The app shows a fixed Thai/English message (``store.unreachable``); the message of the
    error (for logs and the CLI) never contains the database password.
    """


class AuthError(CmgisError, PermissionError):
    """A wrong join code or PIN."""


class PermissionDeniedError(CmgisError, PermissionError):
    """The acting account's role may not do this (or the app is read-only).

    Carries the message in English (``str(err)``) and Thai (`message`), since the role
    check lives in the library and the UI shows it as it is.
    """

    def __init__(self, message_en: str, message_th: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_th = message_th

    def message(self, lang: str) -> str:
        """The message in ``lang`` (``"th"`` or ``"en"``)."""
        return self.message_th if lang == "th" else self.message_en


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
        return self.th if (lang or "").lower().startswith("th") else str(self)
