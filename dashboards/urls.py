from django.urls import path

from dashboards import region_views, views

app_name = "dashboards"

urlpatterns = [
    path("leeromgevingen/<int:pk>/dashboard/", views.environment_dashboard, name="environment"),
    path("leeromgevingen/<int:pk>/dashboard/stages/", views.placements, name="placements"),
    path("leeromgevingen/<int:pk>/dashboard/bijeenkomsten/", views.sessions, name="sessions"),
    path("leeromgevingen/<int:pk>/dashboard/uren/", views.hours, name="hours"),
    path(
        "leeromgevingen/<int:pk>/dashboard/export/<slug:figure>.<str:fmt>",
        views.export,
        name="export",
    ),
    path(
        "leeromgevingen/<int:pk>/organisaties/<int:organisation_pk>/dashboard/",
        views.organisation_dashboard,
        name="organisation",
    ),
    path(
        "leeromgevingen/<int:pk>/organisaties/<int:organisation_pk>/dashboard/deze-week.csv",
        views.organisation_building_export,
        name="organisation_building_export",
    ),
    path("netwerken/<int:pk>/dashboard/", views.network_dashboard, name="network"),
    path(
        "netwerken/<int:pk>/dashboard/export/<slug:figure>.<str:fmt>",
        views.network_export,
        name="network_export",
    ),
    # Staff: every environment of a region side by side.
    path("regios/", region_views.region, name="region"),
    path("regios/export.csv", region_views.region_export, name="region_export"),
]
