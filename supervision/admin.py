from django.contrib import admin

from placements.models import SupervisionAssignment
from supervision.models import ResponsibilityAgreement
from ulvo.lib.admin import PrivateTextAdmin


@admin.register(SupervisionAssignment)
class SupervisionAssignmentAdmin(PrivateTextAdmin):
    list_display = ["placement", "display_name", "role", "domain", "signs_off"]
    list_filter = ["role", "domain", "placement__environment"]
    search_fields = ["name", "email", "supervisor__full_name", "placement__student__full_name"]
    raw_id_fields = ["placement", "supervisor"]


@admin.register(ResponsibilityAgreement)
class ResponsibilityAgreementAdmin(PrivateTextAdmin):
    list_display = ["environment", "updated_at"]
    raw_id_fields = ["environment"]
