"""An export whose tag or region filter the user cannot use is refused, never widened to the whole
register: the page answers 400 with the reason, ``linli export`` fails, nothing is written or logged."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from linli.core.errors import DomainError
from linli.people.exporting import residents_export
from linli.people.models import TargetGroupTag
from linli.privacy.models import AccessLog

EXPORT = "/residents/export.xlsx"


@pytest.mark.parametrize(("params", "code"), [
    ({"tag": "no-such-tag"}, "unknown_tag"),
    ({"tag": "special-community-correction"}, "unknown_tag"),  # restricted: above a grid worker's clearance
    ({"grid": "no-such-grid"}, "unknown_region"),
    ({"grid": "330502001001-G02"}, "unknown_region"),  # another grid of the community
])
def test_the_page_refuses_a_filter_the_user_cannot_use(login, world, params, code):
    response = login(world.users["grid_a1"]).get(EXPORT, params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert f'data-code="{code}"' in response.content.decode()
    assert AccessLog.objects.filter(action="export").count() == 0


def test_the_refusal_is_translated(login, world):
    client = login(world.users["grid_a1"])
    response = client.get(EXPORT, {"tag": "special-community-correction"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "未知重点人群标签：special-community-correction" in response.content.decode()


def test_a_known_tag_still_filters(login, world):
    response = login(world.users["community_a"]).get(EXPORT, {"tag": "disability-physical"})
    assert response.status_code == 200
    assert AccessLog.objects.get(action="export").detail == "tag=disability-physical"


@pytest.mark.parametrize(("args", "code"), [
    (["--tag", "special-community-correction"], "unknown_tag"),
    (["--tag", "nonsense"], "unknown_tag"),
    (["--grid", "330502001201-G01"], "unknown_region"),
])
def test_the_command_refuses_a_filter_the_user_cannot_use(world, tmp_path, args, code):
    target = tmp_path / "out.xlsx"
    with pytest.raises(CommandError, match=f"^{code}: "):
        call_command("export_residents", "--user", "grid_a1", *args, "-o", str(target))
    assert not target.exists()
    assert AccessLog.objects.filter(action="export").count() == 0


def test_the_service_refuses_a_restricted_tag_object(world):
    restricted = TargetGroupTag.objects.get(code="special-community-correction")
    with pytest.raises(DomainError) as caught:
        residents_export(user=world.users["grid_a1"], handle=io.BytesIO(), tag=restricted)
    assert caught.value.code == "unknown_tag"
    assert AccessLog.objects.filter(action="export").count() == 0
