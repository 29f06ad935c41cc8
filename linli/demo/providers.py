"""Who serves the demo street: organisations with their past projects, social workers, and each
community's service menu. Small numbers, so plain ORM writes.

The cast follows the field reports: a hub social organisation at the street (枢纽型, it runs the
neighbourhood centre and incubates the others), specialist organisations for older people,
children, disability and legal aid (the 一元钱法律服务: a consultation for one yuan), the property
company of the estates, the school and the health station, and the businesses a community leans
on (the canteen behind 老年助餐, the supermarket that delivers).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from linli.catalog.models import MenuItem, ServiceCategory, ServiceItem
from linli.demo import names
from linli.regions.models import Region
from linli.supply.models import (
    CertificationLevel,
    LegalStatus,
    Organisation,
    OrganisationProject,
    OrgKind,
    SocialOrgRole,
    SocialWorker,
)

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code(rng: random.Random, *, registrar: str, area: str) -> str:
    """A well-formed unified social credit code (GB 32100-2015): registrar + type (2), area (6),
    organisation code with its GB 11714 check character (9), check character (1)."""
    body = [rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _i in range(8)]
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    org_code = "".join(body) + ("X" if check == 10 else "0" if check == 11 else str(check))
    first17 = registrar + area + org_code
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return first17 + _CREDIT_CHARS[(31 - total % 31) % 31]


@dataclass(frozen=True)
class OrgSpec:
    key: str
    name: str  # with {street}, {community} or {village}
    kind: str
    where: str  # street, community or village
    domains: tuple[str, ...]
    social_role: str = ""
    legal_status: str = ""
    registrar: str = "91"
    description: str = ""
    projects: tuple[tuple[str, int, str, int], ...] = ()  # title, year, funder, amount in yuan


ORGANISATIONS: tuple[OrgSpec, ...] = (
    OrgSpec("hub", "{street}社会组织服务中心", OrgKind.SOCIAL_ORG, "street", ("13", "14", "07"),
            SocialOrgRole.HUB, LegalStatus.REGISTERED, "52",
            "枢纽型社会组织,运营街道幸福邻里中心,孵化培育社区社会组织,统筹“五社联动”项目。",
            (("社区社会组织孵化培育", 2024, "吴兴区民政局", 200_000),
             ("幸福邻里中心运营", 2025, "{street}办事处", 360_000),
             ("五社联动微创投", 2023, "吴兴区慈善总会", 120_000))),
    OrgSpec("elderly", "{street}夕阳红居家养老服务中心", OrgKind.SOCIAL_ORG, "street", ("01", "06"),
            SocialOrgRole.SPECIALIST, LegalStatus.REGISTERED, "52",
            "居家养老上门服务:助餐、助洁、助浴、探访,运营社区老年食堂。",
            (("独居老人探访关爱", 2025, "吴兴区民政局", 150_000), ("老年助餐配送", 2024, "{street}办事处", 80_000))),
    OrgSpec("children", "{street}童心家庭服务中心", OrgKind.SOCIAL_ORG, "street", ("02", "15"),
            SocialOrgRole.SPECIALIST, LegalStatus.REGISTERED, "52",
            "困境儿童与留守儿童关爱,“四点半课堂”课后托管,家庭教育指导。",
            (("四点半课堂", 2025, "{street}办事处", 90_000), ("困境儿童个案服务", 2024, "吴兴区民政局", 60_000))),
    OrgSpec("disability", "{street}助残康复服务社", OrgKind.SOCIAL_ORG, "street", ("03",),
            SocialOrgRole.SPECIALIST, LegalStatus.REGISTERED, "52",
            "残疾人居家康复、辅具适配、就业辅导,协助办理残疾人证与两项补贴。",
            (("残疾人居家康复", 2024, "吴兴区残联", 110_000),)),
    OrgSpec("legal", "{street}一元钱法律服务社", OrgKind.SOCIAL_ORG, "street", ("08",),
            SocialOrgRole.SPECIALIST, LegalStatus.FILED, "52",
            "社区律师坐班,一次法律咨询只象征性地收一块钱;参与人民调解。",
            (("社区律师进网格", 2025, "吴兴区司法局", 50_000),)),
    OrgSpec("mutual", "{community}邻里互助会", OrgKind.SOCIAL_ORG, "community", ("13",),
            SocialOrgRole.SPECIALIST, LegalStatus.FILED, "",
            "社区社会组织,楼道长和志愿者组成,开展邻里互助与时间银行。"),
    OrgSpec("property", "湖州绿城物业服务有限公司{community}项目部", OrgKind.PROPERTY, "community", ("10", "11"),
            description="负责锦绣花园、阳光名都等商品房小区的物业服务与公共设施维修。"),
    OrgSpec("school", "{street}中心小学", OrgKind.LOCAL_UNIT, "street", ("02", "07"), registrar="12",
            description="开放操场与阅览室,参与四点半课堂。"),
    OrgSpec("health", "{community}社区卫生服务站", OrgKind.LOCAL_UNIT, "community", ("06",), registrar="12",
            description="家庭医生签约、慢病随访、老年人体检。"),
    OrgSpec("clinic", "{village}卫生室", OrgKind.LOCAL_UNIT, "village", ("06",), registrar="12",
            description="村卫生室,乡村医生一名。"),
    OrgSpec("canteen", "{community}幸福食堂", OrgKind.BUSINESS, "community", ("01",),
            description="老年食堂,午餐 11:00–12:30,80 岁以上老人就餐有补贴,可送餐上门。"),
    OrgSpec("market", "{community}邻里惠超市", OrgKind.BUSINESS, "community", ("10",),
            description="便民超市,为行动不便的老人电话订货送货。"),
)

# (item code, providers, note)
MIXED_MENU: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("0101", ("elderly", "mutual"), "独居、空巢老人每周探访一次"),
    ("0102", ("canteen", "elderly"), "幸福食堂午餐,行动不便者送餐上门"),
    ("0103", ("elderly",), "助洁、助浴,按次预约"),
    ("0104", ("elderly",), "日间照料中心 周一至周五"),
    ("0105", ("elderly", "property"), ""),
    ("0108", ("elderly", "hub"), ""),
    ("0201", ("children",), ""),
    ("0203", ("children", "school"), "四点半课堂"),
    ("0204", ("children",), ""),
    ("0301", ("disability",), ""),
    ("0302", ("disability", "health"), ""),
    ("0401", (), "社区受理,街道审核"),
    ("0408", ("hub",), ""),
    ("0601", ("health",), ""),
    ("0602", ("health",), ""),
    ("0801", ("legal",), "一元钱法律服务:每周三下午社区律师坐班"),
    ("0802", ("legal", "mutual"), ""),
    ("1002", ("property",), ""),
    ("1004", ("market",), "电话订货,送货上门"),
    ("1005", ("property",), ""),
    ("1101", ("property", "mutual"), ""),
    ("1301", ("hub", "mutual"), ""),
    ("1401", ("hub",), "“3+1”四方会谈,每月一次"),
)
RURAL_MENU: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("0101", ("elderly",), "留守老人每周探访"),
    ("0102", ("elderly",), "村老年食堂,每周一、三、五"),
    ("0104", ("elderly",), ""),
    ("0202", ("children",), "暑期留守儿童托管"),
    ("0301", ("disability",), ""),
    ("0401", (), "村委受理,街道审核"),
    ("0601", ("clinic",), ""),
    ("0801", ("legal",), "每月一次驻村律师"),
    ("0901", (), "平安巡防队"),
    ("1101", (), ""),
    ("1301", ("hub",), ""),
    ("1401", ("hub",), "村民说事"),
)

_CERTIFICATIONS = (
    (CertificationLevel.ASSISTANT, 50), (CertificationLevel.SOCIAL_WORKER, 30),
    (CertificationLevel.SENIOR, 5), (CertificationLevel.NONE, 15),
)


def _person_name(rng: random.Random, gender: str, birth_year: int) -> str:
    surname = rng.choices([s for s, _w in names.SURNAMES], [w for _s, w in names.SURNAMES])[0]
    for upper, pools in names.GIVEN_NAMES:
        if birth_year < upper:
            return surname + rng.choice(pools[gender])
    raise AssertionError("unreachable")


def street_providers(
    rng: random.Random, *, street: Region, community: Region, village: Region,
) -> dict[str, Organisation]:
    """Create the organisations, social workers and menus of one street; return orgs by key."""
    fill = {"street": street.name, "community": community.name.removesuffix("社区"), "village": village.name}
    places = {"street": street, "community": community, "village": village}
    categories = dict(ServiceCategory.objects.values_list("code", "pk"))
    orgs: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        social = spec.kind == OrgKind.SOCIAL_ORG
        org = Organisation.objects.create(
            name=spec.name.format(**fill), kind=spec.kind, region=places[spec.where],
            social_role=spec.social_role if social else "", legal_status=spec.legal_status if social else "",
            credit_code=credit_code(rng, registrar=spec.registrar, area="330502") if spec.registrar else "",
            contact_name=_person_name(rng, rng.choice("MF"), 1975 + rng.randrange(20)),
            contact_phone="1" + rng.choice("3589") + f"{rng.randrange(10**9):09d}",
            description=spec.description,
        )
        org.domains.set([categories[c] for c in spec.domains if c in categories])
        OrganisationProject.objects.bulk_create([
            OrganisationProject(organisation=org, title=title, year=year, funder=funder.format(**fill),
                                amount_fen=amount * 100)
            for title, year, funder, amount in spec.projects
        ])
        orgs[spec.key] = org
    workers = []
    for i, key in enumerate(("hub", "hub", "elderly", "elderly", "children", "disability", "legal", "hub")):
        level = _weighted_level(rng) if i else CertificationLevel.SOCIAL_WORKER
        workers.append(SocialWorker(
            name=_person_name(rng, "F" if rng.random() < 0.75 else "M", 1985 + rng.randrange(15)),
            organisation=orgs[key], region=village if i in (3, 7) else community, certification=level,
            certified_year=None if level == CertificationLevel.NONE else 2012 + rng.randrange(13),
        ))
    SocialWorker.objects.bulk_create(workers)
    _menu(community, MIXED_MENU, orgs)
    _menu(village, RURAL_MENU, orgs)
    return orgs


def _weighted_level(rng: random.Random) -> str:
    return rng.choices([c for c, _w in _CERTIFICATIONS], [w for _c, w in _CERTIFICATIONS])[0]


def _menu(region: Region, lines, orgs: dict[str, Organisation]) -> None:
    items = dict(ServiceItem.objects.filter(code__in=[code for code, _p, _n in lines]).values_list("code", "pk"))
    menu = [MenuItem(community=region, item_id=items[code], note=note) for code, _p, note in lines if code in items]
    MenuItem.objects.bulk_create(menu)
    through = MenuItem.providers.through
    providers = {code: keys for code, keys, _n in lines}
    item_codes = {pk: code for code, pk in items.items()}
    through.objects.bulk_create([
        through(menuitem_id=m.pk, organisation_id=orgs[key].pk)
        for m in menu for key in providers[item_codes[m.item_id]]
    ])
