"""Response headers that keep personal data out of caches.

Every page, download (exports, certificates) and API answer for an authenticated caller shows data
of one user's area, and the public tracking and certificate pages show a resident's or volunteer's
own data: none of it may be kept by the browser's cache, a shared proxy or the back/forward cache
of a public computer. :class:`NoStoreMiddleware` marks all of them ``Cache-Control: no-store``,
unless the view set a cache policy of its own (then it knows better). Anonymous public pages that
show nothing personal (the login page, the service menu, static files served by WhiteNoise before
this middleware) keep their ordinary caching.
"""

from __future__ import annotations

from django.utils.cache import patch_cache_control

#: URL names (``namespace:name``) of public pages that show one person's data without a login.
PUBLIC_PERSONAL_PAGES = frozenset({
    "demands:serve",
    "demands:track",
    "demands:track_detail",
    "verify:form",
    "verify:result",
})


def shows_personal_data(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    if getattr(request, "auth", None) is not None or "Authorization" in request.headers:
        return True  # an API call with credentials (the bearer token sets request.user too)
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in PUBLIC_PERSONAL_PAGES


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response that may show personal data (see the module
    docstring). Goes after ``AuthenticationMiddleware`` in ``MIDDLEWARE``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and shows_personal_data(request):
            patch_cache_control(response, no_store=True)
        return response
