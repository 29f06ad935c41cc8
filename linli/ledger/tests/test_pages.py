"""The pages of M6: the volunteer's wallet, the shop and its keeper, the unit's record queue, the
books with exports; each scoped, each showing errors in words."""

from __future__ import annotations

import io
import json

from django.utils import timezone
from openpyxl import load_workbook

from linli.ledger.models import Ledger
from linli.ledger.services import volunteer_account
from linli.ledger.tests.factories import DAY, confirmed, points_rule, volunteer
from linli.records.models import CorrectionRequest, ServiceRecord
from linli.shop.models import Redemption, ShopItem
from linli.shop.tests.factories import give_points, stocked_item


def test_the_wallet_shows_hours_stars_points_coins_and_history(world, client):
    points_rule(world, per_hour=10)
    vol = volunteer(world, "li")
    for _ in range(5):
        confirmed(world, vol, minutes=1212)  # 101 hours in all: one star
    client.force_login(vol.user)
    page = client.get("/me/hours/").content.decode()
    assert 'data-ledger="hours"><strong>101.0</strong>' in page
    assert "★☆☆☆☆" in page and 'data-ledger="points"><strong>1010</strong>' in page
    assert "助老探访" in page


def test_a_volunteer_asks_for_a_correction_from_the_wallet(world, client):
    vol = volunteer(world, "li")
    record = confirmed(world, vol, minutes=60)
    client.force_login(vol.user)
    client.post(f"/records/mine/{record.pk}/correction/", {"hours": "1.5", "reason": "少记半小时"})
    assert CorrectionRequest.objects.get().minutes == 90
    response = client.post(f"/records/mine/{record.pk}/correction/", {"hours": "abc", "reason": "x"}, follow=True)
    assert "请填写大于零的整数" in response.content.decode()
    assert CorrectionRequest.objects.count() == 1


def test_the_unit_completes_and_confirms_a_pending_record(world, client):
    vol = volunteer(world, "li")
    record = ServiceRecord.objects.create(volunteer=vol, activity="送餐", date=DAY, place="幸福苑", content="送午餐",
                                          minutes=30, region=world.community_a, path=world.community_a.path,
                                          person_in_charge="", due_on=DAY)
    client.force_login(world.users["community_a"])
    queue = client.get("/records/").content.decode()
    assert f'data-record="{record.pk}" class="overdue"' in queue
    response = client.post(f"/records/{record.pk}/", {"action": "confirm", "activity": "送餐", "place": "幸福苑",
                                                      "content": "送午餐", "hours": "0.75", "person_in_charge": ""})
    assert response.status_code == 200 and "确认前请填写活动负责人" in response.content.decode()
    client.post(f"/records/{record.pk}/", {"action": "confirm", "activity": "送餐", "place": "幸福苑", "content": "送午餐",
                                           "hours": "0.75", "person_in_charge": "王主任"})
    record.refresh_from_db()
    assert (record.state, record.minutes) == ("confirmed", 45)
    assert volunteer_account(vol, Ledger.HOURS).balance == 45


def test_the_queue_is_only_for_recorders_of_the_area(world, client):
    client.force_login(world.users["street"])
    assert client.get("/records/").status_code == 404
    client.force_login(world.users["community_b"])
    record = confirmed(world, volunteer(world, "li"), minutes=60)
    assert client.get(f"/records/{record.pk}/").status_code == 404


def test_a_group_activity_is_recorded_for_every_volunteer_chosen(world, client):
    a, b = volunteer(world, "a"), volunteer(world, "b")
    client.force_login(world.users["community_a"])
    form = {"activity": "垃圾分类宣传", "date": "2026-11-01", "place": "社区广场", "content": "发放宣传单",
            "hours": "2", "person_in_charge": "王主任", "volunteers": [a.pk, b.pk]}
    client.post("/records/group/", form)
    assert sorted(ServiceRecord.objects.values_list("volunteer__name", "minutes", "state")) == [
        ("a", 120, "confirmed"), ("b", 120, "confirmed")]
    response = client.post("/records/group/", {**form, "hours": "-1"})
    assert "大于零的整数" in response.content.decode() and "垃圾分类宣传" in response.content.decode()
    assert ServiceRecord.objects.count() == 2


