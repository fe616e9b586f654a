from django.urls import path

from accounts import environment_settings, views

app_name = "accounts"

urlpatterns = [
    path("leeromgevingen/<int:pk>/", views.environment_detail, name="environment"),
    path(
        "leeromgevingen/<int:pk>/uitnodigingen/",
        views.invitation_list,
        name="invitation_list",
    ),
    path(
        "leeromgevingen/<int:pk>/uitnodigingen/<int:invitation_pk>/intrekken/",
        views.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path(
        "leeromgevingen/<int:pk>/uitnodigingen/<int:invitation_pk>/opnieuw-versturen/",
        views.invitation_resend_view,
        name="invitation_resend",
    ),
    path("uitnodiging/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("taal/", views.set_language, name="language"),
    path("account/sessies/", views.session_list, name="sessions"),
    path("account/sessies/<int:pk>/beeindigen/", views.session_end, name="session_end"),
    path(
        "account/sessies/andere-beeindigen/",
        views.session_end_others,
        name="session_end_others",
    ),
    path("leeromgevingen/<int:pk>/logboek/", views.audit_log, name="audit_log"),
    # The coordinator's settings of their environment (accounts.environment_settings).
    path(
        "leeromgevingen/<int:pk>/instellingen/",
        environment_settings.environment_settings,
        name="environment_settings",
    ),
    path(
        "leeromgevingen/<int:pk>/instellingen/partners/",
        environment_settings.environment_partners,
        name="environment_partners",
    ),
    path(
        "leeromgevingen/<int:pk>/instellingen/partners/toevoegen/",
        environment_settings.partner_add_view,
        name="partner_add",
    ),
    path(
        "leeromgevingen/<int:pk>/instellingen/partners/nieuw/",
        environment_settings.partner_create_view,
        name="partner_create",
    ),
    path(
        "leeromgevingen/<int:pk>/instellingen/partners/<int:organisation_pk>/verwijderen/",
        environment_settings.partner_remove_view,
        name="partner_remove",
    ),
    path(
        "leeromgevingen/<int:pk>/instellingen/opleidingen/",
        environment_settings.environment_programmes,
        name="environment_programmes",
    ),
    path(
        "leeromgevingen/<int:pk>/instellingen/opleidingen/toevoegen/",
        environment_settings.programme_add_view,
        name="programme_add",
    ),
    path(
        "leeromgevingen/<int:pk>/instellingen/opleidingen/<int:programme_pk>/verwijderen/",
        environment_settings.programme_remove_view,
        name="programme_remove",
    ),
]
