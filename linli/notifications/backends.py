"""Outside channels behind one interface: ``send(message) -> (status, detail)``.

``NOTIFICATION_BACKENDS`` (settings) lists the dotted paths in use. The development default is
:class:`LogBackend` for SMS and WeChat (it writes what would be sent to the log) and
:class:`EmailBackend`, which sends through Django's e-mail settings (``EMAIL_URL``). A real SMS
gateway or WeChat template-message sender is one class with a ``send`` method and a ``channel``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.mail import send_mail

logger = logging.getLogger("linli.notifications")


@dataclass(frozen=True)
class OutgoingMessage:
    notification_id: int
    mobile: str
    email: str
    wechat_openid: str
    subject: str
    body: str
    urgent: bool


class Backend:
    name = "base"

    def send(self, message: OutgoingMessage) -> tuple[str, str]:
        raise NotImplementedError


class LogSmsBackend(Backend):
    """Development SMS: logs the text instead of sending it."""

    name = "sms-log"

    def send(self, message: OutgoingMessage) -> tuple[str, str]:
        if not message.mobile:
            return "skipped", ""
        logger.info("SMS to %s: %s", message.mobile[:3] + "****" + message.mobile[-4:], message.body)
        return "sent", "logged"


class LogWeChatBackend(Backend):
    """Development WeChat template message: logs instead of calling the WeChat API."""

    name = "wechat-log"

    def send(self, message: OutgoingMessage) -> tuple[str, str]:
        if not message.wechat_openid:
            return "skipped", ""
        logger.info("WeChat to %s: %s", message.wechat_openid, message.subject)
        return "sent", "logged"


class EmailBackend(Backend):
    """E-mail through Django's mail settings (SMTP in production, the console in development)."""

    name = "email"

    def send(self, message: OutgoingMessage) -> tuple[str, str]:
        if not message.email:
            return "skipped", ""
        send_mail(message.subject, message.body, None, [message.email], fail_silently=False)
        return "sent", ""
