"""The dashboard in the maintenance admin: for looking only.

Plans and targets are edited on the targets page, through the services that keep their
history and write the audit log; snapshots are written by the computation alone. So every
model here is read-only, superusers included.
"""

from django.contrib import admin

from cadre_office.dashboard.models import Figure, Plan, RecomputeJob, Snapshot, Target


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TargetInline(admin.TabularInline):
    model = Target
    fields = ["sort_order", "code", "name", "kind", "goal", "age_max"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["name", "start_date", "end_date"]
    inlines = [TargetInline]


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ["as_of", "plan", "computed_at", "source"]
    list_filter = ["plan", "source"]
    date_hierarchy = "as_of"


@admin.register(Figure)
class FigureAdmin(ReadOnlyAdmin):
    list_display = ["snapshot", "department", "code", "numerator", "denominator"]
    list_filter = ["code"]
    list_select_related = ["snapshot__plan", "department"]


@admin.register(RecomputeJob)
class RecomputeJobAdmin(ReadOnlyAdmin):
    list_display = ["as_of", "state", "requested_by", "requested_at", "finished_at"]
    list_filter = ["state"]
    list_select_related = ["requested_by"]
