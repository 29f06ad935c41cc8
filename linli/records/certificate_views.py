"""The volunteer's certificate (志愿服务记录证明): issue one of every record that counts, download
its PDF, and certify it as the organising unit.

The PDF is for its own volunteer and for the recorders of the volunteer's area; anyone else gets a
404, as for any object outside one's area. What the public may know is on the verification page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from linli.core.errors import DomainError
from linli.records import services
from linli.records.certificates import certificate_pdf
from linli.records.models import Certificate
from linli.records.permissions import recorder_covers
from linli.records.verify_views import normalise


def _certificate(code: str) -> Certificate:
    certificate = (Certificate.objects.select_related("volunteer__region", "volunteer__user")
                   .filter(code=normalise(code)).first())
    if certificate is None:
        raise Http404
    return certificate


def _may_read(user, certificate: Certificate) -> bool:
    volunteer = certificate.volunteer
    return (volunteer.user_id is not None and volunteer.user_id == user.pk) or recorder_covers(user, volunteer.region.path)


def _back(request):
    """Where the form was posted from (a page of this site), else the volunteer's hours."""
    target = request.POST.get("next") or request.META.get("HTTP_REFERER", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    try:
        return redirect(reverse("ledger:mine"))
    except NoReverseMatch:
        return redirect("volunteers:me")


@login_required
@require_POST
def issue(request):
    """A new certificate of every record that counts, then its PDF."""
    try:
        certificate = services.certificate_issue(user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _back(request)
    return redirect("certificates:download", code=certificate.code)


@never_cache
@login_required
@require_GET
def download(request, code: str):
    certificate = _certificate(code)
    if not _may_read(request.user, certificate):
        raise Http404
    # The deployment's public address, never the address this request came in by (an internal
    # host name or 127.0.0.1 would make a QR code nobody else can open).
    public = getattr(settings, "LINLI_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    verify_url = public + reverse("verify:result", args=[certificate.code])
    response = HttpResponse(certificate_pdf(certificate, verify_url=verify_url), content_type="application/pdf")
    # ASCII only: old browsers on office PCs mangle a Chinese file name.
    response["Content-Disposition"] = f'attachment; filename="linli-certificate-{certificate.code}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def certify(request, code: str):
    """The organising unit certifies (证明) the certificate in the name of the unit typed."""
    certificate = _certificate(code)
    if not recorder_covers(request.user, certificate.volunteer.region.path):
        raise Http404
    try:
        services.certificate_certify(user=request.user, certificate=certificate, unit=request.POST.get("unit", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Certified. The certificate now names your unit."))
    return redirect("verify:result", code=certificate.code)
