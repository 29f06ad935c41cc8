"""Demands stored before the queue searched by the last four mobile digits get them on the upgrade:
the contact's number, else the resident's; none for a demand without a number."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("demands", "0003_self_service_demands_not_public_area")]
AFTER = [("demands", "0004_demand_mobile_tail_for_queue_search")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_fills_the_last_four_digits_of_existing_demands(world):
    from linli.demands.models import Demand
    from linli.demands.tests.factories import submit

    with_contact = submit(world, resident=None, item="1103", description="楼道灯坏了", contact_mobile="13712345678")
    of_resident = submit(world, item="0102", description="想请人送饭")  # 13800001234
    without = submit(world, resident="b1", item="0102", description="想请人送饭", user=world.users["community_b"])
    Demand.objects.update(mobile_tail="")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    tails = dict(Demand.objects.values_list("pk", "mobile_tail"))
    assert tails == {with_contact.pk: "5678", of_resident.pk: "1234", without.pk: ""}
