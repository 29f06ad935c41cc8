"""Writes to the ledgers: every movement goes through :func:`transfer_post`.

``transfer_post`` checks that the amounts are whole, non-zero and sum to zero, that every account
is in the transfer's ledger, then, in one transaction, writes the transfer and its entries and
moves each cached balance with a conditional UPDATE (``WHERE balance >= amount`` for a holder
paying, ``WHERE balance <= cap - amount`` for a capped account receiving). If any condition fails
nothing is written. Accounts are updated in id order, so two transfers touching the same accounts
never deadlock on PostgreSQL; callers that lock other rows too lock them *before* the accounts
(e.g. the shop: the item, then the accounts). ``transfer_post`` and ``coins_issue`` run in
``atomic_retry``: on their own they are run again after a deadlock or a dropped connection; inside
a caller's transaction the caller's ``atomic_retry`` does that.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _

from linli.core.db import atomic_retry
from linli.core.errors import DomainError, interpolate
from linli.ledger.models import (
    HOLDER_KINDS,
    Account,
    AccountKind,
    Entry,
    Ledger,
    PointRule,
    Transfer,
    TransferKind,
)
from linli.regions.models import SEGMENT, Region

#: Hours and coins are kept in minutes.
MINUTES_LEDGERS = (Ledger.HOURS, Ledger.COINS)


def community_path(path: str) -> str:
    return path[: 3 * SEGMENT]


def check_amount(value, *, field: str = "amount") -> int:
    """A positive whole number, or a translated refusal naming ``field``."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        else:
            raise DomainError("amount_invalid", _("Give a whole number greater than zero"), field=field)
    if value <= 0:
        raise DomainError("amount_invalid", _("Give a whole number greater than zero"), field=field)
    return value


# --- accounts ------------------------------------------------------------------------------------


def _get_or_create(code: str, **fields) -> Account:
    account = Account.objects.filter(code=code).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(code=code, **fields)
    except IntegrityError:  # made by a concurrent request a moment ago
        return Account.objects.get(code=code)


def _cap(ledger: str) -> int | None:
    return settings.TIMEBANK_CAP_HOURS * 60 if ledger == Ledger.COINS else None


def volunteer_account(volunteer, ledger: str) -> Account:
    return _get_or_create(f"{ledger}:v{volunteer.pk}", ledger=ledger, kind=AccountKind.VOLUNTEER,
                          region_id=volunteer.region_id, path=volunteer.region.path, volunteer=volunteer,
                          cap=_cap(ledger))


def resident_account(resident) -> Account:
    """A resident's time-bank account: coins given by a volunteer of the family, spent on services."""
    return _get_or_create(f"coins:r{resident.pk}", ledger=Ledger.COINS, kind=AccountKind.PERSON,
                          region_id=resident.region_id, path=resident.region.path, resident=resident,
                          cap=_cap(Ledger.COINS))


def system_account(ledger: str, kind: str, region: Region) -> Account:
    """The community's issuer, shop, services or donated-time account of a ledger."""
    path = community_path(region.path)
    if path != region.path:
        region = Region.objects.get(path=path)
    return _get_or_create(f"{ledger}:{kind}:{path}", ledger=ledger, kind=kind, region=region, path=path)


# --- posting ------------------------------------------------------------------------------------


def _merge(lines) -> list[tuple[Account, int]]:
    by_pk: dict[int, list] = {}
    for account, amount in lines:
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise DomainError("amount_invalid", _("Give a whole number greater than zero"), field="amount")
        if account.pk in by_pk:
            by_pk[account.pk][1] += amount
        else:
            by_pk[account.pk] = [account, amount]
    return sorted(((a, n) for a, n in by_pk.values() if n != 0), key=lambda line: line[0].pk)


