from django.contrib import admin

from openiop.scheduling.models import HourBand, StaffAvailability


@admin.register(StaffAvailability)
class StaffAvailabilityAdmin(admin.ModelAdmin[StaffAvailability]):
    list_display = ["user", "program", "weekday", "starts_at", "ends_at"]
    list_filter = ["program", "weekday"]
    fields = ["program", "user", "weekday", "starts_at", "ends_at"]
    raw_id_fields = ["user"]


@admin.register(HourBand)
class HourBandAdmin(admin.ModelAdmin[HourBand]):
    list_display = ["program", "phase", "min_hours", "max_hours"]
    list_filter = ["program"]
    fields = ["program", "phase", "min_hours", "max_hours"]
