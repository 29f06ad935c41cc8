"""Build (and remove) the demo district: ``linli demo`` calls :func:`demo_build` and :func:`demo_reset`.

The data is planned in plain Python (``plan``, ``population``) and written here with
``bulk_create``, street by street and community by community, so memory stays bounded at
``--scale 100`` (1.17 million residents). Region paths are computed here directly rather than
through ``regions.services.region_create``, which asks the database for the next sibling.

Each street draws from its own ``random.Random`` seeded with the run's seed and the street's
number, so street 1 is the same whether it is built alone or as the first of a hundred.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import Membership, User
from linli.accounts.roles import Role
from linli.catalog.models import MenuItem
from linli.core.errors import DomainError
from linli.demands.models import Demand, DemandEvent
from linli.demo.demands import demo_demands
from linli.demo.plan import DISTRICT_CODE, RegionSpec, district_spec, street_plan
from linli.demo.population import HouseholdPlan, IdAllocator, community_households
from linli.demo.providers import street_providers
from linli.demo.rewards import demo_rewards
from linli.demo.volunteers import demo_volunteers
from linli.notifications.models import Notification
from linli.people.models import Household, Resident, ResidentTag, TargetGroupTag
from linli.people.services import set_identifiers
from linli.privacy.crypto import blind_index
from linli.privacy.models import AccessLog
from linli.regions.models import Level, Region
from linli.regions.services import decode_segment, encode_segment
from linli.supply.models import CertificationLevel, Organisation, SocialWorker

DEMO_PASSWORD = "linli-demo-2026"
DEFAULT_SEED = 2026
BATCH = 2000
MAX_SCALE = 999
SQLITE_CACHE_KIB = 256 * 1024

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    display_name: str


# One login per role; all share DEMO_PASSWORD. Where each one sits is decided in _create_logins.
LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("demo_resident", Role.RESIDENT, ""),
    DemoLogin("demo_volunteer", Role.VOLUNTEER, ""),
    DemoLogin("demo_grid", Role.GRID_WORKER, "钱晓燕"),
    DemoLogin("demo_community", Role.COMMUNITY_WORKER, "沈丽华"),
    DemoLogin("demo_social", Role.SOCIAL_WORKER, "姚佳怡"),
    DemoLogin("demo_org", Role.ORG_ADMIN, "陆建峰"),
    DemoLogin("demo_street", Role.STREET_OFFICER, "费国平"),
    DemoLogin("demo_district", Role.DISTRICT_OFFICER, "朱卫东"),
    DemoLogin("demo_admin", Role.PLATFORM_ADMIN, "平台管理员"),
)
LOGIN_USERNAMES = tuple(login.username for login in LOGINS)


@dataclass
class DemoSummary:
    streets: int = 0
    regions: int = 0
    households: int = 0
    residents: int = 0
    tags: int = 0
    organisations: int = 0
    demands: int = 0
    volunteers: int = 0
    seconds: float = 0.0


def demo_district() -> Region | None:
    return Region.objects.filter(code=DISTRICT_CODE, level=Level.DISTRICT).first()


def any_district_exists() -> bool:
    return Region.objects.filter(level=Level.DISTRICT).exists()


def street_rng(seed: int, index: int) -> random.Random:
    """The generator of the ``index``-th street: depends on the seed and the street only."""
    return random.Random(f"linli-demo/{seed}/{index}")


def _quiet(_message: str) -> None:
    pass


def demo_build(*, seed: int = DEFAULT_SEED, scale: int = 1, progress: Progress = _quiet) -> DemoSummary:
    """Create the demo district with ``scale`` streets and the demo logins, in one transaction."""
    if not 1 <= scale <= MAX_SCALE:
        raise DomainError("demo_scale", _("The scale is a number of streets between 1 and 999"), field="scale")
    if demo_district() is not None:
        raise DomainError("demo_exists", _("The demo district already exists; use --reset to rebuild it"))
    started = time.monotonic()
    summary = DemoSummary()
    tag_ids = dict(TargetGroupTag.objects.values_list("code", "pk"))
    ids = IdAllocator()
    step = max(1, scale // 10)
    with transaction.atomic():
        if connection.vendor == "sqlite":
            # Random-order index inserts (the blind indexes) thrash SQLite's default 2 MB page cache.
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        district = _create_root(district_spec())
        summary.regions += 1
        for index in range(1, scale + 1):
            rng = street_rng(seed, index)
            plan = street_plan(index)
            regions = _write_tree(plan.region, parent=district, sort_order=index - 1)
            summary.regions += len(regions)
            written: dict[str, list[Resident]] = {}
            for community in plan.communities:
                households = community_households(rng, ids, community)
                residents, tag_count = _write_population(households, regions, tag_ids)
                written[community.region.code] = residents if index == 1 else []
                summary.households += len(households)
                summary.residents += len(residents)
                summary.tags += tag_count
                if scale == 1:
                    progress(f"  {community.region.name}: {len(households)} households, {len(residents)} residents")
            mixed, rural = (regions[c.region.code] for c in plan.communities)
            orgs = street_providers(rng, street=regions[plan.region.code], community=mixed, village=rural)
            summary.organisations += len(orgs)
            if index == 1:
                _create_logins(district=district, street=regions[plan.region.code], community=mixed,
                               residents=written[mixed.code], hub=orgs["hub"])
                summary.demands = demo_demands(rng=rng, community=mixed, residents=written[mixed.code])
                summary.volunteers = demo_volunteers(rng=rng, community=mixed, residents=written[mixed.code])
                demo_rewards(rng=rng, community=mixed)
            summary.streets += 1
            if index % step == 0 or index == scale:
                progress(
                    f"  {index}/{scale} streets, {summary.residents:,} residents, "
                    f"{time.monotonic() - started:.1f} s"
                )
    _analyze(progress)
    summary.seconds = time.monotonic() - started
    return summary


def _analyze(progress: Progress) -> None:
    """Refresh the planner's statistics after the bulk load (autovacuum may be late or off);
    without them PostgreSQL plans a district's resident list as if the tables were empty."""
    models = (Region, Household, Resident, ResidentTag, Membership, Organisation)
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    progress("  statistics refreshed (ANALYZE)")


