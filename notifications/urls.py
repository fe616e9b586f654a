from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("meldingen/", views.notification_list, name="list"),
    path("meldingen/<int:pk>/openen/", views.notification_open, name="open"),
    path("meldingen/<int:pk>/gelezen/", views.notification_mark_read, name="mark_read"),
    path("meldingen/alles-gelezen/", views.notification_mark_all_read, name="mark_all_read"),
    path("meldingen/voorkeuren/", views.preferences, name="preferences"),
    path("meldingen/voorkeuren/<str:token>/", views.preferences_link, name="preferences_link"),
    path("leeromgevingen/<int:pk>/rapportages/", views.report_list, name="report_list"),
    path("rapportages/<int:pk>/", views.report_detail, name="report_detail"),
    path("rapportages/<int:pk>/<str:fmt>/", views.report_download, name="report_download"),
]
