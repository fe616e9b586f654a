from django.contrib import admin

from practice.models import PracticeQuestion
from ulvo.lib.admin import PrivateTextAdmin


@admin.register(PracticeQuestion)
class PracticeQuestionAdmin(PrivateTextAdmin):
    list_display = ["title", "environment", "host", "status", "created_at"]
    list_filter = ["status", "environment"]
    search_fields = ["title"]
    raw_id_fields = ["environment", "host", "asked_by"]
