"""The public verification page of certificates (no login), mounted at ``/verify/``."""

from django.urls import path

from linli.records import verify_views as views

app_name = "verify"

urlpatterns = [
    path("", views.verify_form, name="form"),
    path("<str:code>/", views.verify_result, name="result"),
]
