"""The one error type of the Open311 endpoints: an HTTP status, a stable code and a message.

The body is the spec's ``[{"code": <HTTP status>, "description": "…"}]``. Because the spec's
``code`` is the HTTP status, our stable machine code starts the description (``"service_code_unknown:
…"``) so integrators can branch on it; the rest is translated for people.
"""

from __future__ import annotations

from linli.core.errors import DomainError


class Open311Error(Exception):
    def __init__(self, status: int, code: str, message) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    @property
    def description(self) -> str:
        return f"{self.code}: {self.message}"

    @classmethod
    def from_domain(cls, exc: DomainError, status: int = 400) -> Open311Error:
        return cls(status, exc.code, exc.message)
