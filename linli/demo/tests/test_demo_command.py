"""``linli demo``: the street of the field reports, written once for this module (a couple of seconds)."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import override_settings

from linli.accounts.models import Membership, User
from linli.accounts.roles import Role
from linli.catalog.models import MenuItem
from linli.demo.generator import DEMO_PASSWORD, LOGIN_USERNAMES, demo_build, demo_reset, street_rng
from linli.demo.plan import street_plan
from linli.demo.population import REFERENCE_DATE, IdAllocator, community_households
from linli.people.models import Household, Resident, ResidentTag
from linli.privacy.crypto import blind_index
from linli.privacy.identifiers import parse_id_number
from linli.regions.models import Level, Region
from linli.supply.models import Organisation, SocialWorker

SEED = 11
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        demo_build(seed=SEED, scale=1)
        yield
        demo_reset()


def _region(code):
    return Region.objects.get(code=code)


def _residents_under(region):
    return Resident.objects.filter(region__path__startswith=region.path)


def _age_at_reference(birth):
    return REFERENCE_DATE.year - birth.year - ((REFERENCE_DATE.month, REFERENCE_DATE.day) < (birth.month, birth.day))


@pytest.mark.django_db
def test_the_district_street_and_communities_carry_their_statistics_codes(demo):
    assert list(Region.objects.filter(level__lte=Level.COMMUNITY).values_list("name", "code", "stats_code", "community_type")) == [
        ("吴兴区", "330502", "330502000000", ""),
        ("朝阳街道", "330502001", "330502001000", ""),
        ("西林寺社区", "330502001001", "330502001001", "mixed"),
        ("野马村", "330502001201", "330502001201", "rural"),
    ]


@pytest.mark.django_db
def test_xilinsi_has_26_grids_84_micro_grids_and_about_150_buildings(demo):
    xilinsi = _region("330502001001")
    under = Region.objects.subtree(xilinsi)
    assert under.filter(level=Level.GRID).count() == 26
    assert under.filter(level=Level.MICROGRID).count() == 84
    assert under.filter(level=Level.BUILDING).count() == 152
    assert all(r.parent.level == Level.MICROGRID for r in under.filter(level=Level.BUILDING).select_related("parent"))


@pytest.mark.django_db
def test_yema_has_7_groups_and_12_natural_villages(demo):
    yema = Region.objects.subtree(_region("330502001201"))
    assert list(yema.filter(level=Level.GRID).values_list("name", flat=True)) == ["一组", "二组", "三组", "四组", "五组", "六组", "七组"]
    assert yema.filter(level=Level.MICROGRID).count() == 12


@pytest.mark.django_db
def test_household_and_resident_counts_match_the_field_reports(demo):
    xilinsi, yema = _region("330502001001"), _region("330502001201")
    assert Household.objects.filter(region__path__startswith=xilinsi.path).count() == 2357
    assert Household.objects.filter(region__path__startswith=yema.path).count() == 514
    assert 9_700 <= _residents_under(xilinsi).count() <= 10_300
    assert 1_700 <= _residents_under(yema).count() <= 1_806


@pytest.mark.django_db
def test_about_a_fifth_of_xilinsi_is_over_60_and_every_80_year_old_is_tagged(demo):
    births = list(_residents_under(_region("330502001001")).values_list("birth_date", flat=True))
    ages = [_age_at_reference(b) for b in births]
    share_60 = sum(a >= 60 for a in ages) / len(ages)
    assert 0.17 <= share_60 <= 0.23
    assert 0.01 <= sum(a >= 80 for a in ages) / len(ages) <= 0.06
    assert 0.12 <= sum(a < 18 for a in ages) / len(ages) <= 0.19
    over_80 = [r.pk for r in Resident.objects.only("pk", "birth_date") if _age_at_reference(r.birth_date) >= 80]
    tagged = set(ResidentTag.objects.filter(tag__code="elderly-advanced-age").values_list("resident_id", flat=True))
    assert set(over_80) == tagged


@pytest.mark.django_db
def test_target_groups_come_at_plausible_rates(demo):
    total = Resident.objects.count()

    def share(prefix):
        return ResidentTag.objects.filter(tag__code__startswith=prefix).values("resident").distinct().count() / total

    assert 0.04 <= share("disability-") <= 0.08
    assert 0.008 <= share("hardship-dibao") - share("hardship-dibao-edge") <= 0.025
    assert 0.005 <= share("veteran") <= 0.03
    assert 0 < share("special-") < 0.01
    grades = set(ResidentTag.objects.filter(tag__has_grade=True).values_list("grade", flat=True))
    assert grades == {1, 2, 3, 4}
    assert not ResidentTag.objects.filter(tag__has_grade=False, grade__isnull=False).exists()


@pytest.mark.django_db
def test_every_id_number_is_valid_and_matches_gender_and_birth_date(demo):
    residents = list(Resident.objects.all())
    for r in residents:
        info = parse_id_number(r.id_number)
        assert (info.gender, info.birth_date) == (r.gender, r.birth_date)
        assert (r.id_number_hash, r.id_number_tail) == (blind_index(r.id_number), r.id_number[-4:])
    assert len(residents) == 11_753


@pytest.mark.django_db
def test_the_written_residents_are_exactly_the_planned_ones_for_the_seed(demo):
    rng, ids = street_rng(SEED, 1), IdAllocator()
    planned = [
        (p.name, blind_index(p.id_number))
        for community in street_plan(1).communities
        for household in community_households(rng, ids, community)
        for p in household.members
    ]
    assert list(Resident.objects.order_by("pk").values_list("name", "id_number_hash")) == planned


@pytest.mark.django_db
def test_every_role_has_a_demo_login_that_authenticates(demo):
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        for username in LOGIN_USERNAMES:
            assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
    roles = dict(Membership.objects.filter(user__username__in=LOGIN_USERNAMES).values_list("user__username", "role"))
    assert sorted(roles.values()) == sorted(Role.values)
    assert roles["demo_grid"] == Role.GRID_WORKER
    assert Membership.objects.get(user__username="demo_grid").region.code == "330502001001-G01"
    admin = User.objects.get(username="demo_admin")
    assert (admin.is_staff, admin.is_superuser) == (True, False)


@pytest.mark.django_db
def test_the_demo_resident_is_a_real_resident_of_grid_1(demo):
    resident = Resident.objects.select_related("region").get(user__username="demo_resident")
    assert resident.region.code.startswith("330502001001-G01-")
    assert User.objects.get(username="demo_resident").display_name == resident.name


@pytest.mark.django_db
def test_organisations_social_workers_and_menus_exist(demo):
    hub = Organisation.objects.get(memberships__user__username="demo_org")
    assert (hub.name, hub.social_role) == ("朝阳街道社会组织服务中心", "hub")
    assert hub.projects.count() == 3
    assert Organisation.objects.filter(name="朝阳街道一元钱法律服务社").exists()
    assert SocialWorker.objects.get(user__username="demo_social").region.code == "330502001001"
    assert MenuItem.objects.filter(community__code="330502001001").count() == 23
    assert MenuItem.objects.filter(community__code="330502001201").count() == 12
    lunch = MenuItem.objects.get(community__code="330502001001", item__code="0102")
    assert sorted(lunch.providers.values_list("name", flat=True)) == ["朝阳街道夕阳红居家养老服务中心", "西林寺幸福食堂"]


@pytest.mark.django_db
def test_if_empty_does_nothing_when_a_district_exists_and_prints_the_logins(demo):
    before = (Region.objects.count(), Resident.objects.count(), User.objects.count())
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out, stderr=StringIO())
    assert (Region.objects.count(), Resident.objects.count(), User.objects.count()) == before
    assert "demo_community" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()


@pytest.mark.django_db
def test_building_twice_without_reset_is_refused(demo):
    with pytest.raises(CommandError):
        call_command("demo", stdout=StringIO(), stderr=StringIO())
