from django.urls import path

from linli.shop import views

app_name = "shop"

urlpatterns = [
    path("", views.index, name="index"),
    path("items/<int:pk>/redeem/", views.redeem, name="redeem"),
    path("redemptions/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("keeper/", views.keeper, name="keeper"),
]
