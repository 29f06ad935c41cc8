"""Who records service: the organising unit (谁组织谁记录，谁记录谁证明). A residents' committee
records through its community and grid workers and social workers; an organisation through its
admins. Each may record, confirm and certify only inside their own region; who does what is the
roles table (``accounts.roles``: ``records_service``, ``keeps_shop``), read through the scope."""

from __future__ import annotations

from linli.accounts.scoping import scope_for


def recorder_paths(user) -> tuple[str, ...]:
    return scope_for(user).record_paths


def shopkeeper_paths(user) -> tuple[str, ...]:
    """The communities whose 爱心铺 the user keeps (a grid worker keeps their grid's community's)."""
    return scope_for(user).shop_paths


def recorder_covers(user, path: str) -> bool:
    return scope_for(user).covers(path, scope_for(user).record_paths)


def shopkeeper_covers(user, path: str) -> bool:
    return scope_for(user).covers(path, scope_for(user).shop_paths)
