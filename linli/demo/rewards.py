"""The demo's hours, points and shop (M6): a points rule, a season of confirmed service records,
records still waiting for the community (one of them overdue), a stocked 爱心铺 with its donors,
and a redemption and a correction request by the demo volunteer."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from linli.accounts.models import User
from linli.regions.models import Region


def demo_rewards(*, rng: random.Random, community: Region) -> int:
    """Returns the number of service records written."""
    from linli.ledger.services import rule_create
    from linli.records.models import ServiceRecord
    from linli.records.services import correction_request, record_create, working_days_after
    from linli.shop.services import donation_receive, item_create, redeem
    from linli.supply.models import Volunteer

    worker = User.objects.get(username="demo_community")
    today = timezone.localdate()
    rule_create(user=worker, region=community, name="每服务一小时 10 积分", per_hour=10, valid_from=today.replace(month=1, day=1))
    volunteers = list(Volunteer.objects.filter(region__path__startswith=community.path).select_related("region").order_by("pk"))
    own = next((v for v in volunteers if v.user_id and v.user.username == "demo_volunteer"), None)
    activities = [("助老探访", "陪伴聊天、读报、检查燃气", 90), ("老年助餐送餐", "中午送餐上门", 60),
                  ("垃圾分类宣传", "在小区广场发放宣传单、现场指导", 120), ("文明交通劝导", "路口引导行人", 180)]
    written = 0
    for week in range(12, 0, -1):
        day = today - dt.timedelta(days=7 * week + rng.randrange(5))
        name, content, minutes = rng.choice(activities)
        team = rng.sample(volunteers, k=min(len(volunteers), rng.randrange(2, 6)))
        if own is not None and week % 2 == 0 and own not in team:
            team.append(own)
        written += len(record_create(user=worker, volunteers=team, region=community, activity=name, date=day,
                                     place=f"{community.name}党群服务中心", content=content, minutes=minutes,
                                     person_in_charge="王主任"))
    for i, v in enumerate(volunteers[:3]):  # still waiting for the community; the first is overdue
        day = today - dt.timedelta(days=20 if i == 0 else 2)
        ServiceRecord.objects.create(volunteer=v, activity="助老探访", date=day, place=community.name, content="陪伴聊天",
                                     minutes=60, region=community, path=community.path, person_in_charge="",
                                     due_on=working_days_after(day, 10))
        written += 1
    shelf = [("大米 5kg", 80, "联华超市", "business", 10), ("食用油 1.8L", 60, "好邻居便利店", "business", 8),
             ("洗衣液", 40, "张阿姨", "resident", 5), ("毛巾", 15, "社区爱心企业", "organisation", 20)]
    items = []
    for name, price, donor, kind, quantity in shelf:
        item = item_create(user=worker, region=community, name=name, price=price)
        donation_receive(user=worker, item=item, donor_name=donor, donor_kind=kind, quantity=quantity)
        items.append(item)
    if own is not None and own.user_id:
        redeem(user=own.user, item=items[-1], quantity=1)
        latest = ServiceRecord.objects.filter(volunteer=own, state="confirmed").order_by("-date").first()
        if latest is not None:
            correction_request(user=own.user, record=latest, minutes=latest.minutes + 30,
                               reason="活动结束后又帮忙收拾了半小时")
    return written
