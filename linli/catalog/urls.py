from django.urls import path

from linli.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.index, name="index"),
    path("categories/<str:code>/edit/", views.category_edit, name="category_edit"),
    path("items/<str:code>/edit/", views.item_edit, name="item_edit"),
    path("menu/<str:code>/", views.menu, name="menu"),
]
