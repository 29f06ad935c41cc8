"""Volunteer pages (M4): registration, the volunteer's own profile, the staff list, teams."""

from django.urls import path

from linli.supply import volunteer_views as views

app_name = "volunteers"

urlpatterns = [
    path("", views.volunteer_list, name="list"),
    path("export.xlsx", views.volunteer_export, name="export"),
    path("register/", views.register, name="register"),
    path("me/", views.me, name="me"),
    path("me/certificates/<int:pk>/delete/", views.certificate_delete, name="certificate_delete"),
    path("teams/", views.team_list, name="teams"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("<int:pk>/", views.volunteer_detail, name="detail"),
]