def _create_root(spec: RegionSpec) -> Region:
    last = Region.objects.filter(parent__isnull=True).order_by("-path").values_list("path", flat=True).first()
    number = decode_segment(last) + 1 if last else 0
    return Region.objects.create(
        parent=None, level=spec.level, name=spec.name, code=spec.code, stats_code=spec.stats_code,
        path=encode_segment(number), sort_order=number,
    )


def _write_tree(spec: RegionSpec, *, parent: Region, sort_order: int) -> dict[str, Region]:
    """Write ``spec`` under ``parent`` and all its descendants, one bulk insert per level."""
    root = Region.objects.create(
        parent=parent, level=spec.level, name=spec.name, code=spec.code, stats_code=spec.stats_code,
        community_type=spec.community_type, path=parent.path + encode_segment(sort_order), sort_order=sort_order,
    )
    written = {spec.code: root}
    level = [(spec, root)]
    while level:
        pairs = [
            (child, Region(
                parent=node, level=child.level, name=child.name, code=child.code, stats_code=child.stats_code,
                community_type=child.community_type, path=node.path + encode_segment(i), sort_order=i,
            ))
            for node_spec, node in level
            for i, child in enumerate(node_spec.children)
        ]
        Region.objects.bulk_create([obj for _s, obj in pairs], batch_size=BATCH)
        written.update((s.code, obj) for s, obj in pairs)
        level = [(s, obj) for s, obj in pairs if s.children]
    return written


def _write_population(
    households: list[HouseholdPlan], regions: dict[str, Region], tag_ids: dict[str, int],
) -> tuple[list[Resident], int]:
    rows = [
        Household(region_id=regions[h.unit.code].pk, number=h.number, address_detail=h.address)
        for h in households
    ]
    Household.objects.bulk_create(rows, batch_size=BATCH)
    residents: list[Resident] = []
    for plan, row in zip(households, rows, strict=True):
        for person in plan.members:
            resident = Resident(
                region_id=row.region_id, household_id=row.pk, relation_to_head=person.relation,
                name=person.name, gender=person.gender, birth_date=person.birth_date,
                address_detail=plan.address, residence=person.residence,
            )
            set_identifiers(resident, id_number=person.id_number, mobile=person.mobile)
            residents.append(resident)
    Resident.objects.bulk_create(residents, batch_size=BATCH)
    tags: list[ResidentTag] = []
    people = (person for plan in households for person in plan.members)
    for resident, person in zip(residents, people, strict=True):
        seen = set()
        for code, grade, since in person.tags:
            if code in seen or code not in tag_ids:
                continue
            seen.add(code)
            tags.append(ResidentTag(resident_id=resident.pk, tag_id=tag_ids[code], grade=grade, since=since))
    ResidentTag.objects.bulk_create(tags, batch_size=BATCH)
    return residents, len(tags)


