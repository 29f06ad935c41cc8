from django.contrib import admin

from linli.people.models import Household, Resident
from linli.privacy.models import AccessLog


def test_residents_and_households_are_not_in_the_admin(db):
    assert not admin.site.is_registered(Resident)
    assert not admin.site.is_registered(Household)


def test_platform_admin_opens_the_admin_and_sees_regions_of_the_district(login, world):
    client = login(world.users["platform"])
    assert client.get("/admin/").status_code == 200
    response = client.get("/admin/regions/region/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 8


def test_staff_flag_without_platform_admin_role_opens_nothing(login, world):
    user = world.users["community_a"]
    user.is_staff = True
    user.save()
    response = login(user).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_access_log_is_read_only_in_the_admin(login, world):
    log = AccessLog.objects.create(actor=world.users["community_a"], actor_username="community_a", action="reveal",
                                   resident=world.resident_a1, field="mobile", reason="contact")
    client = login(world.users["platform"])
    assert client.get("/admin/privacy/accesslog/").context["cl"].result_count == 1
    assert client.get(f"/admin/privacy/accesslog/{log.pk}/delete/").status_code == 403
    assert client.get("/admin/privacy/accesslog/add/").status_code == 403
    client.post(f"/admin/privacy/accesslog/{log.pk}/change/", {"field": "id_number"})
    assert AccessLog.objects.get().field == "mobile"


def test_every_admin_list_and_form_opens_for_the_platform_admin_in_chinese(login, world):
    client = login(world.users["platform"])
    paths = []
    for model, model_admin in admin.site._registry.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        paths.append(base)
        if model_admin.has_add_permission(type("R", (), {"user": world.users["platform"]})()):
            paths.append(base + "add/")
    assert "/admin/people/resident/" not in paths
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
    assert '<html lang="zh-hans"' in client.get("/admin/").content.decode()


def test_platform_admin_adds_a_grid_through_the_region_service(login, world):
    client = login(world.users["platform"])
    response = client.post("/admin/regions/region/add/", {
        "parent": world.community_b.pk, "level": 4, "name": "二组", "code": "330502001201-G02",
        "stats_code": "", "community_type": "", "sort_order": 0,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    from linli.regions.models import Region

    grid = Region.objects.get(code="330502001201-G02")
    assert grid.parent == world.community_b
    assert grid.path.startswith(world.community_b.path) and len(grid.path) == len(world.community_b.path) + 4


def test_region_admin_refuses_a_level_that_does_not_fit_the_parent(login, world):
    client = login(world.users["platform"])
    response = client.post("/admin/regions/region/add/", {
        "parent": world.street.pk, "level": 4, "name": "错层网格", "code": "X-1", "stats_code": "",
        "community_type": "", "sort_order": 0,
    })
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors


def test_membership_cannot_be_attached_to_a_region_outside_the_admins_area(login, world):
    from linli.accounts.models import Membership
    from linli.accounts.roles import Role
    from linli.regions.models import Level
    from linli.regions.services import region_create
    from linli.testing import make_user

    other = region_create(parent=None, level=Level.DISTRICT, name="南浔区", code="330503")
    admin_a = make_user("platform_street", Role.PLATFORM_ADMIN, world.street, is_staff=True)
    client = login(admin_a)
    response = client.post("/admin/accounts/membership/add/", {
        "user": world.users["outsider"].pk, "role": Role.PLATFORM_ADMIN, "region": other.pk, "active": "on",
    })
    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(region=other).exists()
