from django.urls import path

from learning_networks import calendar_views

urlpatterns = [
    path("agenda/", calendar_views.calendar_settings, name="calendar_settings"),
    path("agenda/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
    path(
        "leeromgevingen/<int:pk>/agenda/",
        calendar_views.environment_agenda,
        name="environment_agenda",
    ),
]
