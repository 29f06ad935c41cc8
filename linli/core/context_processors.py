from linli.accounts.roles import Role
from linli.accounts.scoping import scope_for


def capabilities(scope) -> dict[str, bool]:
    """What the menu and the buttons may offer, from the same scope (built from ``accounts.roles.POLICIES``)
    the views check: a link is shown only when the page behind it answers for this user."""
    return {
        "residents": bool(scope.resident_paths),
        "demand_queue": bool(scope.resident_paths or scope.organisation_ids),
        "record_demand": bool(scope.resident_paths),  # demands.views.record
        "import_sweep": bool(scope.import_paths),  # demands.importing.can_import
        "import_residents": bool(scope.import_paths),
        "regions": bool(scope.paths),
        "service_records": bool(scope.record_paths),  # records.permissions
        "keep_shop": bool(scope.shop_paths),  # records.permissions.shopkeeper_paths
        "volunteer": Role.VOLUNTEER in scope.roles,
    }


def linli(request):
    user = getattr(request, "user", None)
    scope = scope_for(user) if user is not None else None
    return {"scope": scope, "can": capabilities(scope) if scope is not None else {}}
