from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.policy, name="policy"),
    path("mijn-gegevens/", views.my_data, name="my_data"),
    path("mijn-gegevens/download/", views.my_data_download, name="download"),
    path("mijn-gegevens/account-verwijderen/", views.delete_account, name="delete_account"),
]
