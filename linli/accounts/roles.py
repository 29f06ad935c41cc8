"""The roles of Linli and what each may do, in one table.

A role's *clearance* decides which target-group tags it sees (see ``people.models.Sensitivity``);
``sees_residents`` decides whether it may open the resident register of its region at all;
``can_reveal`` whether it may reveal a full ID or mobile number (always with a reason, always
logged). Platform admins administer the system but do not read residents' identifiers: the
administrator/operator separation of GB/T 35273 §7.1.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    VOLUNTEER = "volunteer", _("Volunteer")
    GRID_WORKER = "grid_worker", _("Grid worker")
    COMMUNITY_WORKER = "community_worker", _("Community worker")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    STREET_OFFICER = "street_officer", _("Street officer")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    PLATFORM_ADMIN = "platform_admin", _("Platform admin")


# Sensitivity levels of target-group tags (people.models.Sensitivity uses the same numbers).
PUBLIC, SENSITIVE, RESTRICTED = 0, 1, 2


@dataclass(frozen=True)
class RolePolicy:
    staff: bool  # bound to a region node and sees its subtree
    sees_residents: bool
    can_reveal: bool
    clearance: int  # highest tag sensitivity shown
    edits_residents: bool
    edits_menu: bool
    imports_residents: bool
    records_service: bool = False  # records, confirms and certifies volunteer service (谁组织谁记录)
    keeps_shop: bool = False  # keeps the community's 爱心铺 (stock, donations, pickups)


POLICIES: dict[str, RolePolicy] = {
    Role.RESIDENT: RolePolicy(False, False, False, PUBLIC, False, False, False),
    Role.VOLUNTEER: RolePolicy(False, False, False, PUBLIC, False, False, False),
    Role.GRID_WORKER: RolePolicy(True, True, True, SENSITIVE, True, False, True, records_service=True, keeps_shop=True),
    Role.COMMUNITY_WORKER: RolePolicy(True, True, True, SENSITIVE, True, True, True, records_service=True, keeps_shop=True),
    Role.SOCIAL_WORKER: RolePolicy(True, True, True, RESTRICTED, False, False, False, records_service=True),
    Role.ORG_ADMIN: RolePolicy(True, False, False, PUBLIC, False, False, False, records_service=True),
    Role.STREET_OFFICER: RolePolicy(True, True, False, SENSITIVE, False, True, False),
    Role.DISTRICT_OFFICER: RolePolicy(True, True, False, SENSITIVE, False, True, False),
    Role.PLATFORM_ADMIN: RolePolicy(True, False, False, PUBLIC, False, True, False),
}
