"""Volunteer pages (M4): registration and the volunteer's own profile. Filled in by the supply work."""

app_name = "volunteers"

urlpatterns: list = []
