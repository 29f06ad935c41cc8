"""Field encryption and blind indexes for sensitive personal information (PIPL Art. 51).

Values are sealed with AES-256-GCM under a key derived (HKDF-SHA256) from ``settings.DATA_KEY``;
the stored form is ``v1:<base64url(nonce || ciphertext)>`` so a later key version can be added
without a flag day. Equality search goes through a *blind index*: an HMAC-SHA256 of the normalised
value under a second derived key, so the database never holds a value that can be reversed or
matched against a rainbow table of ID numbers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

VERSION = "v1"


class DecryptionError(ValueError):
    pass


@lru_cache(maxsize=8)
def _derive(master: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"linli", info=purpose).derive(
        master.encode()
    )


def _aead() -> AESGCM:
    return _aead_for(settings.DATA_KEY)


@lru_cache(maxsize=8)
def _aead_for(master: str) -> AESGCM:
    return AESGCM(_derive(master, b"field-encryption-v1"))


def encrypt(plaintext: str) -> str:
    nonce = os.urandom(12)
    sealed = _aead().encrypt(nonce, plaintext.encode(), None)
    return f"{VERSION}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(token: str) -> str:
    version, _, body = token.partition(":")
    if version != VERSION or not body:
        raise DecryptionError("unknown ciphertext version")
    try:
        raw = base64.urlsafe_b64decode(body.encode())
        return _aead().decrypt(raw[:12], raw[12:], None).decode()
    except Exception as exc:  # InvalidTag: wrong key or tampered row
        raise DecryptionError("ciphertext does not verify under the configured key") from exc


def blind_index(value: str) -> str:
    """Keyed hash of an already normalised value, for exact-match lookups."""
    key = _derive(settings.DATA_KEY, b"blind-index-v1")
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