def _create_logins(*, district: Region, street: Region, community: Region, residents: list[Resident], hub: Organisation) -> None:
    """The demo accounts of the first street; one password hash shared by all (it is printed anyway)."""
    grid = Region.objects.get(parent=community, sort_order=0)
    grid_regions = _subtree_ids(grid)
    in_grid = [r for r in residents if r.region_id in grid_regions]
    # The resident is an old woman living alone in grid 1; the volunteer a younger neighbour.
    alone = set(
        ResidentTag.objects.filter(resident__in=in_grid, tag__code="elderly-living-alone").values_list("resident_id", flat=True)
    )
    resident = next((r for r in in_grid if r.pk in alone and r.gender == "F"), in_grid[0])
    volunteer = next((r for r in in_grid if r.mobile and 1975 <= r.birth_date.year <= 1995), in_grid[1])
    places = {
        Role.RESIDENT: community, Role.VOLUNTEER: community, Role.GRID_WORKER: grid,
        Role.COMMUNITY_WORKER: community, Role.SOCIAL_WORKER: community, Role.ORG_ADMIN: hub.region,
        Role.STREET_OFFICER: street, Role.DISTRICT_OFFICER: district, Role.PLATFORM_ADMIN: district,
    }
    password = make_password(DEMO_PASSWORD)
    users: dict[str, User] = {}
    for login in LOGINS:
        display = {Role.RESIDENT: resident.name, Role.VOLUNTEER: volunteer.name}.get(login.role, login.display_name)
        user = User.objects.create(
            username=login.username, password=password, display_name=display,
            is_staff=login.role == Role.PLATFORM_ADMIN,
        )
        Membership.objects.create(
            user=user, role=login.role, region=places[login.role],
            organisation=hub if login.role == Role.ORG_ADMIN else None,
        )
        users[login.role] = user
    Resident.objects.filter(pk=resident.pk).update(user=users[Role.RESIDENT])
    Resident.objects.filter(pk=volunteer.pk).update(user=users[Role.VOLUNTEER])
    SocialWorker.objects.create(
        name=users[Role.SOCIAL_WORKER].display_name, user=users[Role.SOCIAL_WORKER], organisation=hub,
        region=community, certification=CertificationLevel.SOCIAL_WORKER, certified_year=2019,
    )


def _subtree_ids(node: Region) -> set[int]:
    return set(Region.objects.filter(path__startswith=node.path).values_list("pk", flat=True))


def demo_reset(*, progress: Progress = _quiet) -> bool:
    """Delete the demo district with everything in it and the demo logins. True if there was one."""
    district = demo_district()
    with transaction.atomic():
        if district is not None:
            _delete_supply(district.path)
            _delete_demands(district.path)
        User.objects.filter(username__in=LOGIN_USERNAMES).delete()
        if district is None:
            return False
        path = district.path
        Membership.objects.filter(region__path__startswith=path).delete()
        SocialWorker.objects.filter(region__path__startswith=path).delete()
        Organisation.objects.filter(region__path__startswith=path).delete()
        MenuItem.objects.filter(community__path__startswith=path).delete()
        communities = list(Region.objects.filter(path__startswith=path, level=Level.COMMUNITY).values_list("path", flat=True))
        for n, community in enumerate(communities, start=1):
            ResidentTag.objects.filter(resident__region__path__startswith=community).delete()
            AccessLog.objects.filter(resident__region__path__startswith=community).update(resident=None)
            Resident.objects.filter(region__path__startswith=community).only("pk").delete()
            Household.objects.filter(region__path__startswith=community).only("pk").delete()
            if n % 20 == 0:
                progress(f"  removed {n}/{len(communities)} communities")
        for level in sorted(Level.values, reverse=True):
            Region.objects.filter(path__startswith=path, level=level).delete()
    return True


