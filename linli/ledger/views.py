"""Pages of the ledgers: the volunteer's hours, points and coins on a phone; the community's books
with their trial balance and consistency check; exports to xlsx and the time-bank JSON."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from linli.core.errors import DomainError
from linli.core.xlsx import xlsx_response
from linli.ledger import selectors as sel
from linli.ledger import services
from linli.ledger.models import AccountKind, Ledger
from linli.ledger.units import minutes_from_hours
from linli.privacy.identifiers import mask_name
from linli.supply.selectors import volunteer_of


@login_required
@require_GET
def mine(request):
    """The volunteer's hours (never spent), points (for the shop) and time-bank coins, with history."""
    from linli.records.selectors import my_records

    volunteer = volunteer_of(request.user)
    if volunteer is None:
        return redirect("volunteers:register")
    return render(request, "ledger/mine.html", {
        "wallet": sel.wallet(volunteer), "entries": list(sel.history(volunteer, limit=30)),
        "records": list(my_records(request.user)[:50]), "family": list(services.family_of(volunteer)),
        "certificates": list(volunteer.hour_certificates.order_by("-id")[:5]),
    })


@login_required
@require_POST
def gift(request):
    try:
        services.coins_gift(user=request.user, to_resident_id=int(request.POST.get("to") or 0),
                            minutes=minutes_from_hours(request.POST.get("hours", "")))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Coins given. They can be used for services only."))
    return redirect("ledger:mine")


def _require_books(user) -> tuple[str, ...]:
    paths = sel.book_paths(user)
    if not paths:
        raise Http404
    return paths


@login_required
@require_GET
def books(request):
    """The community's ledgers: trial balance (always zero), the consistency check, top holders."""
    whole = sel.covers_whole_tree(_require_books(request.user))
    rows = []
    for ledger in Ledger:
        accounts = sel.accounts_in(request.user, ledger=ledger.value)
        by_kind = [(AccountKind(kind).label, total) for kind, total in
                   accounts.order_by("kind").values("kind").annotate(total=Sum("balance")).values_list("kind", "total")]
        top = accounts.filter(kind="volunteer").order_by("-balance")[:5]
        # the sums over the user's own area; zero only over the whole tree (transfers cross areas)
        trial = sel.trial_balance_in(request.user, ledger=ledger.value)
        trial["balanced"] = trial["entries"] == trial["balances"] and (not whole or trial["entries"] == 0)
        rows.append({"ledger": ledger, "trial": trial, "whole": whole, "by_kind": by_kind,
                     "top": [(mask_name(a.volunteer.name), a) for a in top]})
    from linli.accounts.scoping import path_q
    from linli.ledger.models import PointRule
    from linli.records.permissions import recorder_paths
    from linli.records.selectors import open_corrections, unit_records

    return render(request, "ledger/books.html", {
        "rules": list(PointRule.objects.filter(path_q("path", sel.book_paths(request.user))).select_related("item", "region")),
        "may_add_rule": bool(recorder_paths(request.user)), "rows": rows, "problems": services.ledger_check() if request.GET.get("check") else None,
        "overdue": unit_records(request.user, overdue=True).count(), "corrections": open_corrections(request.user).count(),
        "ledgers": Ledger,
    })


@login_required
@require_POST
def add_rule(request):
    """A new points rule for the recorder's area, from a date (rules are never edited once used)."""
    import datetime as dt

    from linli.records.permissions import recorder_paths
    from linli.regions.models import Region

    paths = recorder_paths(request.user)
    if not paths:
        raise Http404
    try:
        valid_from = dt.date.fromisoformat(request.POST.get("valid_from", ""))
        per_hour, per_record = (int(request.POST.get(f) or 0) for f in ("per_hour", "per_record"))
    except ValueError:
        messages.error(request, _("Give whole numbers of points and the date as YYYY-MM-DD."))
        return redirect("ledger:books")
    try:
        services.rule_create(user=request.user, region=Region.objects.get(path=paths[0]), name=request.POST.get("name", ""),
                             per_hour=per_hour, per_record=per_record, valid_from=valid_from)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Points rule added."))
    return redirect("ledger:books")


@login_required
@require_GET
def export_xlsx(request):
    _require_books(request.user)
    ledger = request.GET.get("ledger", "")
    if ledger not in Ledger.values:
        raise Http404
    rows = ((e.transfer_id, timezone.localtime(e.transfer.created_at).strftime("%Y-%m-%d %H:%M"), e.transfer.kind,
             e.account.code, e.amount, e.transfer.memo, e.transfer.source)
            for e in sel.entries_in(request.user, ledger=ledger).iterator(chunk_size=2000))
    headers = [_("Transfer"), _("Time"), _("Kind"), _("Account"), _("Amount"), _("Memo"), _("Source")]
    return xlsx_response(f"linli-{ledger}-{timezone.localdate():%Y%m%d}.xlsx", [(str(Ledger(ledger).label), headers, rows)])


@login_required
@require_GET
def timebank_json(request):
    paths = _require_books(request.user)
    document = sel.timebank_document(request.user, bank=",".join(paths) or "all")
    response = HttpResponse(json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="linli-timebank-{timezone.localdate():%Y%m%d}.json"'
    return response
