from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from ulvo.views import health, home

# The admin login goes through allauth: rate limits and two-factor apply there too.
admin.autodiscover()
# Replacing the bound method on the one site instance is the point; the stubs forbid it.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "ULVO"
admin.site.site_title = "ULVO"

urlpatterns = [
    path("", home, name="home"),
    path("health/", health, name="health"),
    path("", include("accounts.urls")),
    path("", include("placements.urls")),
    path("", include("learning_networks.urls")),
    path("", include("supervision.urls")),
    path("", include("reflections.urls")),
    path("", include("dashboards.urls")),
    path("", include("notifications.urls")),
    path("", include("privacy.urls")),
    path("account/", include("allauth.urls")),
    path("beheer/", admin.site.urls),
]
