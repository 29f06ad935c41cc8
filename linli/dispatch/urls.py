from django.urls import path

from linli.dispatch import views

app_name = "dispatch"

urlpatterns = [
    path("me/", views.my_day, name="me"),
    path("gaps/", views.gaps, name="gaps"),
    path("board/", views.board, name="board"),
    path("board/batch/", views.batch, name="batch"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:pk>/generate/", views.plan_generate, name="plan_generate"),
    path("plans/<int:pk>/active/", views.plan_active, name="plan_active"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/offer/", views.task_offer, name="task_offer"),
    path("tasks/<int:pk>/broadcast/", views.task_broadcast, name="task_broadcast"),
    path("bookings/<int:pk>/no-show/", views.no_show, name="no_show"),
    path("bookings/<int:pk>/contact/", views.reveal_contact, name="contact"),
    path("demands/<int:demand_pk>/task/", views.task_from_demand, name="task_from_demand"),
    path("offers/<int:pk>/<str:answer>/", views.answer_offer, name="answer"),
    path("bookings/<int:pk>/<str:step>/", views.check, name="check"),
    path("calls/<int:pk>/accept/", views.accept_call, name="accept_call"),
]
