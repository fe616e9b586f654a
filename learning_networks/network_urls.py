from django.urls import path

from learning_networks import views

# Networks, learning lines, planning sessions and the date finder (the core team's side).
urlpatterns = [
    path("netwerken/", views.network_list, name="list"),
    path("netwerken/<int:pk>/", views.network_detail, name="detail"),
    path("netwerken/<int:pk>/bewerken/", views.network_edit, name="edit"),
    path(
        "leeromgevingen/<int:pk>/netwerken/nieuw/",
        views.network_create,
        name="create",
    ),
    path("netwerken/<int:pk>/leden/", views.network_members, name="members"),
    path(
        "netwerken/<int:pk>/leden/<int:user_pk>/verwijderen/",
        views.network_member_remove_view,
        name="member_remove",
    ),
    path("netwerken/<int:pk>/leerlijnen/nieuw/", views.line_create, name="line_create"),
    path("leerlijnen/<int:pk>/", views.line_detail, name="line"),
    path("leerlijnen/<int:pk>/bewerken/", views.line_edit, name="line_edit"),
    path(
        "netwerken/<int:pk>/bijeenkomsten/nieuw/",
        views.session_create,
        name="session_create",
    ),
    path("bijeenkomsten/<int:pk>/bewerken/", views.session_edit, name="session_edit"),
    path("bijeenkomsten/<int:pk>/publiceren/", views.session_publish_view, name="session_publish"),
    path("bijeenkomsten/<int:pk>/annuleren/", views.session_cancel_view, name="session_cancel"),
    path("netwerken/<int:pk>/datum-zoeken/", views.date_finder, name="date_finder"),
    path("leeromgevingen/<int:pk>/gesloten-dagen/", views.closed_days, name="closed_days"),
    path("gesloten-dagen/<int:pk>/verwijderen/", views.closed_day_remove, name="closed_day_remove"),
]
