"""What each persona must and must not see, through every door: pages, API and export.

Personas come from linli.testing.build_world(): a street with community A (grids A1, A2) and
village B (grid B1); residents 张秀英 (A1), 李建国 (A2), 王小明 (B1).
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

A1, A2, B1 = "resident_a1", "resident_a2", "resident_b1"

# persona -> residents whose detail it may open
SEES = {
    "grid_a1": {A1},
    "grid_a2": {A2},
    "community_a": {A1, A2},
    "community_b": {B1},
    "social_a": {A1, A2},
    "street": {A1, A2, B1},
    "district": {A1, A2, B1},
    "org_admin_a": set(),
    "volunteer_a": set(),
    "platform": set(),
    "resident_a1": {A1},
    "outsider": set(),
}
# persona -> may download the resident export at all
EXPORTS = {"grid_a1", "grid_a2", "community_a", "community_b", "social_a", "street", "district"}
# persona -> regions (codes) it may open, among ALL_REGIONS
A_TREE = {"330502001001", "330502001001-G01", "330502001001-G02"}
B_TREE = {"330502001201", "330502001201-G01"}
ALL_REGIONS = {"330502", "330502001"} | A_TREE | B_TREE
REGIONS = {
    "grid_a1": {"330502001001-G01"},
    "community_a": A_TREE,
    "community_b": B_TREE,
    "org_admin_a": A_TREE,
    "street": ALL_REGIONS - {"330502"},
    "district": ALL_REGIONS,
    "volunteer_a": set(),
    "outsider": set(),
}


def _resident(world, key):
    return getattr(world, key)


@pytest.mark.parametrize("persona", sorted(SEES))
def test_resident_detail_page_is_404_outside_the_personas_area(world, login, persona):
    client = login(world.users[persona])
    for key in (A1, A2, B1):
        resident = _resident(world, key)
        response = client.get(f"/residents/{resident.pk}/")
        expected = 200 if key in SEES[persona] else 404
        assert response.status_code == expected, (persona, key, response.status_code)


@pytest.mark.parametrize("persona", sorted(SEES))
def test_resident_api_is_404_outside_the_personas_area(world, login, persona):
    client = login(world.users[persona])
    for key in (A1, A2, B1):
        resident = _resident(world, key)
        response = client.get(f"/api/residents/{resident.pk}")
        expected = 200 if key in SEES[persona] else 404
        assert response.status_code == expected, (persona, key, response.status_code)


@pytest.mark.parametrize("persona", sorted(SEES))
def test_resident_api_list_holds_exactly_the_visible_residents(world, login, persona):
    client = login(world.users[persona])
    response = client.get("/api/residents")
    if not SEES[persona]:
        assert response.status_code in (200, 404)
        if response.status_code == 200:
            assert response.json()["items"] == []
        return
    names = sorted(item["name"] for item in response.json()["items"])
    assert names == sorted(_resident(world, k).name for k in SEES[persona])


@pytest.mark.parametrize("persona", sorted(SEES))
def test_export_holds_exactly_the_visible_residents(world, login, persona):
    client = login(world.users[persona])
    response = client.get("/residents/export.xlsx")
    if persona not in EXPORTS:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    for key in (A1, A2, B1):
        assert (_resident(world, key).name in text) == (key in SEES[persona]), (persona, key)
    # exports never carry a full identifier
    assert world.resident_a1.id_number not in text
    assert "13800001234" not in text


@pytest.mark.parametrize("persona", sorted(REGIONS))
def test_region_pages_and_api_are_404_outside_the_subtree(world, login, persona):
    client = login(world.users[persona])
    for code in ALL_REGIONS:
        page = client.get(f"/regions/{code}/")
        api = client.get(f"/api/regions/{code}")
        expected = 200 if code in REGIONS[persona] else 404
        assert (page.status_code, api.status_code) == (expected, expected), (persona, code)


def test_grid_worker_of_a_gets_404_for_resident_of_b_everywhere(world, login):
    client = login(world.users["grid_a1"])
    assert client.get(f"/residents/{world.resident_a2.pk}/").status_code == 404
    assert client.get(f"/api/residents/{world.resident_a2.pk}").status_code == 404
    assert client.post(f"/residents/{world.resident_a2.pk}/reveal/", {"field": "mobile", "reason": "contact"}).status_code == 404


def test_restricted_tag_reaches_the_social_worker_only(world, login):
    pk = world.resident_a1.pk
    social = login(world.users["social_a"]).get(f"/api/residents/{pk}").json()
    assert "special-community-correction" in {t["code"] for t in social["tags"]}
    community = login(world.users["community_a"]).get(f"/api/residents/{pk}").json()
    assert "special-community-correction" not in {t["code"] for t in community["tags"]}
    assert "elderly-living-alone" in {t["code"] for t in community["tags"]}


def test_menu_editor_is_404_for_another_community(world, login):
    client = login(world.users["community_b"])
    assert client.get("/catalog/menu/330502001001/").status_code == 404
    assert client.get("/catalog/menu/330502001201/").status_code == 200


def test_anonymous_visitor_is_sent_to_login_or_refused(client, world):
    assert client.get("/residents/").status_code == 302
    assert client.get("/api/residents").status_code == 401


# --- demands ---------------------------------------------------------------------------------------
# persona -> demands (about residents A1, A2, B1; D_ORG is A2's demand assigned to organisation A)
# whose page and API it may open. Staff see their subtree; the organisation admin sees what is
# assigned to its organisation; a resident sees their own; the platform admin sees none.
D_A1, D_A2, D_B1 = "demand_a1", "demand_a2", "demand_b1"
DEMAND_SEES = {
    "grid_a1": {D_A1},
    "grid_a2": {D_A2},
    "community_a": {D_A1, D_A2},
    "community_b": {D_B1},
    "social_a": {D_A1, D_A2},
    "street": {D_A1, D_A2, D_B1},
    "district": {D_A1, D_A2, D_B1},
    "org_admin_a": {D_A2},
    "volunteer_a": set(),
    "platform": set(),
    "resident_a1": {D_A1},
    "outsider": set(),
}
DEMAND_QUEUE = {"grid_a1", "grid_a2", "community_a", "community_b", "social_a", "street", "district", "org_admin_a"}


@pytest.fixture
def demands(world):
    from linli.demands.models import Demand
    from linli.demands.tests.factories import submit

    made = {
        D_A1: submit(world, resident="a1", item="0102", description="送饭"),
        D_A2: submit(world, resident="a2", item="1002", description="修水管", user=world.users["community_a"]),
        D_B1: submit(world, resident="b1", item="0202", description="放学没人管", user=world.users["community_b"]),
    }
    Demand.objects.filter(pk=made[D_A2].pk).update(assignee_org=world.org_a, state="assigned")
    return made


@pytest.mark.parametrize("persona", sorted(DEMAND_SEES))
def test_demand_page_and_api_are_404_outside_the_personas_area(world, login, demands, persona):
    client = login(world.users[persona])
    for key, demand in demands.items():
        expected = 200 if key in DEMAND_SEES[persona] else 404
        assert client.get(f"/api/demands/{demand.pk}").status_code == expected, (persona, key, "api")
        if persona != "resident_a1":
            assert client.get(f"/demands/{demand.pk}/").status_code == expected, (persona, key, "page")


@pytest.mark.parametrize("persona", sorted(DEMAND_SEES))
def test_demand_api_queue_holds_exactly_the_visible_demands(world, login, demands, persona):
    client = login(world.users[persona])
    got = {item["id"] for item in client.get("/api/demands").json()["items"]}
    assert got == {demands[k].pk for k in DEMAND_SEES[persona]}


@pytest.mark.parametrize("persona", sorted(DEMAND_SEES))
def test_demand_queue_page_and_export_only_for_staff_and_only_their_demands(world, login, demands, persona):
    client = login(world.users[persona])
    page = client.get("/demands/")
    export = client.get("/demands/export/")
    if persona not in DEMAND_QUEUE:
        assert (page.status_code, export.status_code) == (404, 404)
        return
    assert {d.pk for d in page.context["demands"]} == {demands[k].pk for k in DEMAND_SEES[persona]}
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    exported = {row[0] for row in list(sheet.iter_rows(values_only=True))[1:]}
    assert exported == {demands[k].tracking_display for k in DEMAND_SEES[persona]}


# --- dispatch --------------------------------------------------------------------------------------
# A task for volunteers about resident A1 (grid A1) with a booking that has not begun: staff who see
# A1's residents open its page, ask volunteers (one chosen, or several at once) and record a
# no-show; everyone else gets a 404 from the page and the API alike, and nothing is written.
TASK_SEES = {"grid_a1", "community_a", "social_a", "street", "district"}


@pytest.fixture
def booked_task(world):
    import datetime as dt

    from linli.dispatch.models import Booking
    from linli.dispatch.tests.test_offers import NOON, _task, _volunteer

    task = _task(world)
    task.state = "booked"
    task.save(update_fields=["state"])
    start = max(NOON, dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    booking = Booking.objects.create(task=task, volunteer=_volunteer(world, "booked"), start=start,
                                     end=start + dt.timedelta(hours=1))
    return task, booking


@pytest.mark.parametrize("persona", sorted(SEES))
def test_dispatch_task_pages_and_api_are_404_outside_the_area(world, login, booked_task, persona):
    from linli.dispatch.models import Offer

    task, booking = booked_task
    client = login(world.users[persona])
    visible = persona in TASK_SEES

    def api(path, body):
        import json

        return client.post(path, data=json.dumps(body), content_type="application/json").status_code

    got = (
        client.get(f"/dispatch/tasks/{task.pk}/").status_code,
        client.post(f"/dispatch/tasks/{task.pk}/broadcast/", {"count": "1"}).status_code,
        client.post(f"/dispatch/bookings/{booking.pk}/no-show/").status_code,
        api(f"/api/dispatch/tasks/{task.pk}/broadcast", {"count": 1}),
        api(f"/api/dispatch/tasks/{task.pk}/offers", {"volunteer": booking.volunteer_id}),
        api(f"/api/dispatch/bookings/{booking.pk}/no-show", {}),
    )
    # Visible: the page, two redirects back to it, and three refusals of the domain (the task is
    # booked; the booking has not begun). Invisible: a 404 everywhere.
    assert got == ((200, 302, 302, 400, 400, 400) if visible else (404,) * 6), persona
    assert Offer.objects.count() == 0
    booking.refresh_from_db()
    assert booking.no_show is False


# Recurring plans for community A and village B: a coordinator (staff who see residents) opens the
# plans page; it, the API list and every action on a plan hold exactly the plans of their area.
PLAN_A, PLAN_B = "plan_a", "plan_b"
PLAN_SEES = {
    "grid_a1": set(),  # a grid worker sees the page, but these plans are for the whole community
    "grid_a2": set(),
    "community_a": {PLAN_A},
    "community_b": {PLAN_B},
    "social_a": {PLAN_A},
    "street": {PLAN_A, PLAN_B},
    "district": {PLAN_A, PLAN_B},
    "org_admin_a": set(),
    "volunteer_a": set(),
    "platform": set(),
    "resident_a1": set(),
    "outsider": set(),
}
PLANS_PAGE = {"grid_a1", "grid_a2", "community_a", "community_b", "social_a", "street", "district"}


@pytest.fixture
def plans(world):
    import datetime as dt

    from linli.catalog.models import ServiceItem
    from linli.dispatch.models import RecurringPlan

    return {
        key: RecurringPlan.objects.create(
            region=region, path=region.path, item=ServiceItem.objects.get(code="0101"), rule="daily",
            start_time=dt.time(9, 0), end_time=dt.time(10, 0), created_by=world.users["district"])
        for key, region in ((PLAN_A, world.community_a), (PLAN_B, world.community_b))
    }


@pytest.mark.parametrize("persona", sorted(PLAN_SEES))
def test_plans_page_api_and_actions_hold_exactly_the_personas_plans(world, login, plans, persona):
    from linli.dispatch.models import RecurringPlan

    client = login(world.users[persona])
    expected = {plans[k].pk for k in PLAN_SEES[persona]}
    page = client.get("/dispatch/plans/")
    if persona in PLANS_PAGE:
        assert {r["plan"].pk for r in page.context["rows"]} == expected
    else:
        assert page.status_code == 404
    assert {p["id"] for p in client.get("/api/dispatch/plans").json()} == expected
    for key, plan in plans.items():
        visible = key in PLAN_SEES[persona]
        got = (
            client.post(f"/api/dispatch/plans/{plan.pk}/active", data='{"active": false}',
                        content_type="application/json").status_code,
            client.post(f"/dispatch/plans/{plan.pk}/active/", {"active": "0"}).status_code,
            client.post(f"/dispatch/plans/{plan.pk}/generate/").status_code,
        )
        assert got == ((200, 302, 302) if visible else (404, 404, 404)), (persona, key)
    assert set(RecurringPlan.objects.filter(active=False).values_list("pk", flat=True)) == expected


# --- hours, points, shop (M6) ----------------------------------------------------------------------
# Volunteer 李 (grid A1) has a pending record of grid A1, a record confirmed by community A with an
# open correction request, and a redemption at community A's shop. The unit's pages and API hold
# them for the recorders covering them (community and grid workers, social workers, the
# organisation admin of A) and for nobody else; community and grid workers keep their community's
# shop and hand over only its goods; the books are read by recorders and officers.
RECORD_SEES = {"grid_a1", "community_a", "social_a", "org_admin_a"}
CORRECTION_SEES = RECORD_SEES - {"grid_a1"}  # a community-level record is beyond a grid worker
SHOP_KEEPS = {"grid_a1", "grid_a2", "community_a", "community_b"}
HANDS_OVER_A = SHOP_KEEPS - {"community_b"}
BOOKS = {"grid_a1", "grid_a2", "community_a", "community_b", "social_a", "org_admin_a", "street", "district"}


@pytest.fixture
def rewards(world):
    from linli.ledger.tests.factories import DAY, confirmed, volunteer
    from linli.records.models import ServiceRecord
    from linli.records.services import correction_request
    from linli.shop.services import redeem
    from linli.shop.tests.factories import give_points, stocked_item

    vol = volunteer(world, "li")
    pending = ServiceRecord.objects.create(volunteer=vol, activity="送餐", date=DAY, place="A1", content="送餐",
                                           minutes=30, region=world.grid_a1, path=world.grid_a1.path,
                                           person_in_charge="", due_on=DAY)
    record = confirmed(world, vol, minutes=60)
    correction = correction_request(user=vol.user, record=record, minutes=90, reason="少记了")
    give_points(world, vol, 10)
    redemption = redeem(user=vol.user, item=stocked_item(world, price=10))
    return pending, correction, redemption


@pytest.mark.parametrize("persona", sorted(SEES))
def test_records_shop_and_books_are_404_outside_the_area(world, login, rewards, persona):
    import json

    pending, correction, redemption = rewards
    client = login(world.users[persona])

    def api_get(path):
        return client.get(path).status_code

    def api_post(path, body):
        return client.post(path, data=json.dumps(body), content_type="application/json").status_code

    records = client.get("/records/")
    assert (records.status_code == 200) == (persona in RECORD_SEES | {"grid_a2", "community_b"}), persona
    listed = {r.pk for r in records.context["records"]} if records.status_code == 200 else set()
    assert listed == ({pending.pk} if persona in RECORD_SEES else set()), persona
    record_page = client.get(f"/records/{pending.pk}/").status_code
    decide = client.post(f"/records/corrections/{correction.pk}/", {"answer": "refuse", "reason": "x"}).status_code
    api_decide = api_post(f"/api/records/corrections/{correction.pk}/decide", {"accept": False, "reason": "x"})
    assert record_page == (200 if persona in RECORD_SEES else 404), persona
    if persona in CORRECTION_SEES:
        assert decide == 302, persona
    else:
        assert (decide, api_decide) == (404, 404), persona
    correction.refresh_from_db()
    assert correction.state == ("refused" if persona in CORRECTION_SEES else "pending"), persona

    keeper = client.get("/shop/keeper/").status_code
    pickup = api_post("/api/shop/pickup", {"region": world.community_a.code, "code": redemption.pickup_code})
    assert keeper == (200 if persona in SHOP_KEEPS else 404), persona
    redemption.refresh_from_db()
    assert (pickup, redemption.state) == ((200, "picked_up") if persona in HANDS_OVER_A else (404, "reserved")), persona
    books = (client.get("/ledger/").status_code, client.get("/ledger/export.xlsx?ledger=hours").status_code,
             api_get("/api/ledger/trial-balance"), api_get("/api/ledger/timebank-export"))
    assert books == ((200,) * 4 if persona in BOOKS else (404,) * 4), persona


@pytest.mark.parametrize("persona", sorted(SEES))
def test_a_background_import_job_is_seen_by_its_uploader_only(world, login, persona):
    from linli.people.models import ImportJob

    owner = world.users["community_a"]
    jobs = {
        "residents": ImportJob.objects.create(user=owner, kind="residents", filename="r.csv", stored_name="r" * 32),
        "sweep": ImportJob.objects.create(user=owner, kind="sweep", filename="s.csv", stored_name="s" * 32),
    }
    client = login(world.users[persona])
    for url in (f"/residents/import/jobs/{jobs['residents'].pk}/", f"/demands/import/jobs/{jobs['sweep'].pk}/"):
        expected = 200 if persona == "community_a" else 404
        assert client.get(url).status_code == expected, (persona, url)


# --- publication of a public-area demand through Open311 -----------------------------------------------
# A public-area demand in grid A1: staff whose area it lies in approve its words (page) and withdraw
# them (API); everyone else gets a 404 from both, and nothing is published.
PUBLISHES = {"grid_a1", "community_a", "social_a", "street", "district"}


@pytest.mark.parametrize("persona", sorted(SEES))
def test_publication_of_a_public_area_demand_only_by_staff_of_its_area(world, login, persona):
    import json

    from linli.catalog.models import ServiceItem
    from linli.demands.models import Channel, Consent, Demand
    from linli.demands.services import DemandInput, demand_submit

    demand = demand_submit(user=world.users["community_a"], data=DemandInput(
        region=world.micro_a1, description="楼道灯坏了", channel=Channel.PHONE, consent=Consent.PUBLIC_AREA,
        item=ServiceItem.objects.get(code="1103"))).demand
    client = login(world.users[persona])
    page = client.post(f"/demands/{demand.pk}/publication/", {"op": "approve", "description": "楼道灯坏了"})
    published = Demand.objects.get(pk=demand.pk).published_at is not None
    api = client.put(f"/api/demands/{demand.pk}/publication", data=json.dumps({"published": False}),
                     content_type="application/json")
    if persona in PUBLISHES:
        assert (page.status_code, published, api.status_code) == (302, True, 200), persona
    else:
        assert (page.status_code, published, api.status_code) == (404, False, 404), persona
    assert Demand.objects.get(pk=demand.pk).published_at is None
