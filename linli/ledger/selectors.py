"""Reads of the ledgers: a volunteer's wallet and history, a region's books, the time-bank export.

A balance is read from the account's cached ``balance`` (one row by primary key), so looking it up
costs the same with ten thousand entries as with ten million (``bench/ledger.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet, Sum
from django.utils import timezone

from linli.accounts.scoping import path_q, scope_for
from linli.ledger.models import Account, AccountKind, Entry, Ledger
from linli.records.permissions import recorder_paths

#: Version of the time-bank interchange document (docs/timebank-export.md).
TIMEBANK_EXPORT_VERSION = "linli-timebank/1"


@dataclass(frozen=True)
class Wallet:
    volunteer: object
    hours_minutes: int
    points: int
    coins_minutes: int
    stars: int
    next_star_hours: int | None


def wallet(volunteer) -> Wallet:
    from linli.records.services import next_star, star_level

    balances = dict(Account.objects.filter(volunteer=volunteer).values_list("ledger", "balance"))
    hours = balances.get(Ledger.HOURS, 0)
    return Wallet(volunteer=volunteer, hours_minutes=hours, points=balances.get(Ledger.POINTS, 0),
                  coins_minutes=balances.get(Ledger.COINS, 0), stars=star_level(hours), next_star_hours=next_star(hours))


def history(volunteer, *, ledger: str | None = None, limit: int = 50) -> list[Entry]:
    """The volunteer's latest entries, newest first, with the transfer that made each.

    Each of the (at most three) accounts is read newest first from the (account, -id) index and
    the pieces merged: one query over all the accounts at once let PostgreSQL walk the whole
    entries table backwards (1.7 s for a newcomer at ten million entries, ``bench/ledger.py``)."""
    accounts = Account.objects.filter(volunteer=volunteer)
    if ledger:
        accounts = accounts.filter(ledger=ledger)
    ids: list[int] = []
    for account_id in accounts.values_list("pk", flat=True):
        ids += Entry.objects.filter(account_id=account_id).order_by("-id").values_list("pk", flat=True)[:limit]
    newest = sorted(ids, reverse=True)[:limit]
    return list(Entry.objects.filter(pk__in=newest).select_related("transfer", "account").order_by("-id"))


def book_paths(user) -> tuple[str, ...]:
    """Where the user may read the books: recorders of their area, and street and district officers."""
    scope = scope_for(user)
    return tuple(sorted(set(recorder_paths(user)) | set(scope.resident_paths)))


def covers_whole_tree(paths: tuple[str, ...]) -> bool:
    """True when ``paths`` cover every root of the region tree (a superuser, or an officer of the
    only district)."""
    from linli.regions.models import Region

    if "" in paths:
        return True
    roots = list(Region.objects.filter(parent__isnull=True).values_list("path", flat=True))
    return bool(paths) and all(any(root.startswith(p) for p in paths) for root in roots)


def trial_balance_in(user, *, ledger: str) -> dict[str, int]:
    """The trial balance of the accounts in the user's books (``book_paths``): the sum of their
    entries and of their cached balances, which are equal. Only for a user whose books cover the
    whole tree is it the platform's balance, where both sums are zero; a community worker never
    learns the totals of the communities next door."""
    paths = book_paths(user)
    accounts = Account.objects.filter(ledger=ledger)
    entries = Entry.objects.filter(account__ledger=ledger)
    if not covers_whole_tree(paths):
        accounts = accounts.filter(path_q("path", paths))
        entries = entries.filter(path_q("account__path", paths))
    return {
        "entries": entries.aggregate(s=Sum("amount"))["s"] or 0,
        "balances": accounts.aggregate(s=Sum("balance"))["s"] or 0,
        "accounts": accounts.count(),
    }


def accounts_in(user, *, ledger: str | None = None) -> QuerySet[Account]:
    qs = Account.objects.filter(path_q("path", book_paths(user)))
    if ledger:
        qs = qs.filter(ledger=ledger)
    return qs.select_related("volunteer", "resident", "region")


def entries_in(user, *, ledger: str) -> QuerySet[Entry]:
    return (Entry.objects.filter(path_q("account__path", book_paths(user)), account__ledger=ledger)
            .select_related("transfer", "account").order_by("id"))


def timebank_document(user, *, bank: str) -> dict:
    """The time-bank balances of the user's area as a JSON-ready document (docs/timebank-export.md).
    Accounts are named by their stable code; people by a code that is not an ID number."""
    accounts = accounts_in(user, ledger=Ledger.COINS).filter(kind__in=(AccountKind.VOLUNTEER, AccountKind.PERSON,
                                                                        AccountKind.DONATED)).order_by("code")
    rows = []
    for a in accounts:
        holder = (f"volunteer:{a.volunteer_id}" if a.volunteer_id else f"resident:{a.resident_id}" if a.resident_id
                  else f"community:{a.path}")
        rows.append({"account": a.code, "holder": holder, "kind": a.kind, "region": a.path,
                     "balance_minutes": a.balance, "balance_hours": round(a.balance / 60, 2), "cap_minutes": a.cap})
    return {"format": TIMEBANK_EXPORT_VERSION, "bank": bank, "exported_at": timezone.now().isoformat(),
            "unit": "minute", "coin_minutes": 60, "accounts": rows,
            "total_minutes": sum(r["balance_minutes"] for r in rows)}
