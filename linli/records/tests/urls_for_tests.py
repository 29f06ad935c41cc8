"""The project's URLs plus the certificate pages, until they are mounted in ``linli/urls.py``
(with these same prefixes). Used with ``@pytest.mark.urls("linli.records.tests.urls_for_tests")``;
once the project mounts a namespace itself, it is not added a second time."""

from django.urls import include, path

from linli.urls import urlpatterns as project_urlpatterns

_mounted = {getattr(p, "namespace", None) for p in project_urlpatterns}

urlpatterns = [
    *project_urlpatterns,
    *([path("verify/", include("linli.records.verify_urls"))] if "verify" not in _mounted else []),
    *([path("certificates/", include("linli.records.certificate_urls"))] if "certificates" not in _mounted else []),
]
