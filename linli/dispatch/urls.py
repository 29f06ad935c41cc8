from django.urls import path

from linli.dispatch import views

app_name = "dispatch"

urlpatterns = [
    path("me/", views.my_day, name="me"),
    path("gaps/", views.gaps, name="gaps"),
    path("offers/<int:pk>/<str:answer>/", views.answer_offer, name="answer"),
    path("bookings/<int:pk>/<str:step>/", views.check, name="check"),
    path("calls/<int:pk>/accept/", views.accept_call, name="accept_call"),
]
