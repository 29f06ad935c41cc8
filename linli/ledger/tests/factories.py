"""Helpers for ledger, record and shop tests: volunteers with accounts, confirmed records, rules."""

from __future__ import annotations

import datetime as dt

from linli.ledger.services import rule_create
from linli.records.services import record_create
from linli.supply.tests.factories import make_volunteer
from linli.testing import make_user

DAY = dt.date(2026, 11, 2)


def volunteer(world, name: str, region=None):
    return make_volunteer(region=region or world.grid_a1, user=make_user(name), name=name)


def points_rule(world, *, per_hour=10, per_record=0, region=None, item=None):
    user = world.users["community_b" if region == world.community_b else "community_a"]
    return rule_create(user=user, region=region or world.community_a, name="每小时积分",
                       per_hour=per_hour, per_record=per_record, valid_from=dt.date(2026, 1, 1), item=item)


def confirmed(world, vol, minutes=120, *, day=DAY, activity="助老探访"):
    """One confirmed record of ``minutes`` by the community's worker."""
    return record_create(user=world.users["community_a"], volunteers=[vol], region=world.community_a, activity=activity,
                         date=day, place="幸福苑3幢", content="陪伴聊天、读报", minutes=minutes,
                         person_in_charge="王主任")[0]
