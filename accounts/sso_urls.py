"""Single sign-on paths (accounts/sso_views.py).

The two OpenID Connect paths are allauth's own (``account/oidc/<provider>/login/`` and
``…/login/callback/``, named ``openid_connect_login`` and ``openid_connect_callback``
there): ``ulvo/urls.py`` includes these before allauth, so the same addresses lead to
the views that always check the ID token's signature.
"""

from django.urls import path

from accounts import sso_views

app_name = "sso"

urlpatterns = [
    path("account/oidc/<str:provider_id>/login/", sso_views.oidc_login, name="oidc_login"),
    path(
        "account/oidc/<str:provider_id>/login/callback/",
        sso_views.oidc_callback,
        name="oidc_callback",
    ),
    path(
        "uitnodiging/<str:token>/inloggen/<str:provider_id>/",
        sso_views.invitation_sso,
        name="invitation",
    ),
]
