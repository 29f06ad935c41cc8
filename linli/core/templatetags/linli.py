"""Small template helpers shared by every page: role labels and region-level labels."""

from __future__ import annotations

from django import template

from linli.accounts.roles import Role

register = template.Library()

# Most senior role first: the top bar names the role a user mostly acts in.
ROLE_ORDER = [
    Role.PLATFORM_ADMIN, Role.DISTRICT_OFFICER, Role.STREET_OFFICER, Role.COMMUNITY_WORKER,
    Role.SOCIAL_WORKER, Role.GRID_WORKER, Role.ORG_ADMIN, Role.VOLUNTEER, Role.RESIDENT,
]


@register.filter
def role_labels(scope) -> str:
    """The user's roles, most senior first, as one translated string."""
    if scope is None:
        return ""
    return " · ".join(str(role.label) for role in ROLE_ORDER if role in scope.roles)


@register.filter
def has_role(scope, role: str) -> bool:
    return scope is not None and role in scope.roles


@register.filter
def field_label(name: str) -> str:
    """The translated label of a revealable identifier field ("id_number" → "ID number")."""
    from linli.people.services import REVEALABLE_FIELDS

    label = REVEALABLE_FIELDS.get(name)
    return str(label) if label is not None else name
