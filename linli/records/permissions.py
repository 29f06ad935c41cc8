"""Who records service: the organising unit (谁组织谁记录，谁记录谁证明). A residents' committee
records through its community and grid workers and social workers; an organisation through its
admins. Each may record, confirm and certify only inside their own region."""

from __future__ import annotations

from linli.accounts.roles import Role
from linli.accounts.scoping import minimal_paths
from linli.regions.models import SEGMENT

RECORDER_ROLES = frozenset({Role.COMMUNITY_WORKER, Role.GRID_WORKER, Role.SOCIAL_WORKER, Role.ORG_ADMIN})
#: Roles that keep the community's 爱心铺 (stock, donations, pickups).
SHOPKEEPER_ROLES = frozenset({Role.COMMUNITY_WORKER, Role.GRID_WORKER})


def _paths(user, roles) -> tuple[str, ...]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cache = getattr(user, "_linli_role_paths", None)
    if cache is None:
        cache = list(user.memberships.filter(active=True, region__isnull=False).values_list("role", "region__path"))
        user._linli_role_paths = cache
    return minimal_paths({path for role, path in cache if role in roles})


def recorder_paths(user) -> tuple[str, ...]:
    return _paths(user, RECORDER_ROLES)


def shopkeeper_paths(user) -> tuple[str, ...]:
    return _paths(user, SHOPKEEPER_ROLES)


def recorder_covers(user, path: str) -> bool:
    return any(path.startswith(p) for p in recorder_paths(user))


def shopkeeper_covers(user, path: str) -> bool:
    """A community's shop is kept by its community workers and by the grid workers of its grids."""
    return any(path.startswith(p[: 3 * SEGMENT]) for p in shopkeeper_paths(user))
