"""Demands for tests, built through the real service (so triage, routing and history run)."""

from __future__ import annotations

from linli.catalog.models import ServiceItem
from linli.demands.models import Channel, Demand
from linli.demands.services import DemandInput, demand_submit


def submit(world, *, user=None, resident="a1", item="0102", description="想请人每天中午送一份饭", channel=None,
           region=None, **extra) -> Demand:
    """A demand of ``world.resident_a1`` (or another resident, or none: ``resident=None``)."""
    res = {"a1": world.resident_a1, "a2": world.resident_a2, "b1": world.resident_b1, None: None}[resident]
    user = user or (world.users["resident_a1"] if resident == "a1" else world.users["community_a"])
    if channel is None:
        channel = Channel.SELF_SERVICE if user == world.users["resident_a1"] else Channel.PHONE
    data = DemandInput(
        region=region or (res.region if res else world.micro_a1), description=description, channel=channel,
        item=ServiceItem.objects.get(code=item) if item else None, resident=res, **extra,
    )
    return demand_submit(user=user, data=data).demand


def sms_code(mobile_masked: str) -> str:
    """The one-time code last texted (the development backend keeps the message), checked to have gone
    to ``mobile_masked``."""
    import re

    from linli.notifications.models import Notification

    sms = Notification.objects.filter(template="track_code").latest("id")
    assert sms.address_masked == mobile_masked
    return re.search(r"\b(\d{6})\b", sms.body).group(1)
