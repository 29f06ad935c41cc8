"""Hours as people read and type them, minutes as the ledgers keep them (the 办法 counts in hours,
with one decimal; we store whole minutes)."""

from __future__ import annotations


def hours_text(minutes) -> str:
    """``90`` → ``"1.5"``; blank for what is not a number."""
    try:
        return f"{int(minutes or 0) / 60:.1f}"
    except (TypeError, ValueError):
        return ""


def minutes_from_hours(raw: str):
    """Hours as typed (``1``, ``1.5``) to whole minutes; anything else is returned unchanged, for
    the service to refuse with a translated message naming the field."""
    try:
        minutes = float(raw) * 60
    except (TypeError, ValueError):
        return raw
    return int(minutes) if minutes.is_integer() else minutes
