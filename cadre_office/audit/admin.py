from django.contrib import admin

from cadre_office.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included (docs/security.md item 16)."""

    list_display = ["at", "username", "ip", "event", "outcome", "object_type", "object_repr"]
    list_filter = ["event", "outcome", "source"]
    search_fields = ["username", "object_repr", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
