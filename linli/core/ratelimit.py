"""Rate limits for the public pages: fixed-window counters in Django's cache.

A page names what it counts, for example ``{"ip": client_ip(request), "number": tracking}``, and
``settings.RATE_LIMITS[page]`` gives each name its limits (``(count, window seconds)`` pairs, set by
``RATE_LIMIT_*`` variables). Every attempt adds one to each counter of the current window; when
any counter is over its limit the attempt is refused until that window ends.

The cache keys are HMACs of the page, the name and the value (keyed by ``SECRET_KEY``): a mobile
number or a tracking number never appears in the cache, even hashed in a way one could reverse by
trying the 10¹¹ mobiles. The cache must be shared by every process that serves pages (the
database cache in ``settings``): a per-process cache would multiply each limit by the processes.
"""

from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    #: Seconds until the attempt would be allowed again (0 when it is).
    retry_after: int = 0

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        if minutes <= 90:
            return ngettext(
                "Too many attempts. Please try again in %(n)d minute.",
                "Too many attempts. Please try again in %(n)d minutes.",
                minutes,
            ) % {"n": minutes}
        hours = math.ceil(minutes / 60)
        return ngettext(
            "Too many attempts. Please try again in %(n)d hour.",
            "Too many attempts. Please try again in %(n)d hours.",
            hours,
        ) % {"n": hours}


def client_ip(request) -> str:
    """The client's address: the connection's, or the one the trusted proxy saw.

    With ``settings.PROXY_HOPS`` proxies in front (production), the client is the address the
    outermost of them appended to ``X-Forwarded-For``, counted from the right: entries further left
    come from the client itself and prove nothing. An IPv6 client counts as its /64 network, which
    one subscriber has in full.
    """
    address = request.META.get("REMOTE_ADDR", "")
    hops = settings.PROXY_HOPS
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _key(page: str, name: str, value: str, window: int, index: int) -> str:
    digest = salted_hmac("linli.core.ratelimit", f"{page}\x00{name}\x00{value}").hexdigest()[:32]
    return f"rl:{digest}:{window}:{index}"


def _count(key: str, timeout: int) -> int:
    """Add one to the counter ``key`` (created with ``timeout`` when missing); its new value."""
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the add and the incr
        cache.set(key, 1, timeout=timeout)
        return 1


def ratelimit_hit(*, page: str, values: dict[str, str]) -> Verdict:
    """Count one attempt on ``page`` against each named value; whether it may go ahead.

    Refused attempts count too, so hammering does not shorten the wait; empty values are not counted.
    """
    rules = settings.RATE_LIMITS.get(page, {})
    now = time.time()
    retry_after = 0
    for name, value in values.items():
        if not value:
            continue
        for limit, window in rules.get(name, ()):
            index = int(now // window)
            ends_in = math.ceil((index + 1) * window - now)
            if _count(_key(page, name, value, window, index), ends_in + 1) > limit:
                retry_after = max(retry_after, ends_in)
    return Verdict(allowed=retry_after == 0, retry_after=retry_after)
