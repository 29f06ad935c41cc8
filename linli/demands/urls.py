from django.urls import path

from linli.demands import contact_views, io_views, public, views

app_name = "demands"

urlpatterns = [
    # residents (also without an account)
    path("serve/", public.serve, name="serve"),
    path("track/", public.track, name="track"),
    path("track/mobile/", public.track_mobile, name="track_mobile"),
    path("track/<str:tracking>/", public.track_detail, name="track_detail"),
    # staff
    path("demands/", views.queue, name="queue"),
    path("demands/bulk/", views.bulk, name="bulk"),
    path("demands/export/", views.export, name="export"),
    path("demands/new/", views.record, name="record"),
    path("demands/new/residents/", views.resident_search, name="resident_search"),
    path("demands/new/suggest/", views.suggest, name="suggest"),
    path("demands/import/", io_views.sweep_import, name="import"),
    path("demands/import/template.xlsx", io_views.sweep_template, name="import_template"),
    path("demands/import/jobs/<int:pk>/", io_views.sweep_import_job, name="import_job"),
    path("demands/<int:pk>/", views.detail, name="detail"),
    path("demands/<int:pk>/transition/", views.transition, name="transition"),
    path("demands/<int:pk>/note/", views.note, name="note"),
    path("demands/<int:pk>/contact/reveal/", contact_views.contact_reveal, name="contact_reveal"),
    path("demands/<int:pk>/contact/link/", contact_views.contact_link, name="contact_link"),
    path("demands/<int:pk>/publication/", views.publication, name="publication"),
]
