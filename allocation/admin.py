from django.contrib import admin

from allocation.models import (
    Application,
    ApplicationRound,
    ComplianceItem,
    ComplianceRequirement,
    Decision,
    HostPlace,
    HostProfile,
    Preference,
    Proposal,
    ProposedPlacement,
    SbbRecognition,
    SupervisorCapacity,
    TrainingPartnership,
)
from ulvo.lib.admin import PrivateTextAdmin


@admin.register(HostProfile)
class HostProfileAdmin(PrivateTextAdmin):
    list_display = ["organisation", "weekdays", "min_domains", "updated_at"]
    raw_id_fields = ["organisation"]


@admin.register(TrainingPartnership)
class TrainingPartnershipAdmin(PrivateTextAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    raw_id_fields = ["institutes", "schools"]


@admin.register(SbbRecognition)
class SbbRecognitionAdmin(PrivateTextAdmin):
    list_display = ["organisation", "crebo", "qualification", "valid_from", "valid_until"]
    raw_id_fields = ["organisation"]


@admin.register(HostPlace)
class HostPlaceAdmin(PrivateTextAdmin):
    list_display = ["organisation", "school_year", "capacity", "programme", "level", "domain"]
    list_filter = ["school_year"]
    raw_id_fields = ["organisation", "programme"]


@admin.register(SupervisorCapacity)
class SupervisorCapacityAdmin(PrivateTextAdmin):
    list_display = ["organisation", "school_year", "supervisor", "capacity"]
    raw_id_fields = ["organisation", "supervisor"]


@admin.register(ApplicationRound)
class ApplicationRoundAdmin(PrivateTextAdmin):
    list_display = ["name", "environment", "school_year", "opens_on", "closes_on"]
    list_filter = ["environment"]
    raw_id_fields = ["environment"]


class PreferenceInline(admin.TabularInline):
    model = Preference
    extra = 0
    raw_id_fields = ["host"]


@admin.register(Application)
class ApplicationAdmin(PrivateTextAdmin):
    list_display = ["student", "round", "programme", "submitted_at", "confirmed_at"]
    list_filter = ["round"]
    raw_id_fields = ["round", "student", "programme", "confirmed_by"]
    inlines = [PreferenceInline]


@admin.register(Decision)
class DecisionAdmin(PrivateTextAdmin):
    list_display = ["application", "host", "kind"]
    raw_id_fields = ["application", "host"]


@admin.register(Proposal)
class ProposalAdmin(PrivateTextAdmin):
    list_display = ["round", "status", "created_at", "finished_at", "optimal", "gap"]
    list_filter = ["status"]
    raw_id_fields = ["round", "created_by"]


@admin.register(ProposedPlacement)
class ProposedPlacementAdmin(PrivateTextAdmin):
    list_display = ["proposal", "application", "host", "rank"]
    raw_id_fields = ["proposal", "application", "host", "supervisor", "placement"]


@admin.register(ComplianceRequirement)
class ComplianceRequirementAdmin(PrivateTextAdmin):
    list_display = ["name", "environment", "programme", "kind", "required"]
    raw_id_fields = ["environment", "programme"]


@admin.register(ComplianceItem)
class ComplianceItemAdmin(PrivateTextAdmin):
    list_display = ["placement", "requirement", "status", "checked_on"]
    list_filter = ["status"]
    raw_id_fields = ["placement", "requirement", "checked_by"]
