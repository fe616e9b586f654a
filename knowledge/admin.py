from django.contrib import admin

from knowledge.models import Contributor, Entry, Interest, Tag
from ulvo.lib.admin import PrivateTextAdmin


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "category"]
    list_filter = ["category"]


@admin.register(Entry)
class EntryAdmin(PrivateTextAdmin):
    list_display = ["title", "kind", "environment", "status", "is_public", "published_at"]
    list_filter = ["kind", "status", "is_public"]
    raw_id_fields = [
        "environment",
        "created_by",
        "reviewed_by",
        "privacy_confirmed_by",
        "organisations",
        "practice_questions",
    ]


@admin.register(Contributor)
class ContributorAdmin(PrivateTextAdmin):
    list_display = ["entry", "user", "consented_at"]
    raw_id_fields = ["entry", "user"]


@admin.register(Interest)
class InterestAdmin(PrivateTextAdmin):
    list_display = ["environment", "programme", "institute", "study_year", "created_at"]
    raw_id_fields = ["environment"]
