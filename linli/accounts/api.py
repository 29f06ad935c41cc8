"""``/api/me``: who the caller is and what they may see."""

from __future__ import annotations

from ninja import Field, Router, Schema

from linli.accounts.scoping import scope_for
from linli.core.api_support import caller, responses
from linli.regions.models import Region

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str = Field(description="Login name.")
    display_name: str = Field(description="Name shown to other users; may be empty.")
    roles: list[str] = Field(description="Role codes of the active memberships, e.g. `grid_worker`.")
    region_codes: list[str] = Field(
        description="Codes of the regions whose subtrees the caller sees (the smallest set covering them)."
    )
    clearance: int = Field(description="Highest target-group tag sensitivity shown: 0 ordinary, 1 sensitive, 2 restricted.")
    organisation_ids: list[int] = Field(description="Organisations the caller belongs to.")


@router.get("/me", response=responses({200: MeOut}, errors=(401,)), summary="The caller")
def me(request):
    user = caller(request)
    scope = scope_for(user)
    if "" in scope.paths:
        regions = Region.objects.filter(parent__isnull=True)
    else:
        regions = Region.objects.filter(path__in=scope.paths)
    return {
        "username": user.get_username(),
        "display_name": user.display_name,
        "roles": sorted(scope.roles),
        "region_codes": list(regions.order_by("path").values_list("code", flat=True)),
        "clearance": scope.clearance,
        "organisation_ids": sorted(scope.organisation_ids),
    }
