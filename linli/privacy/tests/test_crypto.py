import pytest
from django.db import connection

from linli.people.models import Resident
from linli.privacy import crypto


def test_encrypt_round_trips_and_is_randomised():
    a, b = crypto.encrypt("13800001234"), crypto.encrypt("13800001234")
    assert a != b
    assert crypto.decrypt(a) == crypto.decrypt(b) == "13800001234"


def test_tampered_ciphertext_does_not_decrypt():
    token = crypto.encrypt("x")
    # Change a character in the middle: the last base64 characters may carry only padding bits,
    # and changing those leaves the decoded bytes as they were.
    i = len(token) // 2
    broken = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(broken)


def test_blind_index_is_keyed_and_deterministic(settings):
    first = crypto.blind_index("13800001234")
    assert first == crypto.blind_index("13800001234")
    settings.DATA_KEY = "another-key-another-key-another-key-12345"
    assert crypto.blind_index("13800001234") != first


def test_database_holds_no_plain_identifier(world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, mobile FROM people_resident WHERE id = %s", [world.resident_a1.pk])
        stored_id, stored_mobile = cursor.fetchone()
    assert stored_id.startswith("v1:") and stored_mobile.startswith("v1:")
    assert "13800001234" not in stored_mobile
    reloaded = Resident.objects.get(pk=world.resident_a1.pk)
    assert reloaded.mobile == "13800001234"
    assert Resident.objects.by_mobile("13800001234").get() == reloaded
