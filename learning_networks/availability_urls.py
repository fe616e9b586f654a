from django.urls import path

from learning_networks import availability_views

urlpatterns = [
    path("verhinderingen/", availability_views.unavailability, name="unavailability"),
    path(
        "verhinderingen/<int:pk>/verwijderen/",
        availability_views.unavailability_remove_view,
        name="unavailability_remove",
    ),
    path(
        "leeromgevingen/<int:pk>/werkdagen/",
        availability_views.working_days,
        name="working_days",
    ),
]
