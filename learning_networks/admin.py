from django.contrib import admin

from learning_networks.models import (
    Attendance,
    ClosedDay,
    LearningLine,
    LearningNetwork,
    NetworkMembership,
    NetworkSession,
    SchoolHoliday,
    SessionFeedback,
    Unavailability,
    WorkingDays,
)
from ulvo.lib.admin import PrivateTextAdmin


class NetworkMembershipInline(admin.TabularInline):
    model = NetworkMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(LearningNetwork)
class LearningNetworkAdmin(PrivateTextAdmin):
    list_display = ["name", "environment"]
    list_filter = ["environment"]
    search_fields = ["name"]
    inlines = [NetworkMembershipInline]


@admin.register(LearningLine)
class LearningLineAdmin(PrivateTextAdmin):
    list_display = ["title", "network"]
    search_fields = ["title"]


@admin.register(NetworkSession)
class NetworkSessionAdmin(PrivateTextAdmin):
    list_display = ["theme", "network", "kind", "starts_at", "status"]
    list_filter = ["kind", "status", "network"]
    search_fields = ["theme"]
    autocomplete_fields = ["facilitators", "audience_programmes", "location"]
    date_hierarchy = "starts_at"


@admin.register(Attendance)
class AttendanceAdmin(PrivateTextAdmin):
    list_display = ["session", "user", "answer", "presence"]
    list_filter = ["answer", "presence"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["session"]


@admin.register(SessionFeedback)
class SessionFeedbackAdmin(PrivateTextAdmin):
    list_display = ["session", "usefulness", "relevance", "created_at"]
    raw_id_fields = ["session", "user"]


@admin.register(Unavailability)
class UnavailabilityAdmin(PrivateTextAdmin):
    """When someone cannot come; the reason they gave is theirs alone, so not shown."""

    list_display = ["user", "kind", "starts_at", "ends_at", "weekday", "starts_time", "ends_time"]
    autocomplete_fields = ["user"]
    exclude = ["reason"]


@admin.register(WorkingDays)
class WorkingDaysAdmin(PrivateTextAdmin):
    list_display = ["user", "environment", "weekdays", "updated_at"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["environment"]


@admin.register(SchoolHoliday)
class SchoolHolidayAdmin(PrivateTextAdmin):
    """The official school holidays, shipped for the coming years; staff add the next
    school year when the Rijksoverheid publishes it."""

    list_display = ["kind", "school_year", "region", "first_day", "last_day"]
    list_filter = ["region", "school_year", "kind"]
    date_hierarchy = "first_day"


@admin.register(ClosedDay)
class ClosedDayAdmin(PrivateTextAdmin):
    list_display = ["reason", "environment", "first_day", "last_day"]
    list_filter = ["environment"]
    search_fields = ["reason"]
    date_hierarchy = "first_day"