def test_a_volunteer_redeems_on_the_shop_page(world, client):
    vol, item = volunteer(world, "li"), stocked_item(world, price=30, stock=2)
    give_points(world, vol, 40)
    client.force_login(vol.user)
    page = client.get("/shop/").content.decode()
    assert f'data-item="{item.pk}"' in page and "联华超市" in page
    page = client.post(f"/shop/items/{item.pk}/redeem/", {"quantity": "1", "confirm": "yes"}, follow=True).content.decode()
    code = Redemption.objects.get().pickup_code
    assert code in page
    page = client.post(f"/shop/items/{item.pk}/redeem/", {"quantity": "1", "confirm": "yes"}, follow=True).content.decode()
    assert "积分不足" in page and Redemption.objects.count() == 1


def test_the_keeper_adds_items_receives_donations_and_hands_over(world, client):
    vol = volunteer(world, "li")
    client.force_login(world.users["community_a"])
    client.post("/shop/keeper/", {"action": "item", "name": "洗衣液", "price": "20"})
    item = ShopItem.objects.get()
    client.post("/shop/keeper/", {"action": "donation", "item": item.pk, "quantity": "5", "donor_name": "张阿姨",
                                  "donor_kind": "resident"})
    item.refresh_from_db()
    assert item.stock == 5
    give_points(world, vol, 20)
    from linli.shop.services import redeem

    r = redeem(user=vol.user, item=item)
    page = client.post("/shop/keeper/", {"action": "pickup", "code": r.pickup_code}, follow=True).content.decode()
    r.refresh_from_db()
    assert r.state == "picked_up" and "洗衣液" in page
    report = client.get("/shop/keeper/").content.decode()
    month = timezone.localdate().strftime("%Y-%m")
    assert f'<tr><td>{month}</td><td class="num">1</td><td class="num">5</td><td class="num">1</td><td class="num">1</td><td class="num">20</td></tr>' in report
    client.force_login(vol.user)
    assert client.get("/shop/keeper/").status_code == 404


def test_the_books_balance_and_export(world, client):
    points_rule(world)
    confirmed(world, volunteer(world, "li"), minutes=60)
    client.force_login(world.users["community_a"])
    page = client.get("/ledger/?check=1").content.decode()
    assert page.count("state-resolved") == 3 and 'id="check-result"' in page and "msg-success" in page
    response = client.get("/ledger/export.xlsx?ledger=points")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and sorted(r[4] for r in rows[1:]) == [-10, 10]
    document = json.loads(client.get("/ledger/timebank.json").content)
    assert document["format"] == "linli-timebank/1"
    assert [(a["account"].split(":")[1][:1], a["balance_minutes"]) for a in document["accounts"]] == [("v", 60)]
    client.force_login(world.users["volunteer_a"])
    assert client.get("/ledger/").status_code == 404


def test_a_recorder_adds_a_points_rule_on_the_books_page(world, client):
    from linli.ledger.models import PointRule

    client.force_login(world.users["community_a"])
    client.post("/ledger/rules/", {"name": "每小时10分", "per_hour": "10", "per_record": "0", "valid_from": "2026-01-01"})
    page = client.post("/ledger/rules/", {"name": "坏规则", "per_hour": "-1", "valid_from": "2026-01-01"},
                       follow=True).content.decode()
    assert "大于零的整数" in page
    assert list(PointRule.objects.values_list("name", "per_hour", "path")) == [("每小时10分", 10, world.community_a.path)]
    assert 'data-rule="' in client.get("/ledger/").content.decode()
    client.force_login(world.users["street"])
    assert client.post("/ledger/rules/", {"name": "x", "per_hour": "1", "valid_from": "2026-01-01"}).status_code == 404
