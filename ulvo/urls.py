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

# Paths follow what a user sees (a placement's supervision page sits under the
# placement), not which app serves it; they are in e-mails, bookmarks and subscribed
# calendars, so they stay. The comment on each include says which paths that app
# serves ("…/" is an environment's pages, leeromgevingen/<pk>/).
urlpatterns = [
    path("", home, name="home"),
    path("health/", health, name="health"),
    # …/ (the environment page), …/uitnodigingen/, …/logboek/, uitnodiging/, taal/,
    # account/sessies/
    path("", include("accounts.urls")),
    # stages/, activiteiten/, aftekenen/, …/stages/ (and the import)
    path("", include("placements.urls")),
    # aanmelden/, aanmeldingen/ (application rounds, the allocation's proposal)
    path("", include("allocation.urls")),
    # netwerken/, leerlijnen/, bijeenkomsten/, agenda/, …/netwerken/, …/agenda/
    path("", include("learning_networks.urls")),
    # begeleiding/, begeleidingsgesprekken/, uren/, stages/<pk>/begeleiding/,
    # …/begeleiding/, …/afspraken/, …/uren/
    path("", include("supervision.urls")),
    # …/mensen/ (the coordinator's people page: it ends supervision and network seats)
    path("", include("supervision.people_urls")),
    # …/volgend-schooljaar/ (the coordinator starts next school year's environment)
    path("", include("supervision.rollover_urls")),
    # reflecties/, leeruitkomsten/, bewijs/, …/leeruitkomsten/
    path("", include("reflections.urls")),
    # vraagstukken/, kaarten/, …/vraagstukken/nieuw/ (practice questions and their boards)
    path("", include("practice.urls")),
    # kennisbank/, praktijkkaart/, …/kennisbank/nieuw/, …/belangstelling/, and the public
    # pages publiek/leeromgevingen/<pk>/ (the showcase) and publiek/kennisbank/<pk>/
    path("", include("knowledge.urls")),
    # …/dashboard/, …/organisaties/, netwerken/<pk>/dashboard/
    path("", include("dashboards.urls")),
    # meldingen/, rapportages/, …/rapportages/
    path("", include("notifications.urls")),
    # privacy/, mijn-gegevens/
    path("", include("privacy.urls")),
    # account/oidc/…/login/ (allauth's OpenID Connect paths, served here so that the ID
    # token's signature is always checked; before allauth's), uitnodiging/…/inloggen/…/
    path("", include("accounts.sso_urls")),
    path("account/", include("allauth.urls")),
    path("beheer/", admin.site.urls),
]
