"""Scoping at the queryset level; the page and API matrices live in tests/test_permission_matrix.py."""

from linli.accounts.scoping import scope_for, scope_organisations, scope_regions, scope_residents
from linli.people.models import Resident
from linli.regions.models import Region
from linli.supply.models import Organisation


def names(qs):
    return sorted(qs.values_list("name", flat=True))


def test_grid_worker_sees_only_the_residents_of_the_grid(world):
    assert names(scope_residents(Resident.objects.all(), world.users["grid_a1"])) == ["张秀英"]


def test_community_worker_sees_the_whole_community(world):
    assert names(scope_residents(Resident.objects.all(), world.users["community_a"])) == ["张秀英", "李建国"]


def test_street_officer_sees_both_communities(world):
    assert names(scope_residents(Resident.objects.all(), world.users["street"])) == ["张秀英", "李建国", "王小明"]


def test_resident_sees_only_themselves(world):
    assert names(scope_residents(Resident.objects.all(), world.users["resident_a1"])) == ["张秀英"]


def test_org_admin_volunteer_platform_admin_and_outsider_see_no_resident(world):
    for key in ("org_admin_a", "volunteer_a", "platform", "outsider"):
        assert not scope_residents(Resident.objects.all(), world.users[key]).exists(), key


def test_region_scope_of_a_grid_worker_is_the_grid_subtree(world):
    assert names(scope_regions(Region.objects.all(), world.users["grid_a1"])) == ["第一微网格", "第一网格"]


def test_clearance_separates_social_worker_from_community_worker(world):
    assert scope_for(world.users["social_a"]).clearance == 2
    assert scope_for(world.users["community_a"]).clearance == 1


def test_organisations_of_another_community_are_invisible(world):
    assert names(scope_organisations(Organisation.objects.all(), world.users["community_b"])) == ["野马村物业"]
    assert names(scope_organisations(Organisation.objects.all(), world.users["volunteer_a"])) == ["西林寺邻里互助社"]


def test_inactive_membership_grants_nothing(world):
    user = world.users["grid_a1"]
    user.memberships.update(active=False)
    user.refresh_from_db()
    assert not scope_residents(Resident.objects.all(), user).exists()
