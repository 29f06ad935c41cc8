from django.urls import path

from linli.supply import views

app_name = "supply"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("export.xlsx", views.organisation_export, name="export"),
    path("offerings/", views.offering_list, name="offerings"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
]
