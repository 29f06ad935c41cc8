"""The Content-Security-Policy header (Django 5.2 has none built in).

``settings.CONTENT_SECURITY_POLICY`` allows scripts, styles and images from Linli's own origin only,
nothing inline: the templates carry no ``<script>`` body, ``<style>``, ``style=`` or ``on…=``
attribute (the behaviour lives in ``static/linli/js/``), so an injected one would not run.
Django's debug pages, which are all inline, go without the header when ``DEBUG`` is on.
"""

from __future__ import annotations

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and not settings.DEBUG and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
