"""The answer on the tracking page: what was done, by which unit, when; states in the resident's
words; one verdict (好差评), never overwritten; a timeline without repeated lines."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.core.errors import DomainError
from linli.demands.models import Demand, Satisfaction
from linli.demands.public import resident_timeline
from linli.demands.services import demand_rate, demand_transition
from linli.demands.tests.factories import submit


def _resolved(world):
    d = submit(world, item="1001", description="需要打扫")
    demand_transition(demand=d, user=world.users["community_a"], action="assign", assignee_org=world.org_a)
    d.refresh_from_db()
    demand_transition(demand=d, user=world.users["org_admin_a"], action="resolve", note="已安排保洁员上门打扫厨房和卫生间")
    d.refresh_from_db()
    return d


def _page(client, d):
    client.cookies["django_language"] = "zh-hans"
    return client.get(reverse("demands:track_detail", args=[d.tracking_number]))


def test_the_tracking_page_says_what_was_done_by_which_unit_and_when(world, login):
    d = _resolved(world)
    response = _page(login(world.users["resident_a1"]), d)
    answer = response.context["answer"]
    resolve = d.events.get(action="resolve")
    assert answer == {"note": "已安排保洁员上门打扫厨房和卫生间", "who": "西林寺邻里互助社", "at": resolve.at}
    page = response.content.decode()
    assert "已安排保洁员上门打扫厨房和卫生间" in page and "西林寺邻里互助社" in page
    assert "org_admin_a" not in page
    assert "已办结，请确认" in page


def test_the_verdict_is_given_once_and_a_second_is_refused_with_a_message(world, login):
    d = _resolved(world)
    client = login(world.users["resident_a1"])
    url = reverse("demands:track_detail", args=[d.tracking_number])
    assert 'id="rate-form"' in _page(client, d).content.decode()
    client.post(url, {"do": "rate", "rating": str(Satisfaction.FAIRLY_SATISFIED), "comment": "来得有点晚"}, follow=True)
    second = client.post(url, {"do": "rate", "rating": "1", "comment": "改主意了"}, follow=True)
    d.refresh_from_db()
    assert (d.rating, d.rating_comment) == (3, "来得有点晚")
    assert [str(m) for m in second.context["messages"]] == ["您已评价过此需求，谢谢。"]
    page = second.content.decode()
    assert 'id="rate-form"' not in page and "基本满意" in page
    assert d.events.filter(action="rate").count() == 1


def test_the_service_refuses_a_second_rating(world):
    d = _resolved(world)
    demand_rate(demand=d, user=world.users["resident_a1"], rating=5)
    with pytest.raises(DomainError) as err:
        demand_rate(demand=d, user=world.users["resident_a1"], rating=1)
    assert err.value.code == "already_rated"
    assert Demand.objects.get(pk=d.pk).rating == 5


def test_the_verdict_has_five_levels_from_very_satisfied_to_very_dissatisfied(world, login):
    d = _resolved(world)
    form = _page(login(world.users["resident_a1"]), d).context["rating_form"]
    assert [(v, str(label)) for v, label in form.fields["rating"].choices] == [
        (5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "非常不满意")]


def test_the_timeline_has_no_repeated_lines_and_no_internal_words(world, login):
    d = _resolved(world)
    demand_transition(demand=d, user=world.users["resident_a1"], action="confirm")
    lines = [line["label"] for line in _page(login(world.users["resident_a1"]), d).context["timeline"]]
    assert lines == ["已受理", "已交由服务单位处理", "已办结，请确认", "已完成"]
    assert len(lines) == len(set(lines))


def test_repeated_steps_are_shown_once(world):
    d = _resolved(world)
    events = list(d.events.order_by("at", "id"))
    twice = [*events[:2], events[1], *events[2:]]  # e.g. an automatic assignment, then the same again
    assert resident_timeline(twice) == resident_timeline(events)
