from django.urls import path

from accounts import views

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
]
