"""Validation and masking of Chinese personal identifiers. Pure functions, no models.

* Resident ID numbers (公民身份号码) per GB 11643-1999: 18 characters, ISO 7064 MOD 11-2 check digit,
  a real birth date. Unknown area codes are *not* rejected: historic codes and the 81/82/83 codes
  of residence permits for Hong Kong, Macao and Taiwan residents are valid.
* Mainland mobile numbers: 11 digits starting 1[3-9], with an optional +86/0086 prefix.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from linli.core.errors import DomainError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$")
MANGLED_MESSAGE = _(
    "The ID number was stored in a number cell and has lost its last digits; "
    "format the column as text and type the number again"
)


class IdentifierError(DomainError):
    """A bad identifier; ``code`` is stable for API clients, ``message`` is translated."""


@dataclass(frozen=True)
class IdNumberInfo:
    number: str
    birth_date: dt.date
    gender: str  # "M" or "F", from the parity of the 17th digit
    area_code: str


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def normalize_id_number(raw: str) -> str:
    return raw.strip().replace(" ", "").upper()


def parse_id_number(raw: str) -> IdNumberInfo:
    """Validate an 18-character ID number and return what it encodes.

    ``code`` is what the API returns; ``message`` is translated lazily.
    """
    number = normalize_id_number(raw)
    if _SCIENTIFIC.match(number):
        raise IdentifierError("id_number_mangled", MANGLED_MESSAGE)
    if len(number) == 15 and number.isdigit():
        raise IdentifierError(
            "id_number_first_generation",
            _("15-digit first-generation ID numbers are not accepted; enter the 18-digit number"),
        )
    if not _ID_SHAPE.match(number):
        raise IdentifierError("id_number_format", _("An ID number has 17 digits followed by a digit or X"))
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentifierError("id_number_birth_date", _("The birth date inside the ID number does not exist")) from None
    if birth.year < 1880 or birth > dt.date.today():  # noqa: DTZ011 - a calendar date, not a time
        raise IdentifierError("id_number_birth_date", _("The birth date inside the ID number does not exist"))
    if not _valid_check(number):
        raise IdentifierError("id_number_checksum", _("The check digit of the ID number is wrong"))
    gender = "M" if int(number[16]) % 2 else "F"
    return IdNumberInfo(number=number, birth_date=birth, gender=gender, area_code=number[:6])


def _valid_check(number: str) -> bool:
    return len(number) == 18 and id_check_digit(number[:17]) == number[17]


def normalize_mobile(raw: str) -> str:
    number = re.sub(r"[\s\-]", "", str(raw).strip())
    if number.endswith(".0"):  # a number cell read back as a float
        number = number[:-2]
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            number = number[len(prefix):]
    return number


def parse_mobile(raw: str) -> str:
    number = normalize_mobile(raw)
    if not _MOBILE.match(number):
        raise IdentifierError("mobile_format", _("A mobile number has 11 digits and starts with 13–19"))
    return number


def mask_id_number(number: str) -> str:
    """List form: first character and last character (3****************2)."""
    if not number:
        return ""
    if len(number) < 3:
        return "*" * len(number)
    return number[0] + "*" * (len(number) - 2) + number[-1]


def mask_mobile(number: str) -> str:
    """138****1234."""
    if not number:
        return ""
    if len(number) != 11:
        return "*" * len(number)
    return number[:3] + "****" + number[-4:]


def mask_name(name: str) -> str:
    """``李秀英`` → ``李**``: the family name and one star per other character (for public pages
    and for lists read by people who need not know who it is)."""
    name = (name or "").strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""
