"""The project's URLs plus a minimal logged-in page to compare the real pages with,
and an empty page in the site's layout."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import include, path

# A tiny template through the same engine, context processors and middleware as
# every page; LoginRequiredMiddleware makes it a logged-in page.
MINIMAL = engines["django"].from_string(
    "<!DOCTYPE html><html><head><title>bench</title></head>"
    "<body><p>bench-minimal-ok {{ user.get_short_name }}</p></body></html>"
)
# The site's layout (base.html: navigation, its queries) around an empty page: the
# floor under every real page, to tell the layout's cost from a page's own.
LAYOUT = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<p>bench-layout-ok</p>{% endblock %}'
)


def minimal(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, MINIMAL, {})


def layout(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, LAYOUT, {})


urlpatterns = [
    path("bench/minimal/", minimal, name="bench_minimal"),
    path("bench/layout/", layout, name="bench_layout"),
    path("", include("ulvo.urls")),
]
