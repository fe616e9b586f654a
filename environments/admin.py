from django.contrib import admin

from environments.models import (
    DomainTarget,
    LearningEnvironment,
    Organisation,
    Partnership,
    Programme,
    ProgrammeTarget,
    Region,
)
from ulvo.lib.admin import PrivateTextAdmin


@admin.register(Region)
class RegionAdmin(PrivateTextAdmin):
    search_fields = ["name"]


class ProgrammeTargetInline(admin.TabularInline):
    model = ProgrammeTarget
    extra = 0
    autocomplete_fields = ["programme"]


class DomainTargetInline(admin.TabularInline):
    model = DomainTarget
    extra = 0


class PartnershipInline(admin.TabularInline):
    model = Partnership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(LearningEnvironment)
class LearningEnvironmentAdmin(PrivateTextAdmin):
    list_display = ["name", "neighbourhood", "school_year", "region"]
    list_filter = ["region", "school_year"]
    search_fields = ["name", "neighbourhood"]
    inlines = [PartnershipInline, ProgrammeTargetInline, DomainTargetInline]


@admin.register(Organisation)
class OrganisationAdmin(PrivateTextAdmin):
    list_display = ["name", "kind", "subtype", "region"]
    list_filter = ["kind", "subtype", "region"]
    search_fields = ["name"]


@admin.register(Programme)
class ProgrammeAdmin(PrivateTextAdmin):
    list_display = ["name", "level", "domain", "institute"]
    list_filter = ["domain", "level"]
    search_fields = ["name", "institute__name"]
    autocomplete_fields = ["institute"]