def transfer_post(*, ledger: str, kind: str, lines, memo: str = "", source: str = "", data: dict | None = None,
                  created_by=None, reverses: Transfer | None = None) -> Transfer:
    """Post one balanced movement; all of it or none of it."""
    lines = _merge(lines)
    if len(lines) < 2 or sum(n for _a, n in lines) != 0:
        raise DomainError("unbalanced", _("A transfer needs two or more entries that sum to zero"))
    if any(a.ledger != ledger for a, _n in lines):
        raise DomainError("ledger_mixed", _("Units never move from one ledger to another"))
    if ledger == Ledger.HOURS and kind != TransferKind.REVERSAL and any(
            n < 0 and a.kind in HOLDER_KINDS for a, n in lines):
        raise DomainError("hours_not_spendable", _("Recorded service hours are never spent or transferred"))
    return _post(ledger=ledger, kind=kind, lines=lines, memo=memo, source=source, data=data, created_by=created_by,
                 reverses=reverses)


@atomic_retry
def _post(*, ledger, kind, lines, memo, source, data, created_by, reverses) -> Transfer:
    transfer = Transfer.objects.create(ledger=ledger, kind=kind, memo=memo[:200], source=source, data=data or {},
                                       created_by=created_by, reverses=reverses)
    Entry.objects.bulk_create([Entry(transfer=transfer, account=a, amount=n) for a, n in lines])
    for account, amount in lines:  # in id order (``_merge``)
        q = Q(pk=account.pk)
        if amount < 0 and account.kind in HOLDER_KINDS:
            q &= Q(balance__gte=-amount)
        if amount > 0 and account.cap is not None:
            q &= Q(balance__lte=F("cap") - amount)
        if Account.objects.filter(q).update(balance=F("balance") + amount) != 1:
            _refuse(account, amount)
    return transfer


def _refuse(account: Account, amount: int):
    if amount < 0:
        if account.ledger == Ledger.POINTS:
            raise DomainError("insufficient_points", _("Not enough points"))
        raise DomainError("insufficient_coins", _("Not enough time-bank coins"))
    raise DomainError("over_cap", interpolate(_("This would take the account over its limit of %(hours)s hours"),
                                              {"hours": settings.TIMEBANK_CAP_HOURS}))


def transfer_reverse(*, transfer: Transfer, created_by=None, memo: str = "", spent_ok: bool = False) -> Transfer | None:
    """Post the mirror image of ``transfer`` (at most once). With ``spent_ok``, a holder who has
    already spent some of what they received gives back only what they still hold (points or coins
    spent in good faith are not clawed back) and the issuer takes back that much less; the rest
    (e.g. coins that went to donated time above the cap) is reversed in full. ``None`` when
    nothing is left to give back."""
    entries = list(transfer.entries.select_related("account"))
    lines = [(e.account, -e.amount) for e in entries]
    if spent_ok:
        holder = next((a for a, n in lines if n < 0 and a.kind in HOLDER_KINDS), None)
        if holder is not None:
            holder.refresh_from_db(fields=["balance"])
            short = max(0, -dict((a.pk, n) for a, n in lines)[holder.pk] - holder.balance)
            adjusted, left = [], short
            for account, amount in lines:
                if account.pk == holder.pk:
                    amount += short
                elif amount > 0 and left:
                    cut = min(amount, left)
                    amount, left = amount - cut, left - cut
                if amount:
                    adjusted.append((account, amount))
            if len(adjusted) < 2:
                return None
            lines = adjusted
    try:
        return transfer_post(ledger=transfer.ledger, kind=TransferKind.REVERSAL, lines=lines, reverses=transfer,
                             memo=memo or f"reverses #{transfer.pk}", source=transfer.source, created_by=created_by,
                             data={"reversed": transfer.pk})
    except IntegrityError:
        raise DomainError("already_reversed", _("This has already been reversed")) from None


# --- reads that must be exact ---------------------------------------------------------------------


def trial_balance(ledger: str, *, path: str = "") -> dict[str, int]:
    """The sum of every entry and of every cached balance in a ledger: both are always zero."""
    accounts = Account.objects.filter(ledger=ledger)
    entries = Entry.objects.filter(transfer__ledger=ledger)
    if path:
        accounts = accounts.filter(path__startswith=path)
        entries = entries.filter(account__path__startswith=path)
    return {
        "entries": entries.aggregate(s=Sum("amount"))["s"] or 0,
        "balances": accounts.aggregate(s=Sum("balance"))["s"] or 0,
        "accounts": accounts.count(),
    }


