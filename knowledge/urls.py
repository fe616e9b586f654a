from django.urls import path

from knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("kennisbank/", views.entry_list, name="list"),
    path("leeromgevingen/<int:pk>/kennisbank/nieuw/", views.entry_create, name="create"),
    path("kennisbank/<int:pk>/", views.entry_detail, name="detail"),
    path("kennisbank/<int:pk>/bewerken/", views.entry_edit, name="edit"),
    path("kennisbank/<int:pk>/stap/", views.entry_step_view, name="step"),
    path("kennisbank/<int:pk>/openbaar/", views.entry_public, name="public"),
    path("kennisbank/<int:pk>/toestemming/", views.entry_consent, name="consent"),
    path("praktijkkaart/", views.practice_map, name="map"),
    path("leeromgevingen/<int:pk>/belangstelling/", views.interest_list, name="interests"),
    path("publiek/leeromgevingen/<int:pk>/", views.showcase, name="showcase"),
    path("publiek/leeromgevingen/<int:pk>/bedankt/", views.interest_thanks, name="thanks"),
    path("publiek/kennisbank/<int:pk>/", views.public_entry, name="public_entry"),
]
