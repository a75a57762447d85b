from django.contrib import admin

from openiop.programs.models import Cohort, Organization, Program, Room, Site, Track


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ["name"]
    fields = ["name"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin[Site]):
    list_display = ["name", "organization"]
    fields = ["organization", "name", "address"]


class TrackInline(admin.TabularInline[Track, Program]):
    model = Track
    fields = ["name", "weekdays", "starts_at", "ends_at"]
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin[Program]):
    list_display = ["name", "site", "level_of_care", "time_zone", "is_part2"]
    list_filter = ["level_of_care", "site"]
    fields = [
        "site",
        "name",
        "level_of_care",
        "time_zone",
        "min_weekly_hours",
        "max_weekly_hours",
        "is_part2",
    ]
    inlines = [TrackInline]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin[Room]):
    list_display = ["name", "site", "capacity"]
    fields = ["site", "name", "capacity"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin[Cohort]):
    list_display = ["name", "track", "started_on", "enrollment", "min_size", "max_size"]
    list_filter = ["track__program", "enrollment"]
    fields = [
        "track",
        "name",
        "started_on",
        "min_size",
        "max_size",
        "enrollment",
        "facilitator",
        "room",
    ]
    raw_id_fields = ["facilitator"]
