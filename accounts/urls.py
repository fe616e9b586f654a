from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
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
]
