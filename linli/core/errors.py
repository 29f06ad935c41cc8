"""One error type for everything a user or API client can get wrong.

Services raise :class:`DomainError` with a stable ``code`` (API clients branch on it), a translated
``message`` (people read it) and, where it applies, the ``field`` and spreadsheet ``row``. Pages show
the message next to the field; the API answers ``400 {"code", "message", "field"}``.
"""

from __future__ import annotations

from django.utils.functional import lazy


class DomainError(ValueError):
    def __init__(self, code: str, message, *, field: str | None = None, row: int | None = None):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        self.row = row

    def as_dict(self) -> dict:
        data = {"code": self.code, "message": str(self.message)}
        if self.field:
            data["field"] = self.field
        if self.row is not None:
            data["row"] = self.row
        return data


def _interpolate(message, params: dict) -> str:
    return str(message) % params


#: ``interpolate(_("Unknown tag: %(tag)s"), {"tag": t})`` is ``message % params`` kept lazy, so it
#: is translated in the language of whoever reads it. ``gettext_lazy(...) % {...}`` translates at
#: once, in the language active when the error was raised, which is wrong for a validation report
#: built once and shown or exported later.
interpolate = lazy(_interpolate, str)
