from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("stages/<int:pk>/begeleiding/", views.placement_supervision, name="placement"),
    path(
        "begeleiding/<int:assignment_pk>/bewerken/",
        views.assignment_edit,
        name="assignment_edit",
    ),
    path(
        "begeleiding/<int:assignment_pk>/verwijderen/",
        views.assignment_remove_view,
        name="assignment_remove",
    ),
    path("leeromgevingen/<int:pk>/begeleiding/", views.environment_gaps, name="gaps"),
    path("leeromgevingen/<int:pk>/afspraken/", views.environment_agreement, name="agreement"),
]