def ledger_check(*, ledger: str | None = None) -> list[dict]:
    """Accounts whose cached balance differs from the sum of their entries, and transfers whose
    entries do not sum to zero; an empty list means the books are consistent."""
    sums = defaultdict(int)
    entries = Entry.objects.all() if ledger is None else Entry.objects.filter(account__ledger=ledger)
    for account_id, total in entries.values("account_id").annotate(total=Sum("amount")).values_list("account_id", "total"):
        sums[account_id] = total
    problems = []
    accounts = Account.objects.all() if ledger is None else Account.objects.filter(ledger=ledger)
    for pk, code, cached in accounts.values_list("pk", "code", "balance"):
        if sums.get(pk, 0) != cached:
            problems.append({"account": code, "balance": cached, "entries": sums.get(pk, 0)})
    transfers = Transfer.objects.all() if ledger is None else Transfer.objects.filter(ledger=ledger)
    for pk, total in transfers.values("pk").annotate(total=Sum("entries__amount")).values_list("pk", "total"):
        if total:
            problems.append({"transfer": pk, "entries": total})
    return problems


# --- points ---------------------------------------------------------------------------------------


def points_rules(*, path: str, day: dt.date, item_id: int | None):
    ancestors = [path[: i * SEGMENT] for i in range(1, len(path) // SEGMENT + 1)]
    return (PointRule.objects.filter(path__in=ancestors, valid_from__lte=day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
            .filter(Q(item__isnull=True) | Q(item_id=item_id)).order_by("id"))


def points_for(*, path: str, day: dt.date, item_id: int | None, minutes: int) -> tuple[int, list[dict]]:
    """Points a confirmed service of ``minutes`` earns, and the rules that gave them."""
    total, applied = 0, []
    for rule in points_rules(path=path, day=day, item_id=item_id):
        points = rule.per_hour * minutes // 60 + rule.per_record
        if points:
            applied.append({"rule": rule.pk, "name": rule.name, "points": points})
            total += points
    return total, applied


def rule_create(*, user, region: Region, name: str, per_hour: int = 0, per_record: int = 0,
                valid_from: dt.date, valid_until: dt.date | None = None, item=None) -> PointRule:
    from linli.records.permissions import recorder_covers

    if not recorder_covers(user, region.path):
        raise DomainError("region_unknown", _("The region does not exist or is outside your area"), field="region")
    for field, value in (("per_hour", per_hour), ("per_record", per_record)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise DomainError("amount_invalid", _("Give a whole number greater than zero"), field=field)
    if per_hour == 0 and per_record == 0:
        raise DomainError("amount_invalid", _("Give a whole number greater than zero"), field="per_hour")
    if valid_until is not None and valid_until < valid_from:
        raise DomainError("end_before_start", _("The end must be after the start"), field="valid_until")
    return PointRule.objects.create(region=region, path=region.path, name=(name or "").strip()[:80] or str(_("Points rule")),
                                    per_hour=per_hour, per_record=per_record, valid_from=valid_from,
                                    valid_until=valid_until, item=item, created_by=user)


def points_bonus(*, user, volunteer, points, reason: str) -> Transfer:
    """A bonus from the community fund, for a reason the volunteer can read."""
    from linli.records.permissions import recorder_covers

    points = check_amount(points, field="points")
    if not recorder_covers(user, volunteer.region.path):
        raise DomainError("not_found", _("Not found"))
    if not (reason or "").strip():
        raise DomainError("reason_required", _("Give a reason"), field="reason")
    fund = system_account(Ledger.POINTS, AccountKind.ISSUER, volunteer.region)
    return transfer_post(ledger=Ledger.POINTS, kind=TransferKind.BONUS, created_by=user, memo=reason.strip(),
                         lines=[(fund, -points), (volunteer_account(volunteer, Ledger.POINTS), points)])


# --- the time bank --------------------------------------------------------------------------------


def coins_issue(*, volunteer, minutes: int, region: Region, source: str, created_by=None) -> Transfer | None:
    """Coins for a confirmed service; above the storage cap the surplus goes to the community's
    donated-time account (the Nanjing rule), so nothing earned is lost and no account goes over."""
    coins = minutes * settings.TIMEBANK_COINS_PER_HOUR
    if coins <= 0:
        return None
    holder = volunteer_account(volunteer, Ledger.COINS)
    issuer = system_account(Ledger.COINS, AccountKind.ISSUER, region)
    return _issue(holder=holder, issuer=issuer, coins=coins, minutes=minutes, region=region, source=source,
                  created_by=created_by)


@atomic_retry
def _issue(*, holder: Account, issuer: Account, coins: int, minutes: int, region: Region, source: str,
           created_by) -> Transfer:
    # The holder's balance decides the split: lock it, with the issuer, in id order (as transfer_post does).
    locked = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=[holder.pk, issuer.pk]).order_by("pk")}
    holder = locked[holder.pk]
    room = max(0, holder.cap - holder.balance) if holder.cap is not None else coins
    kept = min(coins, room)
    lines = [(locked[issuer.pk], -coins)]
    if kept:
        lines.append((holder, kept))
    if coins > kept:
        lines.append((system_account(Ledger.COINS, AccountKind.DONATED, region), coins - kept))
    return transfer_post(ledger=Ledger.COINS, kind=TransferKind.ISSUE, lines=lines, source=source,
                         created_by=created_by, data={"minutes": minutes, "over_cap": coins - kept})


def family_of(volunteer):
    """The volunteer's household members (their linked resident's household), themself excluded."""
    from linli.people.models import Resident, ResidentStatus

    if volunteer.resident_id is None or volunteer.resident.household_id is None:
        return Resident.objects.none()
    return (Resident.objects.filter(household_id=volunteer.resident.household_id, status=ResidentStatus.ACTIVE)
            .exclude(pk=volunteer.resident_id).select_related("region"))


def coins_gift(*, user, to_resident_id: int, minutes) -> Transfer:
    """A volunteer gives coins to a family member (services only, never goods or cash)."""
    from linli.supply.selectors import volunteer_required

    minutes = check_amount(minutes, field="minutes")
    volunteer = volunteer_required(user)
    member = family_of(volunteer).filter(pk=to_resident_id).first()
    if member is None:
        raise DomainError("not_family", _("Coins can only be given to members of your household"), field="to")
    return transfer_post(ledger=Ledger.COINS, kind=TransferKind.GIFT, created_by=user, memo=str(member.pk),
                         lines=[(volunteer_account(volunteer, Ledger.COINS), -minutes), (resident_account(member), minutes)],
                         source=f"resident:{member.pk}")


def coins_spend(*, user, account: Account, minutes, item, note: str = "") -> Transfer:
    """Coins paid for a service received (recorded by staff of the area, or by the holder)."""
    from linli.records.permissions import recorder_covers

    minutes = check_amount(minutes, field="minutes")
    own = (account.volunteer_id and account.volunteer.user_id == getattr(user, "pk", None)) or (
        account.resident_id and account.resident.user_id == getattr(user, "pk", None))
    if account.ledger != Ledger.COINS or account.kind not in HOLDER_KINDS or not (own or recorder_covers(user, account.path)):
        raise DomainError("not_found", _("Not found"))
    if item is None:
        raise DomainError("service_required", _("Coins are spent on services only: name the service"), field="item")
    sink = system_account(Ledger.COINS, AccountKind.SERVICES, account.region)
    return transfer_post(ledger=Ledger.COINS, kind=TransferKind.SPEND, created_by=user, memo=(note or "")[:200],
                         source=f"item:{item.code}", lines=[(account, -minutes), (sink, minutes)])
