"""The M6 pages cost the same number of queries with one row as with many (no N+1)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.ledger.tests.factories import confirmed, points_rule, volunteer
from linli.records.services import correction_request
from linli.shop.services import redeem
from linli.shop.tests.factories import give_points, stocked_item


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(world, vol, n):
    for i in range(n):
        record = confirmed(world, vol, minutes=60 + i, activity=f"活动{i}")
        correction_request(user=vol.user, record=record, minutes=90, reason="少记了")
        item = stocked_item(world, name=f"物品{i}", price=1, stock=2)
        redeem(user=vol.user, item=item)


def test_pages_do_not_grow_with_rows(world, client):
    points_rule(world)
    vol = volunteer(world, "li")
    give_points(world, vol, 100)
    _grow(world, vol, 1)
    urls_vol = ["/me/hours/", "/shop/"]
    urls_staff = ["/records/", "/shop/keeper/", "/ledger/"]
    client.force_login(vol.user)
    small = [_queries(client, u) for u in urls_vol]
    client.force_login(world.users["community_a"])
    small += [_queries(client, u) for u in urls_staff]
    _grow(world, vol, 4)
    client.force_login(vol.user)
    large = [_queries(client, u) for u in urls_vol]
    client.force_login(world.users["community_a"])
    large += [_queries(client, u) for u in urls_staff]
    assert large == small, dict(zip(urls_vol + urls_staff, zip(small, large, strict=True), strict=True))
