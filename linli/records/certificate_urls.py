"""The volunteer's certificate: issue, download the PDF, certify. Mounted at ``/certificates/``."""

from django.urls import path

from linli.records import certificate_views as views

app_name = "certificates"

urlpatterns = [
    path("issue/", views.issue, name="issue"),
    path("<str:code>.pdf", views.download, name="download"),
    path("<str:code>/certify/", views.certify, name="certify"),
]
