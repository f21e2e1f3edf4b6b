"""Memory-hard hashing of secrets (passwords, facilitator PINs) with scrypt.

The one home of secret hashing: `cmgis.workshop.access` keeps PINs as one encoded text
(`encode_secret`), `cmgis.accounts` keeps passwords with their parameters in columns
(`ScryptParams`, `derive`). Comparison is constant-time (`digest_matches`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

#: Name of the key-derivation function, stored beside each hash.
KDF_NAME = "scrypt"
SALT_BYTES = 16


@dataclass(frozen=True)
class ScryptParams:
    """scrypt's cost parameters (kept with every hash, so they can be raised later)."""

    n: int = 2**14
    r: int = 8
    p: int = 1
    dklen: int = 32


#: Parameters for new hashes: 16 MiB of memory per hash (128 * n * r bytes).
DEFAULT_PARAMS = ScryptParams()


def new_salt() -> bytes:
    """A random salt."""
    return secrets.token_bytes(SALT_BYTES)


def derive(secret: str, salt: bytes, params: ScryptParams = DEFAULT_PARAMS) -> bytes:
    """The scrypt key of ``secret`` (UTF-8) with ``salt`` and ``params``."""
    return hashlib.scrypt(
        secret.encode("utf-8"),
        salt=salt,
        n=params.n,
        r=params.r,
        p=params.p,
        dklen=params.dklen,
        maxmem=256 * params.n * params.r + 2**20,
    )


def digest_matches(secret: str, salt: bytes, params: ScryptParams, expected: bytes) -> bool:
    """Whether ``secret`` derives to ``expected`` (constant-time; False on bad parameters)."""
    try:
        got = derive(secret, salt, params)
    except (ValueError, TypeError, MemoryError):
        return False
    return hmac.compare_digest(got, expected)


def encode_secret(secret: str, params: ScryptParams = DEFAULT_PARAMS) -> str:
    """Salted hash of ``secret`` as one text: ``scrypt$n$r$p$salt$hash`` (hex)."""
    salt = new_salt()
    digest = derive(secret, salt, params)
    return f"{KDF_NAME}${params.n}${params.r}${params.p}${salt.hex()}${digest.hex()}"


def encoded_matches(secret: str, stored: str) -> bool:
    """Whether ``secret`` matches a text made by `encode_secret`."""
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        if scheme != KDF_NAME:
            return False
        params = ScryptParams(int(n), int(r), int(p), len(digest_hex) // 2)
        return digest_matches(secret, bytes.fromhex(salt_hex), params, bytes.fromhex(digest_hex))
    except (ValueError, TypeError, AttributeError):
        return False
