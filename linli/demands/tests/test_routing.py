"""Routing by the community menu, crisis handling, duplicates and public-area links."""

from __future__ import annotations

import pytest

from linli.catalog.models import MenuItem, ServiceItem
from linli.core.errors import DomainError
from linli.demands.models import Demand
from linli.demands.services import demand_note, demand_transition, duplicate_candidates
from linli.demands.tests.factories import submit


def test_a_demand_goes_to_the_unit_that_provides_it_on_the_menu(world):
    menu = MenuItem.objects.create(community=world.community_a, item=ServiceItem.objects.get(code="0102"))
    menu.providers.add(world.org_a)
    d = submit(world, item="0102", description="每天中午想要有人送饭")
    assert (d.state, d.assignee_org) == ("assigned", world.org_a)
    assert list(d.events.values_list("action", "actor_role")) == [("submit", "owner"), ("assign", "system")]


def test_without_a_provider_the_demand_stays_with_the_community(world):
    d = submit(world, item="0102", description="每天中午想要有人送饭")
    assert (d.state, d.assignee_org, d.community) == ("submitted", None, world.community_a)


def test_the_item_is_suggested_when_none_is_chosen(world):
    d = submit(world, item=None, description="楼道的灯坏了好几天，晚上黑乎乎的")
    assert (d.item.code, d.item_suggested) == ("1103", True)


def test_a_senior_living_alone_with_a_health_need_is_high(world):
    d = submit(world, item="0602", description="最近血压有点高，想请医生来看看")
    assert (d.urgency, d.urgency_reasons) == (3, ["vulnerable_elder_health"])


def test_crisis_words_alert_and_block_closing_until_a_social_worker_writes(world):
    menu = MenuItem.objects.create(community=world.community_a, item=ServiceItem.objects.get(code="0108"))
    menu.providers.add(world.org_a)
    d = submit(world, item="0108", description="老伴走了以后，觉得活着没意思")
    assert (d.crisis, d.crisis_phrases, d.urgency, d.state) == (True, ["活着没意思"], 4, "submitted")  # not auto-routed
    community = world.users["community_a"]
    demand_transition(demand=d, user=community, action="assign", assignee_org=world.org_a)
    for action, kwargs in [("resolve", {"note": "已探访"}), ("cancel", {"reason": "no_longer_needed"})]:
        with pytest.raises(DomainError) as caught:
            demand_transition(demand=d, user=community, action=action, **kwargs)
        assert caught.value.code == "crisis_needs_social_worker"
    demand_note(demand=d, user=community, note="社区工作者的记录不算")
    d.refresh_from_db()
    assert d.crisis_cleared_by is None
    demand_note(demand=d, user=world.users["social_a"], note="已上门评估，联系了家属，安排每周探访")
    d.refresh_from_db()
    assert d.crisis_cleared_by == world.users["social_a"]
    demand_transition(demand=d, user=community, action="resolve", note="已探访")
    assert Demand.objects.get(pk=d.pk).state == "resolved"


def test_the_same_resident_and_service_open_within_the_window_is_offered_as_a_merge(world, settings):
    settings.DEMAND_DUPLICATE_WINDOW_DAYS = 14
    first = submit(world, item="0102", description="想请人送饭")
    second = submit(world, item="0102", description="还是送饭的事")
    other_item = submit(world, item="1002", description="水龙头坏了")
    assert duplicate_candidates(second) == [first]
    assert duplicate_candidates(other_item) == []
    demand_transition(demand=second, user=world.users["community_a"], action="mark_duplicate", duplicate_of=first)
    second.refresh_from_db()
    assert (second.state, second.duplicate_of) == ("duplicate", first)


def test_public_area_demands_in_the_same_micro_grid_and_item_are_linked(world):
    a = submit(world, resident=None, item="1103", description="3栋楼道灯坏了", region=world.micro_a1)
    b = submit(world, resident=None, item="1103", description="楼道里一直黑着", region=world.micro_a1)
    c = submit(world, resident=None, item="1101", description="垃圾桶满了", region=world.micro_a1)
    assert list(b.linked.all()) == [a]
    assert list(a.linked.all()) == [b]
    assert list(c.linked.all()) == []


def test_a_workers_low_urgency_stands_unless_a_rule_raises_it(world):
    from linli.catalog.models import ServiceItem
    from linli.demands.models import Channel
    from linli.demands.services import DemandInput, demand_submit

    def record(text, item, urgency):
        data = DemandInput(region=world.resident_a1.region, description=text, channel=Channel.PHONE,
                           item=ServiceItem.objects.get(code=item), resident=world.resident_a1, urgency=urgency)
        return demand_submit(user=world.users["grid_a1"], data=data).demand

    assert record("想问问社区有没有书法班", "0701", 1).urgency == 1
    assert record("最近头晕，血压高，想请医生来看", "0602", 1).urgency == 3  # a senior living alone, a health need
