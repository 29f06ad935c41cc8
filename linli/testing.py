"""Personas for tests: a small street with two communities and one user per role.

``build_world()`` is used by the pytest fixture ``world`` (conftest.py) and by the browser test.
Every permission test reads as a sentence about these people: the grid worker of grid A1 sees the
resident of A1 and gets a 404 for the resident of A2.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from linli.accounts.models import Membership, User
from linli.accounts.roles import Role
from linli.people.models import Resident, TargetGroupTag
from linli.people.services import TagAssignment, resident_create, resident_validate
from linli.privacy.identifiers import id_check_digit
from linli.regions.models import CommunityType, Level, Region
from linli.regions.services import region_create
from linli.supply.models import Organisation, OrgKind

PASSWORD = "linli-test-pass-1"


def make_id_number(area: str = "330502", birth: str = "19450301", seq: int = 1, male: bool = True) -> str:
    order = seq * 2 + (1 if male else 0)
    first17 = f"{area}{birth}{order % 1000:03d}"
    return first17 + id_check_digit(first17)


@dataclass
class World:
    district: Region
    street: Region
    community_a: Region
    community_b: Region
    grid_a1: Region
    grid_a2: Region
    micro_a1: Region
    grid_b1: Region
    resident_a1: Resident
    resident_a2: Resident
    resident_b1: Resident
    org_a: Organisation
    users: dict[str, User]


def make_user(username: str, role: str | None = None, region: Region | None = None, organisation=None, **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, **extra)
    if role:
        Membership.objects.create(user=user, role=role, region=region, organisation=organisation)
    return user


def build_world() -> World:
    district = region_create(parent=None, level=Level.DISTRICT, name="吴兴区", code="330502", stats_code="330502000000")
    street = region_create(parent=district, level=Level.STREET, name="朝阳街道", code="330502001", stats_code="330502001000")
    a = region_create(parent=street, level=Level.COMMUNITY, name="西林寺社区", code="330502001001",
                      stats_code="330502001001", community_type=CommunityType.MIXED)
    b = region_create(parent=street, level=Level.COMMUNITY, name="野马村", code="330502001201",
                      stats_code="330502001201", community_type=CommunityType.RURAL)
    a1 = region_create(parent=a, level=Level.GRID, name="第一网格", code="330502001001-G01")
    a2 = region_create(parent=a, level=Level.GRID, name="第二网格", code="330502001001-G02")
    m1 = region_create(parent=a1, level=Level.MICROGRID, name="第一微网格", code="330502001001-G01-M1")
    b1 = region_create(parent=b, level=Level.GRID, name="一组", code="330502001201-G01")
    tags = {t.code: t for t in TargetGroupTag.objects.all()}
    r_a1 = resident_create(data=resident_validate(
        region=m1, name="张秀英", id_number=make_id_number(birth="19400312", seq=1, male=False),
        mobile="13800001234", address_detail="3幢201",
        tags=[TagAssignment(tags["elderly-living-alone"]), TagAssignment(tags["special-community-correction"]),
              TagAssignment(tags["elderly-advanced-age"])],
    ))
    r_a2 = resident_create(data=resident_validate(
        region=a2, name="李建国", id_number=make_id_number(birth="19580704", seq=2), mobile="13900005678",
        tags=[TagAssignment(tags["disability-physical"], grade=2)],
    ))
    r_b1 = resident_create(data=resident_validate(
        region=b1, name="王小明", gender="M", birth_date=dt.date(2015, 5, 1),
        tags=[TagAssignment(tags["child-left-behind"])],
    ))
    org = Organisation.objects.create(name="西林寺邻里互助社", kind=OrgKind.SOCIAL_ORG, region=a,
                                      social_role="specialist", legal_status="filed")
    org_b = Organisation.objects.create(name="野马村物业", kind=OrgKind.PROPERTY, region=b)
    users = {
        "grid_a1": make_user("grid_a1", Role.GRID_WORKER, a1),
        "grid_a2": make_user("grid_a2", Role.GRID_WORKER, a2),
        "community_a": make_user("community_a", Role.COMMUNITY_WORKER, a),
        "community_b": make_user("community_b", Role.COMMUNITY_WORKER, b),
        "social_a": make_user("social_a", Role.SOCIAL_WORKER, a),
        "org_admin_a": make_user("org_admin_a", Role.ORG_ADMIN, a, organisation=org),
        "street": make_user("street", Role.STREET_OFFICER, street),
        "district": make_user("district", Role.DISTRICT_OFFICER, district),
        "platform": make_user("platform", Role.PLATFORM_ADMIN, district, is_staff=True),
        "volunteer_a": make_user("volunteer_a", Role.VOLUNTEER, a),
        "resident_a1": make_user("resident_a1", Role.RESIDENT, a),
        "outsider": make_user("outsider"),
    }
    r_a1.user = users["resident_a1"]
    r_a1.save(update_fields=["user"])
    del org_b
    return World(district, street, a, b, a1, a2, m1, b1, r_a1, r_a2, r_b1, org, users)


def run_together(n: int, work, *, results: list | None = None) -> list:
    """Run ``work(i)`` for i in 0..n-1 on n threads released at the same moment (each with its own
    database connection); returns each call's exception or None, and puts what each call returned
    in ``results`` when given."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(n)
    errors: list = [None] * n

    def run(i):
        try:
            barrier.wait()
            value = work(i)
            if results is not None:
                results[i] = value
        except Exception as exc:
            errors[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


def terminate_backend(pid: int | None = None) -> int:
    """Kill a PostgreSQL backend from a second connection, as a database restart or a proxy would:
    ``pid`` or, by default, the one behind this thread's connection. Returns the pid."""
    from django.db import connection, connections

    if pid is None:
        pid = connection.cursor().connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
            assert cursor.fetchone() == (True,)
    finally:
        other.close()
    return pid
