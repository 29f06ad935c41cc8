"""Separation of duties in the admin: nobody grants a role to themselves; a role that reads residents
takes effect only when a second administrator approves it (or a command run on the server gives it);
every grant and every password an administrator sets is in the accounts' audit trail."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from linli.accounts.models import AccountAction, AccountEvent, GrantState, Membership, RoleGrant
from linli.accounts.roles import Role
from linli.accounts.scoping import scope_for
from linli.accounts.services import membership_save, role_grant_decide
from linli.core.errors import DomainError
from linli.testing import make_user

ADD = "/admin/accounts/membership/add/"


@pytest.fixture
def admins(world):
    second = make_user("platform_2", Role.PLATFORM_ADMIN, world.district, is_staff=True)
    return world.users["platform"], second


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _actions(user=None):
    qs = AccountEvent.objects.order_by("id")
    if user is not None:
        qs = qs.filter(user=user)
    return [(e.actor_username, e.action, e.username, e.role) for e in qs]


def _sees_residents(user) -> bool:
    user = type(user).objects.get(pk=user.pk)  # a fresh object: the scope is cached per object
    return bool(scope_for(user).resident_paths)


def test_the_platform_admin_cannot_make_itself_a_social_worker_in_the_admin(world, admins):
    platform, _second = admins
    response = _client(platform).post(ADD, {"user": platform.pk, "role": Role.SOCIAL_WORKER,
                                           "region": world.community_a.pk, "active": "on"})
    assert response.status_code == 200
    assert [e.code for e in response.context["adminform"].form.non_field_errors().as_data()] == ["self_grant"]
    assert not Membership.objects.filter(user=platform, role=Role.SOCIAL_WORKER).exists()
    assert not _sees_residents(platform)


def test_the_admin_cannot_change_its_own_membership_either(world, admins):
    platform, _second = admins
    own = platform.memberships.get()
    response = _client(platform).post(f"/admin/accounts/membership/{own.pk}/change/", {
        "user": platform.pk, "role": Role.DISTRICT_OFFICER, "region": world.district.pk, "active": "on"})
    assert response.status_code == 200
    assert Membership.objects.get(pk=own.pk).role == Role.PLATFORM_ADMIN
    with pytest.raises(DomainError) as exc:
        own.role = Role.SOCIAL_WORKER
        membership_save(actor=platform, membership=own)
    assert exc.value.code == "self_grant"


def test_the_admins_own_account_offers_no_membership_inline(world, admins):
    platform, _second = admins
    response = _client(platform).get(f"/admin/accounts/user/{platform.pk}/change/")
    assert response.status_code == 200
    [inline] = response.context["inline_admin_formsets"]
    assert (inline.has_add_permission, inline.has_change_permission, inline.has_delete_permission) == (False, False, False)


def test_a_role_that_reads_residents_waits_for_a_second_administrator(world, admins):
    platform, second = admins
    target = make_user("new_social")
    response = _client(platform).post(ADD, {"user": target.pk, "role": Role.SOCIAL_WORKER,
                                           "region": world.community_a.pk, "active": "on"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=target)
    assert membership.active is False and not _sees_residents(target)
    grant = RoleGrant.objects.get()
    assert (grant.state, grant.requested_by, grant.role) == (GrantState.PENDING, platform, Role.SOCIAL_WORKER)

    # the one who asked cannot approve it, not even through the admin action
    _client(platform).post("/admin/accounts/rolegrant/", {"action": "approve", "_selected_action": [grant.pk]})
    assert RoleGrant.objects.get().state == GrantState.PENDING and not _sees_residents(target)
    with pytest.raises(DomainError) as exc:
        role_grant_decide(actor=platform, grant=grant, approve=True)
    assert exc.value.code == "grant_needs_second_person"

    response = _client(second).post("/admin/accounts/rolegrant/", {"action": "approve", "_selected_action": [grant.pk]})
    assert response.status_code == 302
    assert RoleGrant.objects.get().state == GrantState.APPROVED and RoleGrant.objects.get().decided_by == second
    assert _sees_residents(target)
    assert _actions(target) == [
        ("platform", AccountAction.GRANT_REQUESTED, "new_social", Role.SOCIAL_WORKER),
        ("platform_2", AccountAction.GRANT_APPROVED, "new_social", Role.SOCIAL_WORKER),
    ]


def test_the_grantee_cannot_approve_their_own_grant(world, admins):
    platform, second = admins
    membership = Membership(user=second, role=Role.SOCIAL_WORKER, region=world.community_a)
    grant = membership_save(actor=platform, membership=membership)
    with pytest.raises(DomainError) as exc:
        role_grant_decide(actor=second, grant=grant, approve=True)
    assert exc.value.code == "self_grant"
    assert not _sees_residents(second)


def test_switching_an_inactive_reading_membership_on_is_a_grant_too(world, admins):
    platform, _second = admins
    social = world.users["social_a"]
    membership = social.memberships.get()
    Membership.objects.filter(pk=membership.pk).update(active=False)
    response = _client(platform).post(f"/admin/accounts/membership/{membership.pk}/change/", {
        "user": social.pk, "role": Role.SOCIAL_WORKER, "region": world.community_a.pk, "active": "on"})
    assert response.status_code == 302
    assert Membership.objects.get(pk=membership.pk).active is False
    assert RoleGrant.objects.get().state == GrantState.PENDING


def test_turning_a_volunteer_into_a_grid_worker_through_the_user_inline_is_a_grant(world, admins):
    platform, _second = admins
    volunteer = world.users["volunteer_a"]
    membership = volunteer.memberships.get()
    prefix = "memberships"
    data = {
        "username": volunteer.username, "display_name": "", "first_name": "", "last_name": "", "email": "",
        "preferred_language": "", "is_active": "on", "locked_until_0": "", "locked_until_1": "",
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "1", f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000", f"{prefix}-0-id": membership.pk, f"{prefix}-0-user": volunteer.pk,
        f"{prefix}-0-role": Role.GRID_WORKER, f"{prefix}-0-region": world.grid_a1.pk, f"{prefix}-0-active": "on",
    }
    response = _client(platform).post(f"/admin/accounts/user/{volunteer.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    membership.refresh_from_db()
    assert (membership.role, membership.active) == (Role.GRID_WORKER, False)
    assert RoleGrant.objects.get().state == GrantState.PENDING
    assert _actions(volunteer) == [("platform", AccountAction.GRANT_REQUESTED, "volunteer_a", Role.GRID_WORKER)]


def test_a_role_that_does_not_read_residents_is_given_at_once_and_logged(world, admins):
    platform, _second = admins
    target = make_user("new_org_admin")
    response = _client(platform).post(ADD, {"user": target.pk, "role": Role.ORG_ADMIN, "region": world.community_a.pk,
                                           "organisation": world.org_a.pk, "active": "on"})
    assert response.status_code == 302
    assert Membership.objects.get(user=target).active is True
    assert RoleGrant.objects.count() == 0
    assert _actions(target) == [("platform", AccountAction.ROLE_GRANTED, "new_org_admin", Role.ORG_ADMIN)]


def test_removing_a_membership_is_logged(world, admins):
    platform, _second = admins
    membership = world.users["grid_a2"].memberships.get()
    response = _client(platform).post(f"/admin/accounts/membership/{membership.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert _actions() == [("platform", AccountAction.ROLE_REVOKED, "grid_a2", Role.GRID_WORKER)]


def test_a_command_on_the_server_grants_at_once_and_is_logged(world, capsys):
    target = make_user("street_2")
    call_command("grant", "street_2", "--role", Role.STREET_OFFICER, "--region", world.street.code)
    assert _sees_residents(target)
    [event] = AccountEvent.objects.filter(user=target)
    assert (event.action, event.role, event.actor) == (AccountAction.ROLE_GRANTED, Role.STREET_OFFICER, None)
    assert event.actor_username.startswith("linli grant (")


def test_createuser_is_logged(world, monkeypatch):
    monkeypatch.setenv("LINLI_PASSWORD", "a-long-enough-pass-42")
    call_command("createuser", "grid_b1", "--role", Role.GRID_WORKER, "--region", world.grid_b1.code)
    [event] = AccountEvent.objects.all()
    assert (event.action, event.username, event.role) == (AccountAction.ROLE_GRANTED, "grid_b1", Role.GRID_WORKER)
    assert event.actor_username.startswith("linli createuser (")


def test_an_admin_resetting_a_social_workers_password_writes_a_log_row(world, admins):
    platform, _second = admins
    social = world.users["social_a"]
    response = _client(platform).post(f"/admin/accounts/user/{social.pk}/password/", {
        "password1": "another-long-pass-77", "password2": "another-long-pass-77", "usable_password": "true"})
    assert response.status_code == 302
    social.refresh_from_db()
    assert social.check_password("another-long-pass-77")
    [event] = AccountEvent.objects.all()
    assert (event.actor, event.action, event.user, event.detail) == (
        platform, AccountAction.PASSWORD_SET, social, "roles: social_worker")
    assert event.path == world.community_a.path


def test_no_password_is_set_when_its_log_row_cannot_be_written(world, admins, monkeypatch):
    from linli.accounts import services

    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "password_set_by_admin", broken)
    platform, _second = admins
    social = world.users["social_a"]
    with pytest.raises(RuntimeError):
        _client(platform).post(f"/admin/accounts/user/{social.pk}/password/", {
            "password1": "another-long-pass-77", "password2": "another-long-pass-77", "usable_password": "true"})
    social.refresh_from_db()
    assert not social.check_password("another-long-pass-77")


def test_the_audit_trail_is_read_only_in_the_admin(world, admins):
    platform, _second = admins
    call_command("grant", "outsider", "--role", Role.VOLUNTEER, "--region", world.community_a.code)
    event = AccountEvent.objects.get()
    client = _client(platform)
    assert client.get("/admin/accounts/accountevent/").context["cl"].result_count == 1
    assert client.get(f"/admin/accounts/accountevent/{event.pk}/delete/").status_code == 403
    assert client.get("/admin/accounts/accountevent/add/").status_code == 403
