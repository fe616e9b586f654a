from django.urls import path

from supervision import rollover_views

app_name = "rollover"

urlpatterns = [
    path(
        "leeromgevingen/<int:pk>/volgend-schooljaar/",
        rollover_views.rollover_start,
        name="start",
    ),
    path(
        "leeromgevingen/<int:pk>/volgend-schooljaar/starten/",
        rollover_views.rollover_run_view,
        name="run",
    ),
]
