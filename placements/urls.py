from django.urls import path

from placements import import_urls, views

app_name = "placements"

urlpatterns = [
    path("stages/", views.placement_list, name="list"),
    path("stages/<int:pk>/", views.placement_detail, name="detail"),
    path("stages/<int:pk>/overzicht/", views.placement_overview, name="overview"),
    path("stages/<int:pk>/activiteiten/", views.entry_create, name="entry_create"),
    path("stages/<int:pk>/week-indienen/", views.week_submit_view, name="week_submit"),
    path(
        "stages/<int:pk>/week-heropenen/",
        views.week_reopen_request_view,
        name="week_reopen_request",
    ),
    path("stages/<int:pk>/bewerken/", views.placement_edit, name="edit"),
    path("activiteiten/<int:entry_pk>/", views.entry_edit, name="entry_edit"),
    path("activiteiten/<int:entry_pk>/verwijderen/", views.entry_delete, name="entry_delete"),
    path("aftekenen/", views.signoff_queue, name="signoff_queue"),
    path("aftekenen/weken/<int:week_pk>/", views.week_review, name="week_review"),
    path(
        "aftekenen/weken/<int:week_pk>/akkoord/",
        views.week_approve_quick,
        name="week_approve",
    ),
    path(
        "aftekenen/weken/<int:week_pk>/ongedaan-maken/",
        views.week_approval_undo_view,
        name="week_approval_undo",
    ),
    path("aftekenen/weken/<int:week_pk>/heropenen/", views.week_reopen_view, name="week_reopen"),
    path("aftekenen/link/<str:token>/", views.signoff_link, name="signoff_link"),
    path(
        "leeromgevingen/<int:pk>/stages/",
        views.environment_placements,
        name="environment_placements",
    ),
    path(
        "leeromgevingen/<int:pk>/stages/nieuw/",
        views.placement_create,
        name="create",
    ),
]

urlpatterns += import_urls.urlpatterns
