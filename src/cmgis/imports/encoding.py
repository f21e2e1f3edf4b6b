"""Text encodings of imported files: DBF (Shapefile) and CSV, with Thai TIS-620/cp874.

Thai government Shapefiles are often written in TIS-620 (Windows code page 874, a
superset) without a ``.cpg`` file; read as Latin-1, their Thai names come out as
mojibake. `dbf_encoding` decides, in order: the ``.cpg`` file if there is one; the DBF
header's language driver byte (0x7C = Thai cp874); otherwise the bytes of the text
fields themselves: pure ASCII, valid UTF-8, or bytes that are all in the Thai range of
TIS-620 (0xA1–0xFB) → cp874. Anything else is refused rather than guessed.
"""

from __future__ import annotations

import codecs
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cmgis.imports.refusals import quote, refuse

#: Bytes of a DBF's records read to decide its encoding.
SAMPLE_BYTES: Final = 4 * 1024 * 1024
#: DBF language driver id of Thai (Windows code page 874).
LDID_THAI: Final = 0x7C
_THAI_HIGH = frozenset(range(0xA1, 0xFC))


@dataclass(frozen=True)
class EncodingGuess:
    """An encoding and how it was found (``"cpg"``, ``"ldid"``, ``"content"``, ``"utf8"``)."""

    encoding: str
    how: str

    @property
    def is_thai_codepage(self) -> bool:
        """Whether the text is TIS-620/cp874 (converted to UTF-8 on import)."""
        return self.encoding.lower().replace("-", "") in {"cp874", "tis620", "windows874"}


def _codec(name: str) -> str | None:
    text = name.strip().upper().replace(" ", "")
    aliases = {"TIS-620": "cp874", "TIS620": "cp874", "874": "cp874", "ANSI874": "cp874"}
    text = aliases.get(text, text)
    if text.isdigit():
        text = f"cp{text}"
    try:
        return codecs.lookup(text).name
    except LookupError:
        return None


def classify_bytes(data: bytes) -> str | None:
    """``"ascii"``, ``"utf-8"``, ``"cp874"`` (Thai TIS-620) or ``None`` (none of these)."""
    high = [b for b in data if b >= 0x80]
    if not high:
        return "ascii"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if all(b in _THAI_HIGH for b in high):
        return "cp874"
    return None


def _dbf_text_bytes(path: Path) -> tuple[int, bytes]:
    """The DBF's language driver byte and the bytes of its character fields (a sample)."""
    with path.open("rb") as f:
        header = f.read(32)
        if len(header) < 32:
            return 0, b""
        n_records, header_len, record_len = struct.unpack("<IHH", header[4:12])
        ldid = header[29]
        fields = []
        offset = 1  # the deletion flag
        while True:
            desc = f.read(32)
            if len(desc) < 32 or desc[0] == 0x0D:
                break
            ftype, flen = chr(desc[11]), desc[16]
            if ftype in "CM":
                fields.append((offset, flen))
            offset += flen
        f.seek(header_len)
        records = f.read(min(SAMPLE_BYTES, n_records * max(record_len, 1)))
    chunks: list[bytes] = []
    for start in range(0, len(records) - record_len + 1, max(record_len, 1)):
        record = records[start : start + record_len]
        chunks.extend(record[o : o + n] for o, n in fields)
    return ldid, b" ".join(chunks)


def dbf_encoding(dbf: Path, *, name: str) -> EncodingGuess:
    """The encoding of the Shapefile table ``dbf`` (see the module docstring).

    Raises
    ------
    ImportRefusedError
        The text is neither ASCII, UTF-8 nor TIS-620/cp874, and no ``.cpg`` says which.
    """
    cpg = next(
        (p for p in dbf.parent.iterdir() if p.stem == dbf.stem and p.suffix.lower() == ".cpg"),
        None,
    )
    if cpg is not None:
        codec = _codec(cpg.read_text(encoding="ascii", errors="replace"))
        if codec is not None:
            return EncodingGuess(codec, "cpg")
    ldid, sample = _dbf_text_bytes(dbf)
    if ldid == LDID_THAI:
        return EncodingGuess("cp874", "ldid")
    kind = classify_bytes(sample)
    if kind is None:
        raise refuse("encoding", name=quote(name))
    return EncodingGuess("utf-8" if kind == "ascii" else kind, "content")


def text_encoding(data: bytes, *, name: str) -> EncodingGuess:
    """The encoding of a text file's bytes (CSV): UTF-8 (with or without BOM) or cp874."""
    if data.startswith(codecs.BOM_UTF8):
        return EncodingGuess("utf-8-sig", "content")
    kind = classify_bytes(data)
    if kind is None:
        raise refuse("encoding", name=quote(name))
    return EncodingGuess("utf-8" if kind == "ascii" else kind, "content")
