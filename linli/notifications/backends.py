"""Outside channels behind one interface: ``send(message) -> (status, detail)``.

``NOTIFICATION_BACKENDS`` (settings) lists the dotted paths in use. The development default is
:class:`LogBackend` for SMS and WeChat (it writes what would be sent to the log) and
:class:`EmailBackend`, which sends through Django's e-mail settings (``EMAIL_URL``). A real SMS
gateway or WeChat template-message sender is one class with a ``send`` method and a ``channel``.

Each message carries its delivery key (``OutgoingMessage.key``, one per notification and backend).
A real gateway adapter passes it as the gateway's own de-duplication id (e.g. the SMS ``OutId`` or
a WeChat ``client_msg_id``), so a retry after a worker died mid-send cannot reach the person twice;
e-mail uses it as the ``Message-ID``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.mail import EmailMessage

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
    #: The delivery key (``linli-<notification>-<backend>``): the same on every retry of one delivery.
    key: str = ""


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
        logger.info("SMS to %s [%s]: %s", message.mobile[:3] + "****" + message.mobile[-4:], message.key, message.body)
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
        headers = {"Message-ID": f"<{message.key}@linli>"} if message.key else {}
        EmailMessage(message.subject, message.body, None, [message.email], headers=headers).send(fail_silently=False)
        return "sent", ""
