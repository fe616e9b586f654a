from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("begeleiding/", views.supervisor_home, name="home"),
    path(
        "stages/<int:pk>/begeleiding/gesprekken/",
        views.meeting_note_add,
        name="meeting_note_add",
    ),
    path(
        "begeleidingsgesprekken/<int:note_pk>/bewerken/",
        views.meeting_note_edit,
        name="meeting_note_edit",
    ),
    path(
        "begeleidingsgesprekken/<int:note_pk>/verwijderen/",
        views.meeting_note_delete_view,
        name="meeting_note_delete",
    ),
    path("leeromgevingen/<int:pk>/uren/", views.time_log, name="time_log"),
    path("leeromgevingen/<int:pk>/uren/totalen/", views.time_totals, name="time_totals"),
    path("uren/<int:entry_pk>/bewerken/", views.time_log_edit, name="time_log_edit"),
    path("uren/<int:entry_pk>/verwijderen/", views.time_log_delete_view, name="time_log_delete"),
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
