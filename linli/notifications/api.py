"""``/api/notifications``: the caller's inbox, and marking messages read."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema

from linli.core.api_support import (
    COUNT_DESCRIPTION,
    IDS_MAX,
    NEXT_DESCRIPTION,
    PREVIOUS_DESCRIPTION,
    Id,
    PageQuery,
    caller,
    paginate,
    responses,
)
from linli.notifications.selectors import inbox
from linli.notifications.services import notification_mark_read

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int = Field(description="Notification id.")
    template: str = Field(description="Kind of message, e.g. `demand_crisis`, `demand_escalated`.")
    subject: str = Field(description="Subject, in the recipient's language.")
    body: str = Field(description="Text, in the recipient's language.")
    link: str = Field(description="Page the message is about, or empty.")
    urgent: bool = Field(description="Needs attention now (e.g. crisis words, escalation).")
    created_at: dt.datetime = Field(description="When it was sent.")
    read_at: dt.datetime | None = Field(description="When it was marked read, or null.")


class NotificationPage(Schema):
    count: int = Field(description=COUNT_DESCRIPTION)
    next: str | None = Field(description=NEXT_DESCRIPTION)
    previous: str | None = Field(description=PREVIOUS_DESCRIPTION)
    items: list[NotificationOut] = Field(description="Newest first.")


class InboxQuery(PageQuery):
    unread: bool = Field(False, description="Only unread messages.")


class MarkReadIn(Schema):
    ids: list[Id] | None = Field(None, max_length=IDS_MAX, description=f"Ids to mark read (at most {IDS_MAX}); omitted or null: all unread.")


class MarkedOut(Schema):
    marked: int = Field(description="How many messages were marked read.")


@router.get("/notifications", response=responses({200: NotificationPage}, errors=(401, 422)), summary="Your inbox")
def list_notifications(request, query: Query[InboxQuery]):
    return paginate(request, inbox(user=caller(request), unread_only=query.unread), query)


@router.post("/notifications/read", response=responses({200: MarkedOut}, errors=(401, 422)), summary="Mark messages read")
def mark_read(request, payload: MarkReadIn):
    return {"marked": notification_mark_read(user=caller(request), ids=payload.ids)}
