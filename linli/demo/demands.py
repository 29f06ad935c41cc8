"""Demands for the demo community: what a month of phone calls, sweeps and the self-service page
bring in, in every state, so the queue, the home page and the resident's tracking page have
something to show. Deterministic for a seed."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from linli.accounts.models import User
from linli.catalog.models import ServiceItem
from linli.demands.models import Channel, Demand
from linli.demands.services import DemandInput, demand_submit, demand_transition
from linli.people.models import Resident
from linli.regions.models import Region
from linli.supply.models import Organisation

#: (item code, description) as residents and workers say them.
SAMPLES = [
    ("0102", "腿脚不方便，下不了楼，想每天中午有人送一份饭"),
    ("0102", "老伴住院了，我一个人做不了饭，能不能送餐"),
    ("0101", "楼上王奶奶一个人住，好几天没见她下楼了，麻烦去看看"),
    ("0103", "想请人每周来帮忙洗一次澡，自己洗不了了"),
    ("0105", "想装一个一键呼叫的设备，晚上一个人怕出事"),
    ("0106", "卫生间想装扶手，地面太滑了"),
    ("0107", "刚满80岁，高龄补贴怎么申请"),
    ("0601", "想签家庭医生，每个月来量量血压"),
    ("0602", "糖尿病好几年了，想有人定期来随访"),
    ("0203", "孩子四点半放学，我们上班接不了，有没有托管"),
    ("0301", "孩子的残疾证到期了，要去哪里换"),
    ("0302", "中风以后右手不灵活，想做康复"),
    ("0401", "家里就我一个人有收入，想问问能不能申请低保"),
    ("0403", "家里失火了，东西都烧了，急需帮助"),
    ("0501", "失业半年了，想找个离家近的工作"),
    ("0801", "房东不退押金，想咨询一下怎么办"),
    ("0802", "楼上漏水到我家，沟通了几次都不管，想请社区调解"),
    ("1002", "家里水龙头一直滴水，老人自己修不了"),
    ("1005", "电梯又坏了，物业一直不来修"),
    ("1101", "小区门口垃圾堆了好几天没人清"),
    ("1103", "3栋楼道灯坏了一个星期，晚上看不见"),
    ("1104", "消防通道天天被私家车堵着"),
    ("1202", "需要开一个居住证明，给孩子上学用"),
    ("1401", "想提个建议：小区里能不能加几张休息的椅子"),
    ("0108", "老伴走了以后，一个人在家，觉得活着没意思"),
]
CHANNELS = [Channel.PHONE] * 4 + [Channel.VISIT] * 3 + [Channel.SELF_SERVICE] * 2 + [Channel.HOTLINE]


def demo_demands(*, rng: random.Random, community: Region, residents: list[Resident], count: int = 80) -> int:
    """Submit ``count`` demands in ``community`` and move some along the workflow."""
    worker = User.objects.get(username="demo_community")
    provider = Organisation.objects.filter(region=community, active=True).order_by("pk").first()
    items = {i.code: i for i in ServiceItem.objects.filter(code__in={c for c, _ in SAMPLES})}
    people = [r for r in residents if r.mobile][:2000]
    regions = Region.objects.in_bulk({r.region_id for r in people})  # one query, not one per demand
    for r in people:
        r.region = regions[r.region_id]
    made = 0
    for n in range(count):
        code, text = SAMPLES[n % len(SAMPLES)]
        resident = rng.choice(people)
        channel = rng.choice(CHANNELS)
        public = code in {"1101", "1103", "1104"} and n % 2 == 0
        data = DemandInput(
            region=resident.region, description=text, channel=channel if not public else Channel.PHONE,
            item=items[code], resident=None if public else resident,
            contact_mobile=resident.mobile if public else "",
        )
        submitter = resident.user if (channel == Channel.SELF_SERVICE and resident.user_id) else worker
        if submitter == worker and data.channel == Channel.SELF_SERVICE:
            data.channel = Channel.PHONE
        demand = demand_submit(user=submitter, data=data).demand
        _advance(demand, rng=rng, worker=worker, provider=provider)
        made += 1
    # A spread of submission times: closed ones over the last month, open ones over the last three
    # days but never past their deadline (an hour at least is left), as a community that keeps up
    # would look: the worker's first sweep escalates nothing.
    now = timezone.now()
    for demand in Demand.objects.filter(community=community).only("pk", "due_at", "created_at", "state"):
        if demand.state in {"closed", "resolved"}:
            hours = 24 * 30
        else:
            left = (demand.due_at - now) // dt.timedelta(hours=1) - 1 if demand.due_at else 72
            hours = max(0, min(72, left))
        shift = dt.timedelta(hours=rng.randint(0, hours))
        due_at = demand.due_at - shift if demand.due_at else None
        Demand.objects.filter(pk=demand.pk).update(created_at=now - shift, due_at=due_at)
    return made


def _advance(demand: Demand, *, rng, worker, provider) -> None:
    """Move a demand a random number of steps: some stay new, some are in service, some done."""
    steps = rng.choice([0, 0, 1, 2, 2, 3, 4, 4])
    if demand.crisis:
        return
    if steps >= 1 and demand.state == "submitted" and provider is not None:
        demand_transition(demand=demand, user=worker, action="assign", assignee_org=provider)
    if steps >= 2 and demand.state == "assigned":
        demand_transition(demand=demand, user=worker, action="start")
    if steps >= 3 and demand.state == "in_service":
        demand_transition(demand=demand, user=worker, action="resolve", note="已上门处理")
    if steps >= 4 and demand.state == "resolved":
        demand_transition(demand=demand, user=worker, action="close", reason="confirmed_by_phone")
