from django.urls import path

from linli.records import views

app_name = "records"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("group/", views.group, name="group"),
    path("<int:pk>/", views.detail, name="detail"),
    path("corrections/<int:pk>/", views.decide, name="decide"),
    path("mine/<int:pk>/correction/", views.ask_correction, name="ask_correction"),
]
