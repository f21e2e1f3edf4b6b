"""The workshop in a hall: join links and their QR codes (terminal text, PNG, SVG).

A facilitator shows one QR code; phones that scan it open the Workshop page with the join
code filled in (``/workshop?code=K7M4QX``). The QR code is made by the ``qrcode`` package
(pure Python); nothing here touches the network.
"""

from __future__ import annotations

import functools
import io
from typing import Final
from urllib.parse import urlencode, urlsplit, urlunsplit

import qrcode
import qrcode.image.svg

from cmgis._errors import InputError
from cmgis.workshop.access import normalise_code

#: The path of the Workshop page (``app.py``'s ``url_path``).
WORKSHOP_PATH: Final = "/workshop"
#: Quiet zone around a QR code, in modules (the standard asks for 4).
QR_BORDER: Final = 4


def join_url(base_url: str, code: str | None = None) -> str:
    """The link that opens the Workshop page of the app at ``base_url`` (code filled in).

    ``base_url`` is the app's address as phones reach it, e.g. ``http://192.168.1.20:8501``
    (a path, query or fragment in it is dropped); ``code`` the join code, left out when
    ``None`` or empty.
    """
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"the app address must look like http://HOST:PORT, got {base_url!r}")
    query = urlencode({"code": normalise_code(code)}) if code else ""
    return urlunsplit((parts.scheme, parts.netloc, WORKSHOP_PATH, query, ""))


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code of ``text`` as rows of modules (``True`` = dark), quiet zone included."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QR_BORDER)
    qr.add_data(text)
    qr.make(fit=True)
    return [list(row) for row in qr.get_matrix()]


def qr_text(text: str) -> str:
    """The QR code of ``text`` for a terminal: two module rows per line, in block characters.

    Dark modules are printed as spaces and light ones as blocks, so the code reads dark on
    light on the usual dark terminal (scanners need the light quiet zone around it).
    """
    matrix = qr_matrix(text)
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    chars = {(False, False): "█", (False, True): "▀", (True, False): "▄", (True, True): " "}
    lines = [
        "".join(chars[(top, bottom)] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(matrix[::2], matrix[1::2], strict=True)
    ]
    return "\n".join(lines)


@functools.lru_cache(maxsize=32)
def qr_png(text: str, *, box_px: int = 10) -> bytes:
    """The QR code of ``text`` as a PNG (``box_px`` pixels per module), black on white.

    Kept per link: the projector shows the same code on every refresh."""
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=QR_BORDER, box_size=box_px
    )
    qr.add_data(text)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(text: str) -> str:
    """The QR code of ``text`` as an SVG document (one path, scales to any size)."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        border=QR_BORDER,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")
