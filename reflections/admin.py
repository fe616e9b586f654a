"""The management site shows reflections' metadata only, never what was written.

A private reflection is its author's alone, staff included: the text and the
feedback on it are left out of every admin page.
"""

from django.contrib import admin

from reflections.models import LearningOutcome, OutcomeEvidence, Reflection
from ulvo.lib.admin import PrivateTextAdmin


@admin.register(Reflection)
class ReflectionAdmin(PrivateTextAdmin):
    list_display = ["pk", "author", "environment", "visibility", "published_at", "created_at"]
    list_filter = ["visibility", "environment"]
    fields = ("author", "environment", "visibility", "t_arm", "published_at", "created_at")
    readonly_fields = fields
    search_fields = ["author__full_name", "author__email"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(LearningOutcome)
class LearningOutcomeAdmin(PrivateTextAdmin):
    list_display = ["title", "environment", "position"]
    list_filter = ["environment"]
    search_fields = ["title"]
    raw_id_fields = ["environment", "created_by"]


@admin.register(OutcomeEvidence)
class OutcomeEvidenceAdmin(PrivateTextAdmin):
    list_display = ["outcome", "student", "reflection_id", "activity_id", "created_at"]
    fields = ("outcome", "student", "reflection_id", "activity_id", "created_at")
    readonly_fields = fields
    search_fields = ["student__full_name"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
