from django.contrib import admin

from learning_networks.models import (
    Attendance,
    LearningLine,
    LearningNetwork,
    NetworkMembership,
    NetworkSession,
    SessionFeedback,
    Unavailability,
)


class NetworkMembershipInline(admin.TabularInline):
    model = NetworkMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(LearningNetwork)
class LearningNetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "environment"]
    list_filter = ["environment"]
    search_fields = ["name"]
    inlines = [NetworkMembershipInline]


@admin.register(LearningLine)
class LearningLineAdmin(admin.ModelAdmin):
    list_display = ["title", "network"]
    search_fields = ["title"]


@admin.register(NetworkSession)
class NetworkSessionAdmin(admin.ModelAdmin):
    list_display = ["theme", "network", "kind", "starts_at", "status"]
    list_filter = ["kind", "status", "network"]
    search_fields = ["theme"]
    autocomplete_fields = ["facilitators", "audience_programmes", "location"]
    date_hierarchy = "starts_at"


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["session", "user", "answer", "presence"]
    list_filter = ["answer", "presence"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["session"]


@admin.register(SessionFeedback)
class SessionFeedbackAdmin(admin.ModelAdmin):
    list_display = ["session", "usefulness", "relevance", "created_at"]
    raw_id_fields = ["session", "user"]


@admin.register(Unavailability)
class UnavailabilityAdmin(admin.ModelAdmin):
    list_display = ["user", "starts_at", "ends_at"]
    autocomplete_fields = ["user"]