def _delete_ledgers(path: str) -> None:
    """The demo's ledgers, records and shop. Ledger rows are append-only (a PostgreSQL trigger
    refuses DELETE); a demo reset, refused in production, lifts that for its own transaction."""
    from linli.ledger.models import Account, Entry, PointRule, Transfer
    from linli.records.models import Certificate, CorrectionRequest, ServiceRecord
    from linli.shop.models import Donation, Redemption, ShopItem

    accounts = list(Account.objects.filter(path__startswith=path).values_list("pk", flat=True))
    transfers = list(Transfer.objects.filter(entries__account_id__in=accounts).values_list("pk", flat=True).distinct())
    Redemption.objects.filter(path__startswith=path).delete()
    Donation.objects.filter(item__path__startswith=path).delete()
    ShopItem.objects.filter(path__startswith=path).delete()
    CorrectionRequest.objects.filter(record__path__startswith=path).delete()
    Certificate.objects.filter(volunteer__region__path__startswith=path).delete()
    ServiceRecord.objects.filter(path__startswith=path).update(reverses=None, corrects=None)
    ServiceRecord.objects.filter(path__startswith=path).delete()
    PointRule.objects.filter(path__startswith=path).delete()
    with connection.cursor() as cursor:
        pg = connection.vendor == "postgresql"
        if pg:
            cursor.execute("SET LOCAL linli.ledger_maintenance = 'on'")
        for chunk in range(0, len(transfers), 5000):
            ids = transfers[chunk:chunk + 5000]
            marks = ",".join(["%s"] * len(ids))
            # table names from the models, values as parameters
            cursor.execute(f"DELETE FROM {Entry._meta.db_table} WHERE transfer_id IN ({marks})", ids)  # noqa: S608
            cursor.execute(f"UPDATE {Transfer._meta.db_table} SET reverses_id = NULL WHERE id IN ({marks})", ids)  # noqa: S608
            cursor.execute(f"DELETE FROM {Transfer._meta.db_table} WHERE id IN ({marks})", ids)  # noqa: S608
        if pg:
            cursor.execute("SET LOCAL linli.ledger_maintenance = 'off'")
    Account.objects.filter(pk__in=accounts).delete()


def _delete_supply(path: str) -> None:
    """Dispatch records and volunteers go before the residents, users and regions they point to."""
    from linli.dispatch.models import Booking, MobilisationCall, Offer, Task
    from linli.supply.models import Team, Volunteer

    _delete_ledgers(path)

    Booking.objects.filter(volunteer__region__path__startswith=path).delete()
    Offer.objects.filter(volunteer__region__path__startswith=path).delete()
    Task.objects.filter(path__startswith=path).delete()
    MobilisationCall.objects.filter(path__startswith=path).delete()
    Team.objects.filter(region__path__startswith=path).delete()
    Volunteer.objects.filter(region__path__startswith=path).delete()


def _delete_demands(path: str) -> None:
    """Demands and their history go first: they protect the residents and users they mention.
    Messages to the demo's users go with the users; SMS to demo residents without an account
    are deleted here."""
    demands = Demand.objects.filter(path__startswith=path)
    mobiles = {d.contact_mobile for d in demands.exclude(contact_mobile="").only("contact_mobile")}
    Notification.objects.filter(recipient__isnull=True, address_hash__in={blind_index(m) for m in mobiles}).delete()
    DemandEvent.objects.filter(demand__path__startswith=path).delete()
    Demand.linked.through.objects.filter(from_demand__path__startswith=path).delete()
    Demand.objects.filter(path__startswith=path, duplicate_of__isnull=False).delete()
    Demand.objects.filter(path__startswith=path).delete()


def login_rows() -> list[tuple[str, str, str]]:
    """(username, role, region) of the demo logins that exist, in the order of LOGINS."""
    memberships = {
        m.user.username: m
        for m in Membership.objects.filter(user__username__in=LOGIN_USERNAMES).select_related("user", "region")
    }
    rows = []
    for login in LOGINS:
        m = memberships.get(login.username)
        if m is not None:
            rows.append((login.username, str(Role(m.role).label), m.region.name if m.region else "-"))
    return rows
