import io

from django.urls import reverse
from openpyxl import load_workbook

from linli.catalog.models import ServiceCategory
from linli.supply.models import OrganisationProject, SocialWorker


def _names(response):
    return [o.name for o in response.context["page"].object_list]


def test_community_worker_lists_the_organisations_of_the_community(login, world):
    world.org_a.domains.add(ServiceCategory.objects.get(code="01"))
    response = login(world.users["community_a"]).get(reverse("supply:list"))
    assert _names(response) == ["西林寺邻里互助社"]
    html = response.content.decode()
    assert "养老服务" in html


def test_street_officer_filters_by_kind_and_community(login, world):
    client = login(world.users["street"])
    assert _names(client.get(reverse("supply:list"))) == ["西林寺邻里互助社", "野马村物业"]
    assert _names(client.get(reverse("supply:list"), {"kind": "property"})) == ["野马村物业"]
    assert _names(client.get(reverse("supply:list"), {"community": "330502001001"})) == ["西林寺邻里互助社"]


def test_export_holds_the_filtered_list(login, world):
    response = login(world.users["street"]).get(reverse("supply:export"), {"kind": "social_org"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == "西林寺邻里互助社"


def test_organisation_detail_shows_projects_and_social_workers(login, world):
    OrganisationProject.objects.create(organisation=world.org_a, title="长者助餐", year=2024, amount_fen=1234500)
    SocialWorker.objects.create(name="陈社工", organisation=world.org_a, region=world.community_a)
    response = login(world.users["community_a"]).get(reverse("supply:detail", args=[world.org_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "长者助餐" in html
    assert "12345" in html
    assert "陈社工" in html


def test_organisation_of_another_community_is_404(login, world):
    assert login(world.users["community_b"]).get(reverse("supply:detail", args=[world.org_a.pk])).status_code == 404
