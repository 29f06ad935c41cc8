from django.urls import path

from linli.ledger import views

app_name = "ledger"

urlpatterns = [
    path("me/hours/", views.mine, name="mine"),
    path("me/hours/gift/", views.gift, name="gift"),
    path("ledger/", views.books, name="books"),
    path("ledger/rules/", views.add_rule, name="add_rule"),
    path("ledger/export.xlsx", views.export_xlsx, name="export"),
    path("ledger/timebank.json", views.timebank_json, name="timebank_json"),
]
