"""``/api/me/wallet``, ``/api/ledger/…``: balances and history, gifts and spending of time-bank
coins, points bonuses and rules, the trial balance, the consistency check and the time-bank export.
Amounts are integers: minutes for hours and coins, whole points for points."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from linli.core.api_support import Id, Minutes, Points, PointsOrZero, caller, responses
from linli.core.errors import DomainError
from linli.ledger import selectors as sel
from linli.ledger import services
from linli.ledger.models import Account, Ledger
from linli.regions.selectors import region_for_input
from linli.supply.selectors import volunteer_required

router = Router(tags=["ledgers"])


class WalletOut(Schema):
    hours_minutes: int = Field(description="Certified service hours, in minutes (never spent).")
    points: int = Field(description="Volunteer points, for the shop.")
    coins_minutes: int = Field(description="Time-bank coins, in minutes (60 = one hour of service).")
    stars: int = Field(description="Star level 0–5 from certified hours.")
    next_star_hours: int | None = Field(description="Hours still needed for the next star; null at five stars.")


class EntryOut(Schema):
    id: int = Field(description="Entry id.")
    transfer: int = Field(description="The transfer it belongs to.")
    ledger: str = Field(description="hours, points or coins.")
    kind: str = Field(description="record, issue, bonus, redeem, spend, gift, donate or reversal.")
    amount: int = Field(description="Minutes or points; positive in, negative out.")
    memo: str = Field(description="What it was for.")
    created_at: dt.datetime = Field(description="When.")


class GiftIn(Schema):
    to: Id = Field(description="Resident id of a member of the volunteer's household.")
    minutes: Minutes = Field(description="Coins to give, in minutes.")


class TransferOut(Schema):
    id: int = Field(description="Transfer id.")
    ledger: str = Field(description="hours, points or coins.")
    kind: str = Field(description="Kind of movement.")


class SpendIn(Schema):
    account: str = Field(description="Account code of the payer, e.g. coins:v12 or coins:r7.")
    minutes: Minutes = Field(description="Coins, in minutes.")
    item: str = Field(description="4-digit code of the service received (coins pay for services only).")
    note: str = Field("", description="Optional note.")


class BonusIn(Schema):
    volunteer: Id = Field(description="Volunteer id.")
    points: Points = Field(description="Points to award from the community fund.")
    reason: str = Field(description="Why; the volunteer reads it.")


class RuleIn(Schema):
    region: str = Field(description="Region code the rule applies to (and below).")
    name: str = Field(description="Name of the rule.")
    per_hour: PointsOrZero = Field(0, description="Points per hour of confirmed service.")
    per_record: PointsOrZero = Field(0, description="Points per confirmed service.")
    item: str | None = Field(None, description="Only for this 4-digit service item; null for all.")
    valid_from: dt.date = Field(description="First day.")
    valid_until: dt.date | None = Field(None, description="Last day; null for open-ended.")


class RuleOut(Schema):
    id: int = Field(description="Rule id.")
    name: str = Field(description="Name.")
    per_hour: int = Field(description="Points per hour.")
    per_record: int = Field(description="Points per service.")
    valid_from: dt.date = Field(description="First day.")
    valid_until: dt.date | None = Field(description="Last day.")


class TrialOut(Schema):
    ledger: str = Field(description="hours, points or coins.")
    entries: int = Field(description="Sum of the entries of the accounts in the caller's area (0 for the whole platform).")
    balances: int = Field(description="Sum of their cached balances: always equal to `entries`.")
    accounts: int = Field(description="Number of accounts in the caller's area.")


class ProblemOut(Schema):
    account: str | None = Field(None, description="Account whose cached balance differs from its entries.")
    transfer: int | None = Field(None, description="Transfer whose entries do not sum to zero.")
    balance: int | None = Field(None, description="The cached balance.")
    entries: int = Field(description="The sum of the entries.")


class LedgerQuery(Schema):
    ledger: str | None = Field(None, description="hours, points or coins; all when omitted.")


@router.get("/me/wallet", response=responses({200: WalletOut}, errors=(400, 401)), summary="My hours, points and coins")
def my_wallet(request):
    return sel.wallet(volunteer_required(caller(request)))


@router.get("/me/entries", response=responses({200: list[EntryOut]}, errors=(400, 401, 422)),
            summary="My latest ledger entries")
def my_entries(request, query: Query[LedgerQuery]):
    volunteer = volunteer_required(caller(request))
    if query.ledger and query.ledger not in Ledger.values:
        raise DomainError("ledger_unknown", _("Unknown ledger"), field="ledger")
    return [{"id": e.pk, "transfer": e.transfer_id, "ledger": e.account.ledger, "kind": e.transfer.kind,
             "amount": e.amount, "memo": e.transfer.memo, "created_at": e.transfer.created_at}
            for e in sel.history(volunteer, ledger=query.ledger, limit=200)]


@router.post("/me/coins/gift", response=responses({201: TransferOut}, errors=(400, 401, 422)),
             summary="Give time-bank coins to a member of my household")
def gift(request, payload: GiftIn):
    return Status(201, services.coins_gift(user=caller(request), to_resident_id=payload.to, minutes=payload.minutes))


@router.post("/ledger/coins/spend", response=responses({201: TransferOut}, errors=(400, 401, 404, 422)),
             summary="Pay for a service received with time-bank coins")
def spend(request, payload: SpendIn):
    from linli.catalog.models import ServiceItem

    user = caller(request)
    account = Account.objects.select_related("volunteer", "resident", "region").filter(code=payload.account).first()
    if account is None:
        raise Http404
    item = ServiceItem.objects.filter(code=payload.item, active=True).first()
    return Status(201, services.coins_spend(user=user, account=account, minutes=payload.minutes, item=item, note=payload.note))


@router.post("/ledger/bonus", response=responses({201: TransferOut}, errors=(400, 401, 404, 422)),
             summary="Award bonus points from the community fund")
def bonus(request, payload: BonusIn):
    from linli.supply.models import Volunteer

    volunteer = Volunteer.objects.select_related("region").filter(pk=payload.volunteer).first()
    if volunteer is None:
        raise Http404
    return Status(201, services.points_bonus(user=caller(request), volunteer=volunteer, points=payload.points,
                                             reason=payload.reason))


@router.post("/ledger/rules", response=responses({201: RuleOut}, errors=(400, 401, 422)), summary="Add a points rule")
def create_rule(request, payload: RuleIn):
    from linli.catalog.models import ServiceItem

    user = caller(request)
    item = None
    if payload.item:
        item = ServiceItem.objects.filter(code=payload.item, active=True).first()
        if item is None:
            raise DomainError("item_unknown", _("Unknown service item"), field="item")
    return Status(201, services.rule_create(
        user=user, region=region_for_input(user=user, code=payload.region), name=payload.name, per_hour=payload.per_hour,
        per_record=payload.per_record, valid_from=payload.valid_from, valid_until=payload.valid_until, item=item))


@router.get("/ledger/trial-balance", response=responses({200: list[TrialOut]}, errors=(401, 404)),
            summary="The trial balance of each ledger over the caller's area")
def trial(request):
    """Whole-platform sums (always zero) only for a caller whose area is the whole tree; otherwise
    the sums over the accounts in the caller's area."""
    if not sel.book_paths(caller(request)):
        raise Http404
    user = caller(request)
    return [{"ledger": ledger, **sel.trial_balance_in(user, ledger=ledger)} for ledger in Ledger.values]


@router.get("/ledger/check", response=responses({200: list[ProblemOut]}, errors=(401, 404)),
            summary="Accounts and transfers that do not add up (empty when the books are consistent)")
def check(request):
    if not sel.book_paths(caller(request)):
        raise Http404
    return services.ledger_check()


@router.get("/ledger/timebank-export", response=responses({200: dict}, errors=(401, 404)),
            summary="Time-bank balances for interchange with a city-wide time bank (docs/timebank-export.md)")
def timebank_export(request):
    user = caller(request)
    paths = sel.book_paths(user)
    if not paths:
        raise Http404
    return sel.timebank_document(user, bank=",".join(paths) or "all")
