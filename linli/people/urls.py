from django.urls import path

from linli.people import io_views, views

app_name = "people"

urlpatterns = [
    path("", views.resident_list, name="list"),
    path("<int:pk>/", views.resident_detail, name="detail"),
    path("<int:pk>/reveal/", views.resident_reveal, name="reveal"),
    path("import/", io_views.import_upload, name="import"),
    path("import/template.<str:fmt>", io_views.import_template, name="import_template"),
    path("import/jobs/<int:pk>/", io_views.import_job, name="import_job"),
    path("export.xlsx", io_views.export_xlsx, name="export"),
]
