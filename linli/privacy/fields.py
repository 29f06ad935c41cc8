"""Model fields that keep sensitive values encrypted at rest."""

from __future__ import annotations

from django.db import models

from linli.privacy import crypto


class EncryptedTextField(models.TextField):
    """A text column stored as AES-GCM ciphertext and read back as plaintext.

    It cannot be filtered or ordered on (the ciphertext is randomised); pair it with a blind-index
    column for equality search.
    """

    description = "Encrypted text"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in {"isnull", "exact"}:
            return None
        return super().get_lookup(lookup_name)
