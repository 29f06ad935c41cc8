"""The demo's open demands are dated back over the last days but never past their deadline: a fresh
demo escalated a third of its queue on the worker's first sweep."""

import pytest
from django.test import override_settings
from django.utils import timezone

from linli.demands.models import Demand
from linli.demands.tasks import sweep
from linli.demands.workflow import OPEN_STATES
from linli.demo.generator import demo_build, demo_reset

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        demo_build(seed=11, scale=1)
        yield
        demo_reset()


@pytest.mark.django_db
def test_no_open_demo_demand_is_overdue_and_the_first_sweep_escalates_none(demo):
    now = timezone.now()
    open_demands = Demand.objects.filter(state__in=OPEN_STATES)
    assert open_demands.count() > 10
    assert open_demands.filter(due_at__lte=now).count() == 0
    assert open_demands.filter(created_at__gt=now).count() == 0
    assert sweep()["escalations"] == 0
    assert Demand.objects.filter(escalation_level__gt=0).count() == 0
