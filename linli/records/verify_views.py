"""The public verification page (核验): anyone holding a printed certificate (a school, an employer,
an office) types its code or scans its QR code and sees whether the platform issued it, with the
figures it should show. No login; the volunteer's name is masked (李**), nothing else about them
is shown.

Codes are 12 characters from an alphabet without 0/O and 1/I (32¹² ≈ 10¹⁸ codes), so guessing one
is hopeless even without a rate limit; there is none here. If one is wanted, it belongs in front
of ``/verify/`` (the reverse proxy), not in this view.
"""

from __future__ import annotations

import re

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from linli.ledger.units import hours_text as hours
from linli.privacy.identifiers import mask_name
from linli.records.certificates import TITLE_CERTIFIED, TITLE_PLATFORM, grouped
from linli.records.models import Certificate
from linli.records.permissions import recorder_covers

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
_CODE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
# spaces (also the full-width one), hyphens and dashes people type or copy between the groups
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—－_.·]+")


def normalise(raw: str | None) -> str:
    """What a person typed (``abcd-efgh jklm``) as a code (``ABCDEFGHJKLM``); full-width letters
    from a Chinese input method count as their ASCII selves."""
    text = (raw or "").strip()
    text = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text)
    return _SEPARATORS.sub("", text).upper()


def well_formed(code: str) -> bool:
    return bool(_CODE.fullmatch(code))


@require_GET
def verify_form(request):
    """The form (GET ``?code=``): a well-formed code goes on to its result page."""
    raw = request.GET.get("code", "")
    error = ""
    if raw.strip():
        code = normalise(raw)
        if well_formed(code):
            return redirect("verify:result", code=code)
        error = _("A verification code has 12 letters and digits, for example ABCD EFGH JKLM.")
    return render(request, "records/verify.html", {"code": raw, "error": error, "searched": False})


@require_GET
def verify_result(request, code: str):
    clean = normalise(code)
    if clean != code and well_formed(clean):
        return redirect("verify:result", code=clean)
    certificate = None
    if well_formed(clean):
        certificate = Certificate.objects.select_related("volunteer__region").filter(code=clean).first()
    if certificate is None:
        return render(request, "records/verify.html", {"code": code, "searched": True, "certificate": None},
                      status=404)
    volunteer = certificate.volunteer
    user = request.user
    context = {
        "code": clean, "searched": True, "certificate": certificate, "grouped": grouped(certificate.code),
        "title": TITLE_CERTIFIED if certificate.certified else TITLE_PLATFORM,
        "masked_name": mask_name(volunteer.name), "hours": hours(certificate.minutes),
        "is_owner": user.is_authenticated and volunteer.user_id == user.pk,
        "can_certify": False, "is_recorder": False, "unit_suggestion": "",
    }
    if user.is_authenticated and recorder_covers(user, volunteer.region.path):
        context["is_recorder"] = True
        context["can_certify"] = not certificate.certified
        units = {r.get("unit", "") for r in certificate.snapshot}
        context["unit_suggestion"] = units.pop() if len(units) == 1 else ""
    return render(request, "records/verify.html", context)
