"""Mobile and ID numbers never reach a log in full.

Searches with personal data are POSTs (the register's search, the demand form's resident search and
suggestions, ``POST /api/residents/search``), but a URL typed by hand, an old bookmark or an API
client can still put a number in a request line, which ``django.server``, ``django.request``,
gunicorn's access log and any exception message repeat. :func:`install` wraps the process's log
record factory, so every record of every logger (including handlers added later, such as pytest's
capture) is masked once, when it is made: a run of 11 digits becomes ``138****1234`` (the mask the
pages use for mobiles), and any longer run of digits, with or without a final ``X`` (an 18-character
ID number, a number with a ``+86`` prefix) keeps only its first and last character.

:class:`MaskIdentifiersFilter` does the same as a ``logging.Filter``, for a logging configuration of
a process that does not load Django (e.g. gunicorn's ``logconfig_dict``).
"""

from __future__ import annotations

import logging
import re

#: A run of 11 or more digits, optionally ending in X (ID numbers), not part of a longer run.
_DIGIT_RUN = re.compile(r"(?<!\d)\d{11,}[Xx]?(?![\dA-Za-z])|(?<!\d)\d{11,}(?!\d)")


def _mask(match: re.Match) -> str:
    value = match.group(0)
    if len(value) == 11:
        return f"{value[:3]}****{value[-4:]}"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_identifiers(text: str) -> str:
    """``text`` with every mobile and ID number masked."""
    return _DIGIT_RUN.sub(_mask, text)


def mask_record(record: logging.LogRecord) -> None:
    """Replace the record's message by its masked text when it holds a number to mask (other
    records are left as they are, with their arguments)."""
    try:
        message = record.getMessage()
    except Exception:  # a malformed record: logging itself reports it when it is emitted
        return
    masked = mask_identifiers(message)
    if masked != message:
        record.msg, record.args = masked, ()


class MaskIdentifiersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


_installed = False


def install() -> None:
    """Mask every log record made from now on in this process (idempotent)."""
    global _installed
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = make(*args, **kwargs)
        mask_record(record)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
