"""我要服务 and tracking: with and without an account, from submission to the resident's verdict."""

from __future__ import annotations

from django.urls import reverse

from linli.demands.models import Demand
from linli.demands.public import SESSION_KEY
from linli.demands.tests.factories import sms_code, submit


def test_a_visitor_without_an_account_submits_and_gets_a_tracking_number(world, client):
    page = client.get(reverse("demands:serve"))
    assert page.status_code == 200
    assert '<option value="330502001001">西林寺社区</option>' in page.content.decode()
    response = client.post(reverse("demands:serve"), {
        "item": "1103", "description": "3栋楼道灯坏了一周了", "community": "330502001001",
        "contact_name": "王先生", "contact_mobile": "13912345678",
    })
    d = Demand.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("demands:track_detail", args=[d.tracking_number])
    assert (d.channel, d.resident, d.region, d.consent, d.contact_mobile) == (
        "self_service", None, world.community_a, "self", "13912345678")  # about the sender, not a public place
    follow = client.get(response["Location"])
    assert d.tracking_display in follow.content.decode()


def test_bad_input_on_the_page_is_named_and_nothing_is_saved(world, client):
    response = client.post(reverse("demands:serve"), {
        "item": "1103", "description": " ", "community": "330502001001", "contact_mobile": "123",
    })
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"description"}
    response = client.post(reverse("demands:serve"), {
        "item": "1103", "description": "灯坏了", "community": "330502001001", "contact_mobile": "123",
    })
    assert set(response.context["form"].errors) == {"contact_mobile"}
    assert Demand.objects.count() == 0


def test_a_logged_in_resident_submits_without_giving_place_or_mobile(world, login):
    client = login(world.users["resident_a1"])
    page = client.get(reverse("demands:serve"))
    assert "contact_mobile" not in page.context["form"].fields
    client.post(reverse("demands:serve"), {"item": "0102", "description": "想请人每天中午送饭"})
    d = Demand.objects.get()
    assert (d.resident, d.region, d.contact_mobile, d.consent) == (world.resident_a1, world.micro_a1, "13800001234", "self")


def test_following_needs_the_tracking_number_and_the_same_mobile(world, client):
    d = submit(world, resident=None, item="1103", description="路灯坏了", contact_mobile="13912345678",
               user=world.users["community_a"], channel="phone")
    detail = reverse("demands:track_detail", args=[d.tracking_number])
    assert client.get(detail).status_code == 404
    wrong = client.post(reverse("demands:track"), {"tracking_number": d.tracking_number, "mobile": "13900000000"})
    assert wrong.status_code == 200 and wrong.context["form"].non_field_errors()
    right = client.post(reverse("demands:track"), {"tracking_number": d.tracking_display.lower(), "mobile": "139 1234 5678"})
    assert right["Location"] == reverse("demands:track_mobile")  # the phone proves it: a code is texted
    assert client.get(detail).status_code == 404
    opened = client.post(reverse("demands:track_mobile"), {"do": "check", "code": sms_code("139****5678")})
    assert opened["Location"] == detail
    assert client.get(detail).status_code == 200
    again = client.post(reverse("demands:track"), {"tracking_number": d.tracking_number, "mobile": "13912345678"})
    assert again["Location"] == detail  # once per session


def test_someone_who_typed_another_persons_mobile_cannot_read_the_progress(world, client):
    # The sender knows the tracking number and the number they typed; the code goes to that phone.
    d = submit(world, resident=None, item="0102", description="帮邻居登记送饭", contact_mobile="13912345678",
               user=world.users["community_a"], channel="phone")
    response = client.post(reverse("demands:track"), {"tracking_number": d.tracking_number, "mobile": "13912345678"})
    assert response["Location"] == reverse("demands:track_mobile")
    client.post(reverse("demands:track_mobile"), {"do": "check", "code": "000000"})  # without the phone: a guess
    assert client.get(reverse("demands:track_detail", args=[d.tracking_number])).status_code == 404


def test_another_visitor_cannot_open_someone_elses_demand(world, client, login):
    d = submit(world, item="0102", description="送饭")
    other = login(world.users["volunteer_a"])
    assert other.get(reverse("demands:track_detail", args=[d.tracking_number])).status_code == 404


def test_the_resident_confirms_rates_and_can_complain(world, login):
    d = submit(world, item="1001", description="需要打扫")
    Demand.objects.filter(pk=d.pk).update(state="resolved")
    client = login(world.users["resident_a1"])
    url = reverse("demands:track_detail", args=[d.tracking_number])
    client.post(url, {"do": "rate", "rating": "4", "comment": "挺好"})
    client.post(url, {"do": "confirm"})
    d.refresh_from_db()
    assert (d.state, d.rating, d.rating_comment) == ("closed", 4, "挺好")
    client.post(url, {"do": "complain", "note": "第二天又脏了，没有打扫干净"})
    d.refresh_from_db()
    assert d.state == "triaged"
    assert d.events.last().action == "complain"


def test_the_session_remembers_at_most_twenty_demands(world, client, settings):
    settings.RATE_LIMITS = {}  # 22 submissions from one visitor are over the limits (test_public_rate_limits.py)
    for _ in range(22):
        client.post(reverse("demands:serve"), {"item": "1103", "description": "灯坏了", "community": "330502001001",
                                               "contact_mobile": "13912345678"})
    assert len(client.session[SESSION_KEY]) == 20
