from django.urls import path

from allocation import views

app_name = "allocation"

urlpatterns = [
    path("aanmelden/", views.index, name="index"),
    path("aanmelden/<int:pk>/", views.apply, name="apply"),
    path("aanmelden/<int:pk>/voorstel/", views.round_page, name="round"),
    path("aanmelden/<int:pk>/voorstel/berekenen/", views.run, name="run"),
    path("aanmelden/<int:pk>/voorstel/vastzetten/", views.decide, name="decide"),
    path("aanmelden/<int:pk>/voorstel/bevestigen/", views.confirm, name="confirm"),
    path("aanmelden/<int:pk>/voorgesteld/", views.host_applicants, name="host_applicants"),
    path("aanmelden/<int:pk>/voorwaarden/", views.compliance, name="compliance"),
    path("voorwaarden/<int:pk>/", views.compliance_item, name="compliance_item"),
    path("voorwaarden/<int:pk>/document/", views.compliance_document, name="compliance_document"),
    path(
        "aanmeldingen/<int:pk>/bevestigen/", views.confirm_application, name="confirm_application"
    ),
]
