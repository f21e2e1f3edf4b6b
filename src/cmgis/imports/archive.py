"""Safe unpacking of zip archives (zipped Shapefiles, KMZ): every check before any byte.

The central directory is read first and the archive refused, with nothing unpacked, for
a path that leaves the target folder (``../``, absolute, drive letters), a symbolic link,
an archive inside the archive, too many members, a member that expands more than
`MAX_RATIO` times (a zip bomb), or a total over `MAX_UNPACKED_BYTES`. Unpacking then
writes each member by its checked name and stops if a member yields more bytes than its
directory entry declared (a forged size).
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import Final

from cmgis.imports.refusals import quote, refuse

#: Most bytes all members may expand to together.
MAX_UNPACKED_BYTES: Final = 200 * 1024 * 1024
#: Most a member may expand relative to its compressed size (text compresses ~10–20×).
MAX_RATIO: Final = 100
#: Members smaller than this are not judged by their ratio (a tiny file of zeros is fine).
RATIO_MIN_BYTES: Final = 1024 * 1024
MAX_MEMBERS: Final = 200
#: Extensions of archives inside an archive (refused: unpack them first).
ARCHIVE_SUFFIXES: Final = frozenset(
    {".zip", ".kmz", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz", ".zst"}
)
_CHUNK: Final = 1024 * 1024


def _safe_member_path(name: str) -> PurePosixPath | None:
    """The relative path of member ``name``; ``None`` if it would leave the target folder."""
    text = name.replace("\\", "/")
    if text.startswith("/") or (len(text) > 1 and text[1] == ":") or "\x00" in text:
        return None
    parts = [p for p in PurePosixPath(text).parts if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return PurePosixPath(*parts)


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _is_archive(info: zipfile.ZipInfo, head: bytes) -> bool:
    suffix = PurePosixPath(info.filename).suffix.lower()
    return suffix in ARCHIVE_SUFFIXES or head.startswith(
        (b"PK\x03\x04", b"\x1f\x8b", b"7z\xbc\xaf")
    )


def check_archive(path: Path, *, name: str) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """The members of the zip ``path`` with their safe relative paths, after every check.

    Parameters
    ----------
    path
        The archive on disk.
    name
        The file name shown in messages (the upload's own name).

    Raises
    ------
    ImportRefusedError
        Damaged archive, path traversal, symbolic link, nested archive, too many members,
        a zip-bomb ratio or total size. Nothing has been unpacked.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            heads = {}
            for info in infos:
                if not info.is_dir() and info.file_size and info.compress_type in (0, 8):
                    # the first bytes only: enough to see an archive inside
                    with archive.open(info) as member:
                        heads[info.filename] = member.read(4)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as err:
        raise refuse("zip_damaged", name=quote(name), detail=type(err).__name__) from err
    return _checked_members(infos, heads, name=name)


def _checked_members(
    infos: list[zipfile.ZipInfo], heads: dict[str, bytes], *, name: str
) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    if len(infos) > MAX_MEMBERS:
        raise refuse("zip_members", name=quote(name), n=len(infos), limit=MAX_MEMBERS)
    members: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
    total = 0
    for info in infos:
        rel = _safe_member_path(info.filename)
        if rel is None:
            raise refuse("zip_traversal", name=quote(name), member=quote(info.filename))
        if _is_symlink(info):
            raise refuse("zip_symlink", name=quote(name), member=quote(info.filename))
        if info.is_dir():
            continue
        if _is_archive(info, heads.get(info.filename, b"")):
            raise refuse("zip_nested", name=quote(name), member=quote(info.filename))
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_MIN_BYTES and ratio > MAX_RATIO:
            raise refuse(
                "zip_ratio",
                name=quote(name),
                member=quote(info.filename),
                ratio=f"{ratio:.0f}",
                limit=MAX_RATIO,
            )
        total += info.file_size
        if total > MAX_UNPACKED_BYTES:
            raise refuse(
                "zip_total",
                name=quote(name),
                mb=f"{total / 2**20:.0f}+",
                limit=MAX_UNPACKED_BYTES // 2**20,
            )
        members.append((info, rel))
    return members


def unpack_archive(path: Path, target: Path, *, name: str) -> list[Path]:
    """Unpack the zip ``path`` into the empty folder ``target`` after `check_archive`.

    Returns the unpacked files. A member that yields more bytes than its directory entry
    declared stops the unpacking with the same refusal as a zip bomb.
    """
    members = check_archive(path, name=name)
    try:
        return _unpack(path, target.resolve(), members, name=name)
    except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as err:
        # a bad CRC, an encrypted member, an unknown compression method
        raise refuse("zip_damaged", name=quote(name), detail=type(err).__name__) from err


def _unpack(
    path: Path, root: Path, members: list[tuple[zipfile.ZipInfo, PurePosixPath]], *, name: str
) -> list[Path]:
    out: list[Path] = []
    with zipfile.ZipFile(path) as archive:
        for info, rel in members:
            dest = (root / rel).resolve()
            if root not in dest.parents:  # belt and braces after _safe_member_path
                raise refuse("zip_traversal", name=quote(name), member=quote(info.filename))
            dest.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            with archive.open(info) as src, dest.open("wb") as dst:
                while chunk := src.read(_CHUNK):
                    written += len(chunk)
                    if written > info.file_size:
                        raise refuse(
                            "zip_total",
                            name=quote(name),
                            mb=f"{written / 2**20:.0f}+",
                            limit=MAX_UNPACKED_BYTES // 2**20,
                        )
                    dst.write(chunk)
            out.append(dest)
    return out
